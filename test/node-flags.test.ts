// How node is started for the fake (an allocator setting in its environment, a young generation and
// an old-generation growth sized for large stores) is the same wherever that is done: the bin's
// shebang, `npm start` and the Docker image.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

/** The flags between `node` and the script in a command line. */
function flagsOf(words: readonly string[]): string[] {
  return words.slice(words.indexOf('node') + 1).filter((word) => word.startsWith('--'));
}

/** The `NAME=VALUE` words before `node` in a command line. */
function assignmentsOf(words: readonly string[]): string[] {
  return words.slice(0, words.indexOf('node')).filter((word) => /^[A-Z_][A-Z0-9_]*=/.test(word));
}

/** Every `NAME=VALUE` of the Dockerfile's ENV instructions (continued lines joined). */
function dockerEnv(dockerfile: string): string[] {
  const instructions = dockerfile.replace(/\\\n/g, ' ').split('\n');
  return instructions.filter((line) => line.startsWith('ENV ')).flatMap((line) => line.slice(4).trim().split(/\s+/));
}

describe('node flags', () => {
  const shebang = (read('src/cli.ts').split('\n', 1)[0] ?? '').split(/\s+/);
  const flags = flagsOf(shebang);
  const environment = assignmentsOf(shebang);

  it('the bin runs node through env -S, with an allocator setting and flags', () => {
    assert.deepEqual(shebang.slice(0, 2), ['#!/usr/bin/env', '-S']);
    assert.deepEqual(environment, ['MALLOC_ARENA_MAX=1']);
    assert.equal(shebang[2 + environment.length], 'node');
    assert.deepEqual(flags, ['--max-semi-space-size=1', '--heap-growing-percent=30']);
  });

  it('npm start gives node the same environment and flags', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start.split(/\s+/);
    assert.deepEqual(assignmentsOf(start), environment);
    assert.deepEqual(flagsOf(start), flags);
    assert.equal(start[start.length - 1], 'dist/cli.js');
  });

  it("the image's entrypoint gives node the same environment and flags", () => {
    const dockerfile = read('Dockerfile');
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1];
    assert.ok(entrypoint !== undefined, 'an ENTRYPOINT in exec form');
    const words = JSON.parse(entrypoint) as string[];
    assert.deepEqual(flagsOf(words), flags);
    assert.equal(words[words.length - 1], '/app/dist/cli.js');
    const env = dockerEnv(dockerfile);
    for (const assignment of environment) assert.ok(env.includes(assignment), `ENV ${assignment} in the Dockerfile`);
  });

  it("the image's code cache is made under the same flags (V8 refuses one made under others)", () => {
    const instructions = read('Dockerfile').replace(/\\\n/g, ' ').split('\n');
    const warmUp = instructions.filter((line) => line.startsWith('RUN ') && line.includes('dist/cli.js'));
    assert.equal(warmUp.length, 1, 'one RUN that starts the bin');
    const words = (warmUp[0] as string).split(/\s+/);
    // Up to the script: the words after it are the CLI's own options.
    assert.deepEqual(flagsOf(words.slice(0, words.indexOf('dist/cli.js'))), flags);
  });
});
