// The node flags the fake is shipped with (a young generation and an old-generation growth sized
// for large stores) are the same wherever node is started for it: the bin's shebang, `npm start`
// and the Docker image.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

/** The flags between `node` and the script in a command line. */
function flagsOf(words: readonly string[]): string[] {
  return words.slice(words.indexOf('node') + 1).filter((word) => word.startsWith('--'));
}

describe('node flags', () => {
  const shebang = (read('src/cli.ts').split('\n', 1)[0] ?? '').split(/\s+/);
  const flags = flagsOf(shebang);

  it('the bin runs node through env -S, with flags', () => {
    assert.deepEqual(shebang.slice(0, 3), ['#!/usr/bin/env', '-S', 'node']);
    assert.deepEqual(flags, ['--max-semi-space-size=2', '--heap-growing-percent=30']);
  });

  it('npm start gives node the same flags', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    assert.deepEqual(flagsOf(start.split(/\s+/)), flags);
    assert.ok(start.endsWith('dist/cli.js'), start);
  });

  it("the image's entrypoint gives node the same flags", () => {
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
    assert.ok(entrypoint !== undefined, 'an ENTRYPOINT in exec form');
    const words = JSON.parse(entrypoint) as string[];
    assert.deepEqual(flagsOf(words), flags);
    assert.equal(words[words.length - 1], '/app/dist/cli.js');
  });
});
