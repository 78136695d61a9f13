// Requests in the fake's state: the store file (write-behind and durable), export, import, reset
// (whole and per organisation), and the clients' counts kept consistent with them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withFake } from './support/fake.js';
import { KEYS, SEEDED_IDS } from './support/fixture-keys.js';
import { FROZEN_AT } from './support/requests.js';
import { tempDir } from './support/temp-dir.js';

const body = (extra: Record<string, unknown> = {}) => ({ type: 'kyc', requirements: ['document', 'person'], ...extra });

describe('requests in the state', () => {
  for (const durable of [false, true]) {
    it(`survive a restart from the store file${durable ? ' (durable: on disk before the 201)' : ''}, and re-arm their tasks`, async (t) => {
      const db = join(tempDir(), 'db.json');
      const first = await withFake(t, { db, clock: FROZEN_AT, durable });
      const linked = await first.call('POST', '/requests', { key: KEYS.acme, body: body({ clientId: SEEDED_IDS[0] }) });
      const magic = await first.call('POST', '/requests', { key: KEYS.acme, body: body({ subjectEmail: 'z+approve@example.com' }) });
      if (durable) {
        const onDisk = JSON.parse(readFileSync(db, 'utf8'));
        assert.deepEqual(
          onDisk.requests.map((r: { id: string }) => r.id),
          [linked.body.id, magic.body.id],
        );
        assert.equal(onDisk.clients[0].requestCount, 1);
      }
      const exported = await first.state.export();
      await first.close();
      const second = await withFake(t, { db, clock: FROZEN_AT });
      assert.deepEqual(await second.state.export(), exported);
      const client = await second.call('GET', `/clients/${SEEDED_IDS[0]}`, { key: KEYS.acme });
      assert.equal(client.body.requestCount, 1);
      await second.clock.advance(2000);
      assert.equal((await second.call('GET', `/requests/${magic.body.id}`, { key: KEYS.acme })).body.status, 'approved');
    });
  }

  it('round-trip through export and import; a snapshot with requests sets the clients counts from them', async (t) => {
    const source = await withFake(t, { clock: FROZEN_AT });
    await source.call('POST', '/requests', { key: KEYS.acme, body: body({ clientId: SEEDED_IDS[1] }) });
    await source.call('POST', '/requests', { key: KEYS.acme, body: body({ clientId: SEEDED_IDS[1] }) });
    await source.call('POST', '/requests', { key: KEYS.acme, body: body({ clientId: SEEDED_IDS[0] }) });
    const snapshot = await source.state.export();
    const target = await withFake(t, { clock: FROZEN_AT, seed: 'none' });
    assert.deepEqual(await target.state.import(snapshot), { clients: 2, requests: 3, webhooks: 0, webhookEvents: 3, webhookDeliveries: 0 });
    assert.deepEqual(await target.state.export(), snapshot);
    const sorted = await target.call('GET', '/clients?sort=request_count', { key: KEYS.acme });
    assert.deepEqual(
      sorted.body.data.map((c: { id: string; requestCount: number }) => [c.id, c.requestCount]),
      [
        [SEEDED_IDS[1], 2],
        [SEEDED_IDS[0], 1],
      ],
    );

    const wrongCounts = { ...snapshot, clients: snapshot.clients.map((c) => ({ ...c, requestCount: 9 })) };
    await target.state.import(wrongCounts);
    assert.deepEqual(
      (await target.state.export()).clients.map((c) => c.requestCount),
      [1, 2],
    );
    await target.state.import({ clients: wrongCounts.clients });
    assert.deepEqual(
      (await target.state.export()).clients.map((c) => c.requestCount),
      [9, 9],
      'a snapshot without requests keeps its counts',
    );
  });

  it("fills an imported request like a create, and refuses one linking another organisation's client (422, nothing changed)", async (t) => {
    const fake = await withFake(t, { clock: FROZEN_AT });
    const res = await fake.call('PUT', '/__admin/state', {
      body: {
        clients: [{ id: SEEDED_IDS[0], orgId: 'org_acme', nameFirst: 'Jane' }],
        requests: [{ orgId: 'org_globex', type: 'idv', requirements: ['document'], clientId: SEEDED_IDS[0] }],
      },
    });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.errors, [{ field: 'requests.0.clientId', message: 'Client not found' }]);
    assert.equal((await fake.state.export()).clients.length, 2);

    await fake.state.import({
      clients: [],
      requests: [{ orgId: 'org_globex', type: 'share', requirements: ['consent'], status: 'approved' }],
    });
    const [imported] = (await fake.state.export()).requests;
    assert.equal(imported?.status, 'approved');
    assert.equal(imported?.requestorCompany, 'Globex Corporation');
    assert.deepEqual(imported?.steps, [{ step: 'consent', status: 'completed', completedAt: FROZEN_AT }]);
    assert.equal(imported?.currentStep, null);
    assert.match(imported?.accessToken ?? '', /^[A-Za-z0-9_-]{32}$/);
  });

  it('reset puts back the seed: all, or one organisation, with its clients counts', async (t) => {
    const fake = await withFake(t, { clock: FROZEN_AT });
    await fake.call('POST', '/requests', { key: KEYS.acme, body: body({ clientId: SEEDED_IDS[0] }) });
    const globex = await fake.call('POST', '/requests', { key: KEYS.globex, body: body() });
    assert.deepEqual(await fake.reset({ orgId: 'org_acme' }), {
      reset: ['clients', 'requests', 'webhooks', 'webhookEvents', 'webhookDeliveries', 'journal', 'rateLimits'],
      orgId: 'org_acme',
      clients: 2,
      requests: 0,
      webhooks: 0,
      webhookEvents: 0,
      webhookDeliveries: 0,
    });
    const state = await fake.state.export();
    assert.deepEqual(
      state.requests.map((r) => r.id),
      [globex.body.id],
    );
    assert.equal(state.clients[0]?.requestCount, 0);
    await fake.reset();
    assert.equal((await fake.state.export()).requests.length, 0);
  });
});
