// GET /requests (pagination, filters status/type/clientId, newest first, 422 for bad values) and
// GET /requests/{id} (the assembled detail; another organisation's request is a 404).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENVELOPES } from './support/envelopes.js';
import { withFake } from './support/fake.js';
import { KEYS, SEEDED_IDS } from './support/fixture-keys.js';
import { DETAIL_KEYS, FROZEN_AT, REQUEST_KEYS } from './support/requests.js';

describe('GET /requests', () => {
  it('pages newest first, filters by status, type and clientId, and lists the plain Request', async (t) => {
    const fake = await withFake(t, { clock: FROZEN_AT });
    const made: { id: string }[] = [];
    const bodies = [
      { type: 'idv', requirements: ['document'], subjectEmail: 'a@example.com' },
      { type: 'kyc', requirements: ['financial'], clientId: SEEDED_IDS[0] },
      { type: 'idv', requirements: ['person'] },
      { type: 'share', requirements: ['consent'], clientId: SEEDED_IDS[0] },
      { type: 'kyc', requirements: ['pep_hio'], clientId: SEEDED_IDS[1] },
    ];
    for (const body of bodies) {
      made.push((await fake.call('POST', '/requests', { key: KEYS.acme, body })).body);
      await fake.clock.advance(1000);
    }
    await fake.call('POST', '/requests', { key: KEYS.globex, body: { type: 'idv', requirements: ['document'] } });
    const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((r) => r.id);
    const list = async (query: string) => fake.call('GET', `/requests${query}`, { key: KEYS.acme });

    const all = await list('');
    assert.deepEqual(ids(all), made.map((r) => r.id).reverse());
    assert.deepEqual(Object.keys(all.body.data[0]), REQUEST_KEYS);
    assert.deepEqual(all.body.pagination, { page: 1, limit: 20, total: 5, totalPages: 1, hasNext: false, hasPrev: false });

    const page2 = await list('?limit=2&page=2');
    assert.deepEqual(ids(page2), [made[2]?.id, made[1]?.id]);
    assert.deepEqual(page2.body.pagination, { page: 2, limit: 2, total: 5, totalPages: 3, hasNext: true, hasPrev: true });
    assert.deepEqual(ids(await list('?page=4&limit=2')), []);

    assert.deepEqual(ids(await list('?type=kyc')), [made[4]?.id, made[1]?.id]);
    assert.deepEqual(ids(await list(`?clientId=${SEEDED_IDS[0]}`)), [made[3]?.id, made[1]?.id]);
    assert.deepEqual(ids(await list('?status=initiated&type=idv')), [made[2]?.id]);
    await fake.requests.moveTo(made[0]?.id as string, 'canceled');
    assert.deepEqual(ids(await list('?status=canceled')), [made[0]?.id]);
    assert.deepEqual(ids(await list('?clientId=clt_nobody')), []);
  });

  it('answers 422 for invalid query values', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const res = await fake.call('GET', '/requests?status=done&type=aml&page=0&limit=101', { key: KEYS.acme });
    assert.deepEqual(res.body, {
      code: 'VALIDATION_ERROR',
      message: 'Validation failed',
      statusCode: 422,
      errors: [
        {
          field: 'status',
          message:
            "Invalid enum value. Expected 'initiated' | 'in_progress' | 'submitted' | 'pending_review' | 'approved' | 'rejected' | 'canceled' | 'expired', received 'done'",
        },
        { field: 'type', message: "Invalid enum value. Expected 'idv' | 'kyc' | 'share', received 'aml'" },
        { field: 'page', message: 'Number must be greater than or equal to 1' },
        { field: 'limit', message: 'Number must be less than or equal to 100' },
      ],
    });
  });
});

describe('GET /requests/{id}', () => {
  it('answers the Request with its detail, empty before any step; 404 for another organisation or an unknown id', async (t) => {
    const fake = await withFake(t, { clock: FROZEN_AT, seed: 'none' });
    const created = await fake.call('POST', '/v2/api/requests', {
      key: KEYS.acme,
      body: { type: 'kyc', requirements: ['document', 'consent'], subjectEmail: 'jo@example.com' },
    });
    const res = await fake.call('GET', `/v2/api/requests/${created.body.id}`, { key: KEYS.acme });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), [...REQUEST_KEYS, ...DETAIL_KEYS]);
    assert.deepEqual(res.body, {
      ...created.body,
      score: null,
      person: null,
      documents: [],
      biometric: null,
      location: null,
      contact: null,
      business: null,
      financial: null,
      pep: null,
      steps: [
        { step: 'document', status: 'pending', completedAt: null },
        { step: 'consent', status: 'pending', completedAt: null },
      ],
    });
    assert.deepEqual((await fake.call('GET', `/requests/${created.body.id}`, { key: KEYS.globex })).body, ENVELOPES.NOT_FOUND);
    assert.equal((await fake.call('GET', `/requests/${created.body.id}`, { key: KEYS.globex })).status, 404);
    assert.deepEqual((await fake.call('GET', '/requests/req_unknown', { key: KEYS.acme })).body, ENVELOPES.NOT_FOUND);
  });

  it('repeats the same detail for the same seed and the same calls', async (t) => {
    const run = async () => {
      const fake = await withFake(t, { clock: FROZEN_AT, seed: 'none', randomSeed: 11 });
      const created = await fake.call('POST', '/requests', {
        key: KEYS.acme,
        body: { type: 'idv', requirements: ['document', 'person', 'location', 'financial'], subjectName: 'Ana Lima' },
      });
      const done = await fake.requests.moveTo(created.body.id, 'submitted');
      await fake.close();
      return done;
    };
    const [first, second] = [await run(), await run()];
    assert.deepEqual(first, second);
    assert.equal((first.person as { firstName: string }).firstName, 'Ana');
    assert.equal((first.documents[0] as { nameOnDocument: string }).nameOnDocument, 'Ana Lima');
  });
});
