// X-Api-Key: every failing case answers the exact 401, and data belongs to the key's organisation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENVELOPES } from './support/envelopes.js';
import { startTestFake, type TestFake } from './support/fake.js';
import { KEYS, SEEDED_IDS } from './support/fixture-keys.js';

describe('authentication', () => {
  let fake: TestFake;
  before(async () => {
    fake = await startTestFake();
  });
  after(() => fake.close());

  const cases: [string, Record<string, string>][] = [
    ['a missing key', {}],
    ['an empty key', { 'X-Api-Key': '' }],
    ['an unknown key', { 'X-Api-Key': 'ath_test_nobody_000000000000' }],
    ['a key that differs in one character', { 'X-Api-Key': `${KEYS.acme.slice(0, -1)}d` }],
    ['a known key with extra characters', { 'X-Api-Key': `${KEYS.acme}x` }],
    ['a revoked key', { 'X-Api-Key': KEYS.revoked }],
    ['the key in another header', { Authorization: `Bearer ${KEYS.acme}` }],
  ];
  for (const [name, headers] of cases) {
    for (const [method, path] of [
      ['POST', '/clients'],
      ['GET', '/clients'],
      ['GET', `/clients/${SEEDED_IDS[0]}`],
      ['GET', '/v2/api/clients'],
    ]) {
      it(`answers 401 to ${method} ${path} with ${name}`, async () => {
        const res = await fake.call(method as string, path as string, { headers, ...(method === 'POST' ? { body: {} } : {}) });
        assert.equal(res.status, 401);
        assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
        assert.deepEqual(res.body, ENVELOPES.UNAUTHORIZED);
      });
    }
  }

  it('checks the key before the body: a bad key with an invalid body is a 401', async () => {
    const res = await fake.call('POST', '/clients', { key: 'wrong-key-123', body: { email: 'x' } });
    assert.deepEqual(res.body, ENVELOPES.UNAUTHORIZED);
  });

  it('creates nothing for a request without a valid key', async () => {
    await fake.call('POST', '/clients', { key: KEYS.revoked, body: { nameFirst: 'Ghost' } });
    const list = await fake.call('GET', '/clients?search=ghost', { key: KEYS.acme });
    assert.equal(list.body.pagination.total, 0);
  });
});

describe('organisation isolation', () => {
  let fake: TestFake;
  before(async () => {
    fake = await startTestFake({ seed: 'none' });
  });
  after(() => fake.close());

  it("answers 404 for another organisation's client, exactly as for a missing one", async () => {
    const created = await fake.create({ nameFirst: 'Private' }, KEYS.acme);
    const foreign = await fake.call('GET', `/clients/${created.body.id}`, { key: KEYS.globex });
    assert.equal(foreign.status, 404);
    assert.deepEqual(foreign.body, ENVELOPES.NOT_FOUND);
    const own = await fake.call('GET', `/clients/${created.body.id}`, { key: KEYS.acme });
    assert.equal(own.status, 200);
  });

  it("lists only the key's own organisation", async () => {
    await fake.create({ nameFirst: 'G1' }, KEYS.globex);
    await fake.create({ nameFirst: 'G2' }, KEYS.globex);
    const globex = await fake.call('GET', '/clients', { key: KEYS.globex });
    assert.deepEqual(
      globex.body.data.map((c: { nameFirst: string }) => c.nameFirst),
      ['G2', 'G1'],
    );
    const acme = await fake.call('GET', '/clients', { key: KEYS.acme });
    assert.ok(acme.body.data.every((c: { orgId: string }) => c.orgId === 'org_acme'));
  });
});
