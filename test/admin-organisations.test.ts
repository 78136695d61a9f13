// The organisations and their records, a page at a time, for the inspector and for suites: the
// collection's own list operation answers, without an API key, never the whole store at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectFake } from '../src/index.js';
import { ENVELOPES, validationError } from './support/envelopes.js';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';

describe('GET /__admin/organisations', () => {
  it("lists the API keys' organisations with their record counts", async (t) => {
    const fake = await withFake(t);
    await fake.create({ nameFirst: 'Grace' }, KEYS.globex);
    const res = await fake.call('GET', '/__admin/organisations');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      organisations: [
        { orgId: 'org_acme', clients: 2, requests: 0, webhooks: 0, webhookEvents: 0, webhookDeliveries: 0 },
        { orgId: 'org_globex', clients: 1, requests: 0, webhooks: 0, webhookEvents: 1, webhookDeliveries: 0 },
      ],
    });
    assert.deepEqual(await fake.organisations.list(), res.body.organisations);
    assert.deepEqual(await connectFake(fake.url).organisations.list(), res.body.organisations);
  });
});

describe('GET /__admin/organisations/{orgId}/{collection}', () => {
  it("answers what the collection's list operation answers the organisation's key, query and paging included", async (t) => {
    const fake = await withFake(t);
    for (let i = 1; i <= 3; i++) await fake.create({ nameFirst: `n${i}` });
    await fake.create({ nameFirst: 'other' }, KEYS.globex);
    for (const query of ['', '?limit=2', '?limit=2&page=2', '?search=n2', '?sort=name&limit=1&page=3']) {
      const viaAdmin = await fake.call('GET', `/__admin/organisations/org_acme/clients${query}`);
      const viaApi = await fake.call('GET', `/clients${query}`, { key: KEYS.acme });
      assert.equal(viaAdmin.status, 200, query);
      assert.deepEqual(viaAdmin.body, viaApi.body, query);
    }
    const globex = await fake.call('GET', '/__admin/organisations/org_globex/clients');
    assert.deepEqual(
      globex.body.data.map((c: { nameFirst: string }) => c.nameFirst),
      ['other'],
    );
    const requests = await fake.call('POST', '/requests', { key: KEYS.acme, body: { type: 'idv', requirements: ['document'] } });
    const listed = await fake.call('GET', '/__admin/organisations/org_acme/requests?status=expired');
    assert.deepEqual(listed.body.pagination, { page: 1, limit: 20, total: 0, totalPages: 0, hasNext: false, hasPrev: false });
    assert.deepEqual(
      (await fake.organisations.records('org_acme', 'requests', { limit: 1 })) as unknown,
      (await fake.call('GET', '/requests?limit=1', { key: KEYS.acme })).body,
    );
    assert.equal(
      ((await connectFake(fake.url).organisations.records('org_acme', 'requests')) as { data: { id: string }[] }).data[0]?.id,
      requests.body.id,
    );
    // An organisation with no records (or no key) has an empty page.
    assert.deepEqual((await fake.call('GET', '/__admin/organisations/org_nobody/clients')).body.data, []);
  });

  it('answers 422 for a query the list operation refuses and 404 for a collection without one, changing nothing', async (t) => {
    const fake = await withFake(t);
    const bad = await fake.call('GET', '/__admin/organisations/org_acme/clients?limit=101&page=0');
    assert.equal(bad.status, 422);
    assert.deepEqual(
      bad.body,
      validationError([
        { field: 'page', message: 'Number must be greater than or equal to 1' },
        { field: 'limit', message: 'Number must be less than or equal to 100' },
      ]),
    );
    for (const collection of ['nope', 'journal', '__proto__', 'webhooks', 'webhookDeliveries']) {
      const res = await fake.call('GET', `/__admin/organisations/org_acme/${collection}`);
      assert.deepEqual([res.status, res.body], [404, ENVELOPES.NOT_FOUND], collection);
    }
    assert.deepEqual(await fake.journal.list(), []);
  });

  it('needs the admin token when one is set', async (t) => {
    const fake = await withFake(t, { adminToken: 'org-token-1234' });
    const res = await fake.call('GET', '/__admin/organisations/org_acme/clients');
    assert.deepEqual([res.status, res.body], [401, ENVELOPES.ADMIN_UNAUTHORIZED]);
    const allowed = await fake.call('GET', '/__admin/organisations/org_acme/clients', {
      headers: { Authorization: 'Bearer org-token-1234' },
    });
    assert.equal(allowed.status, 200);
  });
});
