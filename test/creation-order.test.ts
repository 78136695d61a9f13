// Records created in one millisecond list in the order they were created (newest first), for every
// listed collection, however the clock moved in between, and still after a restart and a state
// export and import.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createClock } from '../src/clock.js';
import { type TestFake, withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import { tempDir } from './support/temp-dir.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

const CREATES: Record<string, unknown> = {
  '/clients': {},
  '/requests': { type: 'idv', requirements: ['document'] },
};

/** Creates, in each of ten milliseconds, one record, one a millisecond earlier, then one more: the ids newest first. */
async function createAcrossClockMoves(fake: TestFake, path: string, clock: ReturnType<typeof createClock>): Promise<string[]> {
  const create = async (): Promise<string> => {
    const res = await fake.call('POST', path, { key: KEYS.acme, body: CREATES[path] });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  };
  const newestFirst: string[] = [];
  for (let i = 0; i < 10; i++) {
    const first = await create();
    clock.advance(-1);
    const earlier = await create();
    clock.advance(1);
    const second = await create();
    newestFirst.unshift(second, first, earlier);
    clock.advance(10);
  }
  return newestFirst;
}

async function listedIds(fake: TestFake, path: string): Promise<string[]> {
  const res = await fake.call('GET', `${path}?limit=100`, { key: KEYS.acme });
  assert.equal(res.status, 200);
  return res.body.data.map((record: { id: string }) => record.id);
}

describe('creation order', () => {
  for (const path of Object.keys(CREATES)) {
    it(`GET ${path} lists records of one millisecond newest first after the clock moved back and forth, also after a restart and an import`, async (t) => {
      const db = join(tempDir(), 'db.json');
      const clock = createClock({ mode: 'frozen', at: T0 });
      const fake = await withFake(t, { seed: 'none', db, randomSeed: 7 }, { clock });
      const expected = await createAcrossClockMoves(fake, path, clock);
      assert.deepEqual(await listedIds(fake, path), expected);
      if (path === '/clients') {
        const byCount = await fake.call('GET', '/clients?limit=100&sort=request_count', { key: KEYS.acme });
        assert.deepEqual(
          byCount.body.data.map((record: { id: string }) => record.id),
          expected,
        );
      }

      await fake.close();
      const restarted = await withFake(t, { seed: 'none', db, randomSeed: 7 }, { clock });
      assert.deepEqual(await listedIds(restarted, path), expected);

      const exported = (await restarted.call('GET', '/__admin/state')).body;
      const imported = await withFake(t, { seed: 'none', randomSeed: 7 }, { clock });
      assert.equal((await imported.call('PUT', '/__admin/state', { body: exported })).status, 200);
      assert.deepEqual(await listedIds(imported, path), expected);
    });
  }
});
