// Using a handle the wrong way says so clearly: the in-process handle after close(), and
// connectFake() given the API's base path instead of the fake's URL.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connectFake } from '../src/index.js';
import { startTestFake, withFake } from './support/fake.js';
import { tempDir } from './support/temp-dir.js';

type Method = (...args: unknown[]) => Promise<unknown>;

/** Every method of a handle, by its dotted name (`faults.add`). */
function methodsOf(handle: object, prefix = ''): [string, Method][] {
  return Object.entries(handle).flatMap(([name, value]): [string, Method][] => {
    if (typeof value === 'function') return [[`${prefix}${name}`, value as Method], ...methodsOf(value, `${prefix}${name}.`)];
    if (value !== null && typeof value === 'object' && !name.startsWith('apiKeys') && name !== 'fake')
      return methodsOf(value, `${prefix}${name}.`);
    return [];
  });
}

describe('handle misuse', () => {
  it('after close(), every method of the in-process handle rejects saying so, and nothing is written', async () => {
    const db = join(tempDir(), 'db.json');
    const fake = await startTestFake({ db, seed: 'none' });
    assert.equal((await fake.create({ nameFirst: 'Kept' })).status, 201);
    await fake.close();
    const file = readFileSync(db, 'utf8');
    const { close: _close, call: _call, create: _create, ...admin } = fake;
    const methods = methodsOf(admin);
    assert.ok(methods.length >= 19, `${methods.length} methods`);
    for (const [name, method] of methods) {
      const args = name === 'state.import' ? [{ clients: [{ orgId: 'org_acme' }] }] : ['clt_01ke6qvwe0mc8vacm19w6xg3jk', 'approved'];
      await assert.rejects(method(...args), { message: 'this fake has been closed: start another one with startFake()' }, name);
    }
    assert.equal(readFileSync(db, 'utf8'), file);
  });

  it('connectFake() given the API base path says to give the fake URL', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    for (const url of [`${fake.url}/v2/api`, `${fake.url}/v2/api/`]) {
      assert.throws(() => connectFake(url), {
        message: `connectFake(${JSON.stringify(url)}): give the fake's own URL (${fake.url}), not the API's base path /v2/api: the admin API is at ${fake.url}/__admin`,
      });
    }
    assert.equal((await connectFake(`${fake.url}/`).health()).status, 'ok');
  });
});
