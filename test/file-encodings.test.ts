// Files as editors save them: a UTF-8 byte order mark in a keys, seed or store file is skipped; a
// key with spaces around it is refused, naming the file and the line.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startFake } from '../src/index.js';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import { tempDir } from './support/temp-dir.js';

const BOM = '\uFEFF';
const KEYS_FILE = readFileSync(new URL('../fixtures/api-keys.json', import.meta.url), 'utf8');

function file(name: string, content: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

describe('file encodings', () => {
  it('skips a byte order mark in the keys, seed and store files', async (t) => {
    const keys = file('keys.json', BOM + KEYS_FILE);
    const seed = file('seed.json', `${BOM}{"clients":[{"id":"clt_01ke6qvwe0mc8vacm19w6xg3jk","orgId":"org_acme","nameFirst":"Seeded"}]}`);
    const first = await withFake(t, { keys, seed, db: join(tempDir(), 'unused.json') });
    assert.equal((await first.call('GET', '/clients/clt_01ke6qvwe0mc8vacm19w6xg3jk', { key: KEYS.acme })).body.nameFirst, 'Seeded');
    const exported = await first.state.export();
    const db = file('db.json', BOM + JSON.stringify(exported));
    const second = await withFake(t, { keys, db, seed: 'none' });
    assert.deepEqual(await second.state.export(), exported);
  });

  it('refuses a key with spaces around it, naming the file and the line', async (t) => {
    const keys = file('keys.json', KEYS_FILE.replace('"ath_test_globex_3Nf6wB1yH5jD0sQe"', '" ath_test_globex_3Nf6wB1yH5jD0sQe "'));
    const started = startFake({ keys, seed: 'none' });
    t.after(async () => (await started.catch(() => undefined))?.close());
    await assert.rejects(started, {
      name: 'StartupError',
      message: `keys file ${keys}: line 4: keys.1.key has spaces around it, so no request's X-Api-Key could ever match it`,
    });
  });
});
