// Bad files and folders at start-up: each is one line on stderr naming the file and the problem,
// exit code 1, and the store file left byte-identical.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, runCliWithFilePermissions } from './support/cli.js';
import { tempDir } from './support/temp-dir.js';

/** A folder with a store file holding `content`. */
function storeWith(content: string): { dir: string; db: string } {
  const dir = tempDir();
  const db = join(dir, 'db.json');
  writeFileSync(db, content);
  chmodSync(db, 0o644);
  return { dir, db };
}

const GOOD_STORE = '{"clients":[\n]}\n';

describe('bad files at start-up', () => {
  it('an unreadable store file', async () => {
    const { db } = storeWith(GOOD_STORE);
    chmodSync(db, 0o000);
    const { code, stdout, stderr } = await runCliWithFilePermissions(['--port', '0', '--db', db]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(stderr, `athenty-fake: store file ${db} cannot be read (permission denied)\n`);
    chmodSync(db, 0o644);
    assert.equal(readFileSync(db, 'utf8'), GOOD_STORE);
  });

  it('a store folder it cannot write to', async () => {
    const { dir, db } = storeWith(GOOD_STORE);
    chmodSync(dir, 0o555);
    const { code, stderr } = await runCliWithFilePermissions(['--port', '0', '--db', db]);
    chmodSync(dir, 0o777);
    assert.equal(code, 1);
    assert.equal(stderr, `athenty-fake: store file ${db}: its folder ${dir} is not writable\n`);
    assert.equal(readFileSync(db, 'utf8'), GOOD_STORE);
  });

  it('a keys path that is a directory', async () => {
    const { db } = storeWith(GOOD_STORE);
    const keys = join(tempDir(), 'keys.json');
    mkdirSync(keys);
    const { code, stderr } = await runCli(['--port', '0', '--db', db, '--keys', keys]);
    assert.equal(code, 1);
    assert.equal(stderr, `athenty-fake: keys file ${keys} is a directory, not a file\n`);
    assert.equal(readFileSync(db, 'utf8'), GOOD_STORE);
  });

  const FIXTURES: [string, string[], (path: string) => string][] = [
    ['a missing seed file', ['--seed'], (p) => `seed file ${p} does not exist`],
    ['a malformed keys file', ['--keys'], (p) => `keys file ${p} is not valid JSON (Unexpected token 'o', "not json" is not valid JSON)`],
  ];
  for (const [name, flag, message] of FIXTURES) {
    it(name, async () => {
      const { db } = storeWith(GOOD_STORE);
      const path = join(tempDir(), 'fixture.json');
      if (name.includes('malformed')) writeFileSync(path, 'not json');
      const { code, stderr } = await runCli(['--port', '0', '--db', db, ...flag, path]);
      assert.equal(code, 1);
      assert.equal(stderr, `athenty-fake: ${message(path)}\n`);
      assert.equal(readFileSync(db, 'utf8'), GOOD_STORE);
    });
  }

  it('a store file of the wrong shape, named with the field', async () => {
    const content = '{"clients":[{"id":"clt_01ke6qvwe0mc8vacm19w6xg3jk","orgId":"org_acme"}]}';
    const { db } = storeWith(content);
    const { code, stderr } = await runCli(['--port', '0', '--db', db]);
    assert.equal(code, 1);
    assert.equal(
      stderr,
      `athenty-fake: store file ${db} does not have the expected shape (clients.0.nameFirst: Required); it was left untouched\n`,
    );
    assert.equal(readFileSync(db, 'utf8'), content);
  });
});
