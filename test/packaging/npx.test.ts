// The packed tarball, installed into a fresh project, runs with npx: --help, the ready line, a
// create and a read, and a clean stop. Proves the files whitelist, bin, shebang and dependencies,
// that installing it builds nothing, and that its types need no types the consumer lacks.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KEYS } from '../support/fixture-keys.js';
import { runToEnd, spawnServer, type Finished, type ServerProcess } from '../support/processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_LIMIT_MS = 20_000;

/** The caller's environment without fake options or the outer `npm run`'s package context. */
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^(ATHENTY_FAKE_|npm_package_|npm_lifecycle_)/.test(name) && name !== 'npm_config_local_prefix',
  ),
);

/** Runs a command to its end in `cwd`; rejects when it does not exit 0. */
async function exec(command: string, args: string[], cwd: string): Promise<Finished> {
  const finished = await runToEnd(command, args, { cwd, env: ENV });
  if (finished.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${finished.code}:\n${finished.stdout}${finished.stderr}`);
  return finished;
}

/**
 * Starts a long-running command in its own process group and waits for the fake's ready line; its
 * stop and kill signal the whole group, as a terminal, Docker or a CI runner does.
 */
function startServing(command: string, args: string[], cwd: string): Promise<ServerProcess> {
  return spawnServer(command, args, { cwd, env: ENV, detached: true, readyTimeoutMs: READY_LIMIT_MS });
}

async function createAndRead(url: string): Promise<void> {
  const headers = { 'X-Api-Key': KEYS.acme, 'Content-Type': 'application/json' };
  const made = await fetch(`${url}/v2/api/clients`, { method: 'POST', headers, body: JSON.stringify({ nameFirst: 'Npx' }) });
  assert.equal(made.status, 201);
  const record = (await made.json()) as { id: string; nameFirst: string };
  assert.equal(made.headers.get('location'), `/v2/api/clients/${record.id}`);
  const read = await fetch(`${url}/v2/api/clients/${record.id}`, { headers });
  assert.equal(read.status, 200);
  assert.deepEqual(await read.json(), record);
}

describe('the packed tarball, installed into a fresh project', { timeout: 240_000 }, () => {
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'athenty-npx-')));
  const project = join(work, 'project');
  const started: ServerProcess[] = [];
  let packedFiles: string[] = [];

  before(async () => {
    // `npm pack` runs `prepack` (the build), so dist/ is compiled from the current sources first.
    const packed = await exec('npm', ['pack', '--json', '--pack-destination', work], ROOT);
    const [tarball] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    assert.ok(tarball, packed.stdout);
    packedFiles = tarball.files.map((f) => f.path);
    mkdirSync(project);
    await exec('npm', ['init', '--yes'], project);
    await exec('npm', ['install', '--no-audit', '--no-fund', join(work, tarball.filename)], project);
  });

  after(() => {
    for (const fake of started) void fake.kill();
    rmSync(work, { recursive: true, force: true });
  });

  it('holds the compiled CLI, schemas, fixtures and package.json, and no sources or tests', () => {
    for (const file of [
      'package.json',
      'dist/cli.js',
      'dist/index.js',
      'dist/index.d.ts',
      'schemas/api-keys.schema.json',
      'dist/resources/clients/schemas/client.schema.json',
      'fixtures/api-keys.json',
      'fixtures/clients.json',
      'fixtures/requests.json',
      'dist/resources/requests/schemas/request.schema.json',
      'dist/admin/ui/index.html',
      'dist/admin/ui/app.js',
      'dist/admin/ui/panels/journal.js',
    ]) {
      assert.ok(packedFiles.includes(file), file);
    }
    const strays = packedFiles.filter((f) => /^(src|test|docker|examples|bench)\//.test(f) || f.endsWith('.tgz'));
    assert.deepEqual(strays, []);
  });

  it('has no script that npm runs on install, nor type packages among its dependencies', () => {
    const installed = JSON.parse(readFileSync(join(project, 'node_modules', 'athenty-fake', 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    // The package ships compiled: none of the scripts npm or another package manager may run
    // for an installed package (npm runs `prepare` for a linked folder or a git checkout).
    const onInstall = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];
    assert.deepEqual(
      Object.keys(installed.scripts ?? {}).filter((name) => onInstall.includes(name)),
      [],
    );
    assert.deepEqual(
      Object.keys(installed.dependencies ?? {}).filter((name) => name.startsWith('@types/')),
      [],
    );
  });

  it('its type definitions compile in a strict consumer project that checks library types too', async () => {
    const versionOf = (name: string): string =>
      (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    await exec(
      'npm',
      ['install', '--no-audit', '--no-fund', `typescript@${versionOf('typescript')}`, `@types/node@${versionOf('@types/node')}`],
      project,
    );
    // The consumer has no express types: the package's types must not need them.
    rmSync(join(project, 'node_modules', '@types', 'express'), { recursive: true, force: true });
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(
      join(project, 'consumer.ts'),
      [
        "import { createServer } from 'node:http';",
        "import { connectFake, createApp, FakeAdminError, parseConfig, PROGRAMMATIC_DEFAULTS, startFake, type ClientRecord, type FakeAdmin } from 'athenty-fake';",
        'export async function use(): Promise<void> {',
        "  const fake = await startFake({ port: 0, db: 'memory', strict: true });",
        '  const clients: ClientRecord[] = (await fake.state.export()).clients;',
        "  const admin: FakeAdmin = connectFake(fake.url, { adminToken: 'x' });",
        "  const entries = await admin.journal.list({ method: 'POST' });",
        '  const count: number = await fake.journal.count({ status: 201 });',
        '  const now: string = await fake.clock.now();',
        '  const rule = await fake.faults.add({ status: 503, times: 1 });',
        '  const health = await fake.health();',
        '  const embedded = createApp(parseConfig({}, {}, PROGRAMMATIC_DEFAULTS));',
        '  createServer(embedded.app).close();',
        '  embedded.markReady();',
        '  console.log(clients[0]?.nameFirst, entries[0]?.status, count, now, rule.id, health.clients, new FakeAdminError(500, undefined, "x").status);',
        '  // @ts-expect-error an option that does not exist is refused',
        '  await startFake({ prot: 1 });',
        '  await fake.close();',
        '}',
      ].join('\n'),
    );
    await exec('npx', ['tsc', '-p', '.'], project);
  });

  it('links the athenty-fake bin into node_modules/.bin, so npx runs the installed copy', () => {
    assert.ok(existsSync(join(project, 'node_modules', '.bin', 'athenty-fake')));
  });

  it('`npx athenty-fake --help` prints the usage and exits 0', async () => {
    const { stdout } = await exec('npx', ['athenty-fake', '--help'], project);
    assert.match(stdout, /^Usage: athenty-fake \[options\]/);
    assert.match(stdout, /--port/);
  });

  it('`npx athenty-fake --port 0 --db memory` serves a create and a read, then stops on SIGTERM', async () => {
    const fake = await startServing('npx', ['athenty-fake', '--port', '0', '--db', 'memory'], project);
    started.push(fake);
    assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    await createAndRead(fake.url);
    // The bundled CLI finds the inspector page's files in the installed package.
    for (const file of ['', 'app.js', 'panels/journal.js']) assert.equal((await fetch(`${fake.url}/__admin/ui/${file}`)).status, 200, file);

    await fake.stop('SIGTERM');
    // npm has no SIGTERM handler: npx itself dies of the signal; the fake stops on its own.
    const { code, signal } = await fake.closed;
    assert.ok(code === 0 || code === 143 || signal === 'SIGTERM', `npx ended with ${code ?? signal}`);
    assert.match(fake.stderr(), /SIGTERM: stopping/);
    assert.doesNotMatch(fake.stderr(), /could not stop/);
    await assert.rejects(fetch(`${fake.url}/__admin/health`), 'the port is closed');
  });

  it("the installed bin, run through its shebang, has the shebang's environment and node flags, and exits 0 on SIGTERM", async () => {
    const fake = await startServing(join(project, 'node_modules', '.bin', 'athenty-fake'), ['--port', '0', '--db', 'memory'], project);
    started.push(fake);
    if (process.platform === 'linux') {
      // env runs node in its own place: the pid is node's.
      const command = readFileSync(`/proc/${fake.pid}/cmdline`, 'utf8').split('\0');
      assert.deepEqual(command.slice(1, 3), ['--max-semi-space-size=1', '--heap-growing-percent=30']);
      const environment = readFileSync(`/proc/${fake.pid}/environ`, 'utf8').split('\0');
      assert.ok(environment.includes('MALLOC_ARENA_MAX=1'), 'MALLOC_ARENA_MAX=1 in the environment');
    }
    await createAndRead(fake.url);
    fake.child.kill('SIGTERM');
    assert.deepEqual(await fake.closed, { code: 0, signal: null });
  });
});
