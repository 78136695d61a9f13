// Concurrency: 10,000 creates in flight together across four keys lose nothing, mix nothing up, and stop to a file equal to memory.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withFake } from './support/fake.js';
import { jsonRequest, keepAliveAgent, type JsonAnswer } from './support/raw-http.js';
import { tempDir } from './support/temp-dir.js';

const CREATES = 10_000;
const IN_FLIGHT = 150;

const KEYS = [
  { key: 'ath_test_conc_north_A1b2C3d4E5', orgId: 'org_north', label: 'north' },
  { key: 'ath_test_conc_south_F6g7H8i9J0', orgId: 'org_south', label: 'south' },
  { key: 'ath_test_conc_east_K1l2M3n4O5p', orgId: 'org_east', label: 'east' },
  { key: 'ath_test_conc_west_Q6r7S8t9U0v', orgId: 'org_west', label: 'west' },
] as const;

/** Runs `count` jobs with at most `limit` in flight; resolves with their results in job order. */
async function inParallel<T>(count: number, limit: number, job: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await job(index);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

describe('concurrent creates', () => {
  it(`stores ${CREATES} creates sent ${IN_FLIGHT} at a time across four organisations: all 201, unique ids, exact counts, file equal to memory`, async (t) => {
    const dir = tempDir();
    const keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify({ keys: KEYS }));
    const db = join(dir, 'db.json');
    const fake = await withFake(t, { db, keys: keysFile, seed: 'none', rateLimit: 0, logLevel: 'silent' });
    const agent = keepAliveAgent(IN_FLIGHT);
    t.after(() => agent.destroy());
    const bodyOf = (i: number): Record<string, unknown> => ({
      nameFirst: `Client ${i}`,
      externalId: `ext-${i}`,
      memberType: i % 3 === 0 ? 'business' : 'individual',
      metadata: { i, org: KEYS[i % 4]!.orgId },
    });
    // Alternate the two base paths too: they share one store.
    const answers: JsonAnswer[] = await inParallel(CREATES, IN_FLIGHT, (i) =>
      jsonRequest(fake.url, 'POST', i % 2 === 0 ? '/clients' : '/v2/api/clients', { agent, key: KEYS[i % 4]!.key, body: bodyOf(i) }),
    );

    const notCreated = answers.map((a, i) => [i, a.status] as const).filter(([, status]) => status !== 201);
    assert.deepEqual(notCreated, [], 'every create answered 201');
    const ids = answers.map((a) => a.body.id as string);
    assert.equal(new Set(ids).size, CREATES, 'ids are unique');
    answers.forEach((a, i) => {
      // Each answer is the record of its own request, in its own organisation.
      assert.equal(a.body.orgId, KEYS[i % 4]!.orgId);
      assert.equal(a.body.externalId, `ext-${i}`);
      assert.deepEqual(a.body.metadata, bodyOf(i).metadata);
    });

    for (const { key, orgId } of KEYS) {
      const list = await jsonRequest(fake.url, 'GET', '/clients?limit=1', { agent, key });
      assert.equal(list.status, 200);
      assert.equal(list.body.pagination.total, CREATES / 4, `GET /clients total for ${orgId}`);
      const exported = await jsonRequest(fake.url, 'GET', `/__admin/state?orgId=${orgId}`, { agent });
      assert.equal(exported.body.clients.length, CREATES / 4, `admin export for ${orgId}`);
      assert.ok(exported.body.clients.every((c: { orgId: string }) => c.orgId === orgId));
    }

    const byId = new Map(answers.map((a) => [a.body.id as string, a.body]));
    const inMemory = await fake.state.export();
    assert.equal(inMemory.clients.length, CREATES);
    for (const record of inMemory.clients) assert.deepEqual(record, byId.get(record.id), `stored as answered: ${record.id}`);

    agent.destroy();
    await fake.close();
    const onDisk = JSON.parse(readFileSync(db, 'utf8'));
    assert.deepStrictEqual(onDisk, JSON.parse(JSON.stringify(inMemory)), 'the file holds exactly what memory held');
  });
});
