// The bin's V8 code cache: runWithCodeCache on a script of the test's own, then the built CLI in a
// copy of the package, which writes its cache beside the bundle and starts from it.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { runWithCodeCache, type CodeCacheRun } from '../src/code-cache.js';
import { KEYS } from './support/fixture-keys.js';
import { call } from './support/http.js';
import { runToEnd, spawnServer } from './support/processes.js';
import { tempDir } from './support/temp-dir.js';

/** A script that counts its runs in a global and says what Node gave it; it throws on line 4 when asked to. */
const SCRIPT = `#!/usr/bin/env node
globalThis.codeCacheRuns = (globalThis.codeCacheRuns ?? 0) + 1;
module.exports = { filename: __filename, dirname: __dirname, path: require('node:path').sep };
if (globalThis.codeCacheThrow) throw new Error('thrown on line 4');
`;

interface Run {
  use: ReturnType<typeof runWithCodeCache>;
  /** The write handed to writeWhen, if it was. */
  write: (() => void) | undefined;
}

function run(paths: Pick<CodeCacheRun, 'script' | 'cache'>): Run {
  let write: (() => void) | undefined;
  const use = runWithCodeCache({ ...paths, writeWhen: (w) => (write = w) });
  return { use, write };
}

function scriptIn(dir: string, source = SCRIPT): { script: string; cache: string } {
  const script = join(dir, 'script.cjs');
  writeFileSync(script, source);
  return { script, cache: join(dir, 'script.v8cache') };
}

const runs = (): number => (globalThis as { codeCacheRuns?: number }).codeCacheRuns ?? 0;

describe('runWithCodeCache', () => {
  it('runs the script without a cache, writes one when told, and the next run takes it without writing again', () => {
    const paths = scriptIn(tempDir());
    const before = runs();
    const first = run(paths);
    assert.equal(first.use, 'none');
    assert.equal(runs(), before + 1);
    assert.equal(existsSync(paths.cache), false);
    assert.ok(first.write);
    first.write();
    assert.ok(statSync(paths.cache).size > 0);

    const second = run(paths);
    assert.deepEqual([second.use, second.write, runs()], ['used', undefined, before + 2]);
  });

  it("refuses a cache that is not V8's, or is of another script, runs the script all the same, and writes one it takes", () => {
    const dir = tempDir();
    const paths = scriptIn(dir);
    writeFileSync(paths.cache, 'not a code cache');
    const garbage = run(paths);
    assert.equal(garbage.use, 'refused');
    garbage.write?.();
    assert.equal(run(paths).use, 'used');

    // The same cache file for a changed script (another build): refused.
    writeFileSync(paths.script, `${SCRIPT}globalThis.codeCacheRuns += 0;\n`);
    const changed = run(paths);
    assert.equal(changed.use, 'refused');
    changed.write?.();
    assert.equal(run(paths).use, 'used');
  });

  it("runs the script as Node runs a CommonJS module, with the file's own line numbers", () => {
    const dir = tempDir();
    const paths = scriptIn(dir);
    const loaded = runWithCodeCache({ ...paths, writeWhen: () => undefined });
    assert.equal(loaded, 'none');
    (globalThis as { codeCacheThrow?: boolean }).codeCacheThrow = true;
    try {
      assert.throws(
        () => run(paths),
        (error: Error) => error.message === 'thrown on line 4' && (error.stack ?? '').includes(`${paths.script}:4:`),
      );
    } finally {
      (globalThis as { codeCacheThrow?: boolean }).codeCacheThrow = false;
    }
  });

  it('gives the script its own require, __filename and __dirname', () => {
    const dir = tempDir();
    const paths = scriptIn(
      dir,
      'module.exports = { filename: __filename, dirname: __dirname, sep: require("node:path").sep };\nglobalThis.codeCacheModule = module.exports;\n',
    );
    run(paths);
    assert.deepEqual((globalThis as { codeCacheModule?: unknown }).codeCacheModule, { filename: paths.script, dirname: dir, sep: '/' });
  });

  it('writes no cache, and leaves no temporary file, where the cache cannot be written', () => {
    const dir = tempDir();
    const paths = scriptIn(dir);
    // A folder in the cache's place: the rename onto it fails.
    mkdirSync(paths.cache);
    const first = run(paths);
    assert.equal(first.use, 'none');
    first.write?.();
    assert.deepEqual(readdirSync(dir).sort(), ['script.cjs', 'script.v8cache']);
    assert.ok(statSync(paths.cache).isDirectory());
  });
});

describe('the bin', () => {
  const root = fileURLToPath(new URL('../', import.meta.url));

  /** A copy of the built package (dist copied without caches; the rest linked), as an install has it. */
  function installedCopy(): string {
    const copy = tempDir();
    cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true, filter: (source) => !source.endsWith('.v8cache') });
    for (const linked of ['package.json', 'node_modules', 'fixtures', 'schemas']) symlinkSync(join(root, linked), join(copy, linked));
    return copy;
  }

  const cachesIn = (dist: string): string[] => readdirSync(dist).filter((name) => name.endsWith('.v8cache'));

  /** Resolves with the name of the first cache that appears in `dist` (renamed into place). */
  function cacheAppearing(dist: string): Promise<string> {
    return new Promise((resolve) => {
      const watcher = watch(dist, (_event, name) => {
        if (name?.endsWith('.v8cache') === true && existsSync(join(dist, name))) {
          watcher.close();
          resolve(name);
        }
      });
    });
  }

  it('writes a cache beside the bundle once a start has run a while, and a start from it answers as before', {
    timeout: 30_000,
  }, async (t) => {
    const dist = join(installedCopy(), 'dist');
    assert.deepEqual(cachesIn(dist), []);
    const appearing = cacheAppearing(dist);
    const first = await spawnServer(process.execPath, [join(dist, 'cli.js'), '--port', '0', '--db', 'memory', '--log-level', 'warn']);
    t.after(() => first.stop());
    const name = await appearing;
    assert.match(
      name,
      new RegExp(`^cli-bundle\\.[0-9a-f]{16}\\.${process.version.replaceAll('.', '\\.')}-${process.arch}\\.[0-9a-f]{8}\\.v8cache$`),
    );
    assert.deepEqual(cachesIn(dist), [name]);
    assert.ok(statSync(join(dist, name)).size > 0);
    assert.equal(await first.stop(), 0);

    const second = await spawnServer(process.execPath, [join(dist, 'cli.js'), '--port', '0', '--db', 'memory', '--log-level', 'warn']);
    t.after(() => second.stop());
    const created = await call(second.url, 'POST', '/clients', { key: KEYS.acme, body: { nameFirst: 'Cached' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.nameFirst, 'Cached');
    assert.equal(await second.stop(), 0);
  });

  it('is not packed: npm pack leaves caches out', async (t) => {
    // One there to leave out, as a start of the built CLI writes it.
    const cache = join(root, 'dist', `cli-bundle.0000000000000000.${process.version}-${process.arch}.v8cache`);
    writeFileSync(cache, 'cache');
    t.after(() => rmSync(cache, { force: true }));
    const { stdout, code } = await runToEnd('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root });
    assert.equal(code, 0);
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    assert.ok(files.includes('dist/cli-bundle.cjs'));
    assert.deepEqual(
      files.filter((f) => f.endsWith('.v8cache')),
      [],
    );
  });
});
