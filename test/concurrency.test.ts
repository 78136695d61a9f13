// Concurrency: 10,000 creates in flight together across four keys lose nothing, mix nothing up, and stop to a file equal to memory;
// requests created together for the same clients leave each client's requestCount exact.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withFake } from './support/fake.js';
import { KEYS as SEEDED_KEYS } from './support/fixture-keys.js';
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

const REQUESTS = 3_000;
const REQUESTS_IN_FLIGHT = 100;

/** What the request tests read of a store snapshot (memory or file). */
interface CountedState {
  clients: { id: string; orgId: string; requestCount: number }[];
  requests: { id: string; clientId: string | null }[];
}

/** Requests per client id in a snapshot, every client included (with 0 when it has none). */
function requestsPerClient(state: CountedState): Map<string, number> {
  const counts = new Map<string, number>(state.clients.map((c) => [c.id, 0]));
  for (const r of state.requests) if (r.clientId !== null) counts.set(r.clientId, (counts.get(r.clientId) ?? 0) + 1);
  return counts;
}

describe('concurrent request creates', () => {
  it(`links ${REQUESTS} requests sent ${REQUESTS_IN_FLIGHT} at a time to one busy client and four others: all 201, unique ids, every requestCount exact in the API, the export and the file`, async (t) => {
    const db = join(tempDir(), 'db.json');
    const fake = await withFake(t, { db, seed: 'none', rateLimit: 0, logLevel: 'silent' });
    const agent = keepAliveAgent(REQUESTS_IN_FLIGHT);
    t.after(() => agent.destroy());
    const key = SEEDED_KEYS.acme;
    const newClient = async (i: number): Promise<string> => {
      const answer = await jsonRequest(fake.url, 'POST', '/clients', {
        agent,
        key,
        body: { nameFirst: `Client ${i}`, email: `c${i}@example.com` },
      });
      assert.equal(answer.status, 201);
      return answer.body.id as string;
    };
    const busy = await newClient(0);
    const others = [await newClient(1), await newClient(2), await newClient(3), await newClient(4)];
    // Half the requests for the busy client, a third for the others in turn, the rest for none.
    const clientOf = (i: number): string | null => (i % 2 === 0 ? busy : i % 3 === 0 ? null : (others[(i >> 1) % 4] as string));
    const expected = new Map<string, number>([busy, ...others].map((id) => [id, 0]));
    for (let i = 0; i < REQUESTS; i++) {
      const id = clientOf(i);
      if (id !== null) expected.set(id, (expected.get(id) as number) + 1);
    }

    const answers = await inParallel(REQUESTS, REQUESTS_IN_FLIGHT, (i) => {
      const clientId = clientOf(i);
      return jsonRequest(fake.url, 'POST', i % 4 < 2 ? '/requests' : '/v2/api/verifications', {
        agent,
        key,
        body: {
          type: 'kyc',
          requirements: ['document', 'person'],
          matterId: null,
          config: { i },
          ...(clientId === null ? {} : { clientId }),
        },
      });
    });

    const notCreated = answers.map((a, i) => [i, a.status, a.text.slice(0, 200)] as const).filter(([, status]) => status !== 201);
    assert.deepEqual(notCreated, [], 'every create answered 201');
    assert.equal(new Set(answers.map((a) => a.body.id)).size, REQUESTS, 'request ids are unique');
    answers.forEach((a, i) => {
      assert.equal(a.body.clientId, clientOf(i), `request ${i} links its own client`);
    });

    for (const [id, count] of expected) {
      const client = await jsonRequest(fake.url, 'GET', `/clients/${id}`, { agent, key });
      assert.equal(client.status, 200);
      assert.equal(client.body.requestCount, count, `GET /clients/${id} requestCount`);
      const listed = await jsonRequest(fake.url, 'GET', `/requests?clientId=${id}&limit=1`, { agent, key });
      assert.equal(listed.body.pagination.total, count, `GET /requests?clientId=${id} total`);
    }
    const exported = (await jsonRequest(fake.url, 'GET', '/__admin/state', { agent })).body as CountedState;
    assert.equal(exported.requests.length, REQUESTS, 'the export holds every request');
    assert.deepEqual(new Map(exported.clients.map((c) => [c.id, c.requestCount])), expected, "the export's requestCounts");
    assert.deepEqual(requestsPerClient(exported), expected, "the export's requests per client");

    agent.destroy();
    await fake.close();
    const onDisk = JSON.parse(readFileSync(db, 'utf8')) as CountedState;
    assert.deepEqual(
      new Map(onDisk.clients.map((c) => [c.id, c.requestCount])),
      expected,
      "the file's requestCounts after a graceful stop",
    );
    assert.deepEqual(requestsPerClient(onDisk), expected, "the file's requests per client");
    assert.deepStrictEqual(onDisk, exported, 'the file holds exactly what the export showed');
  });
});
