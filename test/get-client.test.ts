// GET /clients/{id}: the stored record, or the exact 404.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENVELOPES } from './support/envelopes.js';
import { startTestFake, type TestFake } from './support/fake.js';
import { KEYS, SEEDED_IDS } from './support/fixture-keys.js';

describe('GET /clients/{id}', () => {
  let fake: TestFake;
  before(async () => {
    fake = await startTestFake();
  });
  after(() => fake.close());

  it('answers 200 with the record as it was created, at both base paths', async () => {
    const created = await fake.create({ nameFirst: 'Read', metadata: { k: 'v' } });
    for (const base of ['/clients', '/v2/api/clients']) {
      const res = await fake.call('GET', `${base}/${created.body.id}`, { key: KEYS.acme });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.deepEqual(res.body, created.body);
      assert.deepEqual(Object.keys(res.body), Object.keys(created.body));
    }
  });

  it('serves the starting clients of the seed fixture', async () => {
    const res = await fake.call('GET', `/clients/${SEEDED_IDS[1]}`, { key: KEYS.acme });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      id: SEEDED_IDS[1],
      orgId: 'org_acme',
      nameFirst: null,
      nameLast: null,
      businessName: 'Acme Corp',
      email: 'legal@acme.com',
      phone: null,
      externalId: null,
      memberType: 'business',
      addressLine1: null,
      addressLine2: null,
      city: null,
      region: null,
      postalCode: null,
      country: 'CA',
      metadata: {},
      active: true,
      requestCount: 0,
      createdAt: '2026-01-05T09:31:00.000Z',
      updatedAt: '2026-01-05T09:31:00.000Z',
    });
  });

  for (const id of ['clt_01ke6qvwe0mc8vacm19w6xg3jz', 'nope', 'CLT_01KE6QVWE0MC8VACM19W6XG3JK', '..%2F..%2Fetc', '%00']) {
    it(`answers the exact 404 for ${id}`, async () => {
      const res = await fake.call('GET', `/clients/${id}`, { key: KEYS.acme });
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, ENVELOPES.NOT_FOUND);
    });
  }

  it('answers HEAD with the headers of GET and no body', async () => {
    const res = await fake.call('HEAD', `/clients/${SEEDED_IDS[0]}`, { key: KEYS.acme });
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  });
});
