// The webhooks' admin operations over HTTP and on both handles: subscriptions, pings, the delivery
// log and redelivery, the event list, waitFor, reset, export and import, and --webhook.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectFake } from '../src/index.js';
import { WebhookWaitTimeout } from '../src/resources/webhooks/admin.js';
import { validationError } from './support/envelopes.js';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import { startReceiver, verified } from './support/receiver.js';

const START = '2026-01-01T00:00:00.000Z';
const SECRET = /^whsec_[A-Za-z0-9+/]{32}$/;

describe('webhook subscriptions (admin API)', () => {
  it('creates (the secret answered once), lists, updates and deletes over HTTP; 404 for an unknown id', async (t) => {
    const fake = await withFake(t, { clock: START });
    const created = await fake.call('POST', '/__admin/webhooks', {
      body: { orgId: 'org_acme', url: 'https://example.com/hooks', events: ['request.approved'], description: 'CRM' },
    });
    assert.equal(created.status, 201);
    assert.match(created.body.secret, SECRET);
    assert.match(created.body.id, /^whk_[0-9a-z]{26}$/);
    const view = {
      id: created.body.id,
      orgId: 'org_acme',
      url: 'https://example.com/hooks',
      events: ['request.approved'],
      description: 'CRM',
      active: true,
      createdAt: START,
      updatedAt: START,
    };
    assert.deepEqual(created.body, { ...view, secret: created.body.secret });
    assert.deepEqual((await fake.call('GET', '/__admin/webhooks')).body, { webhooks: [view] });
    assert.deepEqual((await fake.call('GET', '/__admin/webhooks?orgId=org_globex')).body, { webhooks: [] });

    const updated = await fake.call('PATCH', `/__admin/webhooks/${view.id}`, { body: { active: false, events: ['*'] } });
    assert.deepEqual(updated.body, { ...view, active: false, events: ['*'] });
    assert.equal((await fake.call('DELETE', `/__admin/webhooks/${view.id}`)).status, 204);
    assert.deepEqual(await fake.webhooks.list(), []);
    for (const [method, path] of [
      ['PATCH', '/__admin/webhooks/whk_none'],
      ['DELETE', '/__admin/webhooks/whk_none'],
      ['POST', '/__admin/webhooks/whk_none/ping'],
      ['POST', '/__admin/webhooks/whk_none/rotate-secret'],
      ['POST', '/__admin/webhooks/deliveries/dlv_none/redeliver'],
    ] as const) {
      const res = await fake.call(method, path, { body: {} });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.body.code, 'NOT_FOUND');
    }
  });

  it('answers 422 in the envelope for a URL that is not http or https, and bad fields; nothing is stored', async (t) => {
    const fake = await withFake(t);
    for (const url of ['ftp://example.com/hooks', 'file:///etc/passwd', 'not a url', 'javascript:alert(1)']) {
      const res = await fake.call('POST', '/__admin/webhooks', { body: { orgId: 'org_acme', url } });
      assert.equal(res.status, 422, url);
      assert.deepEqual(res.body, validationError([{ field: 'url', message: 'Invalid url' }]));
    }
    const bad = await fake.call('POST', '/__admin/webhooks', { body: { url: 'http://x.test', events: ['client.deleted'] } });
    assert.equal(bad.status, 422);
    assert.deepEqual(
      bad.body.errors.map((e: { field: string }) => e.field),
      ['orgId', 'events.0'],
    );
    const { id } = await fake.webhooks.create({ orgId: 'org_acme', url: 'http://x.test/hooks' });
    const patch = await fake.call('PATCH', `/__admin/webhooks/${id}`, { body: { url: 'gopher://x.test' } });
    assert.deepEqual(patch.body, validationError([{ field: 'url', message: 'Invalid url' }]));
    assert.equal((await fake.webhooks.list())[0]?.url, 'http://x.test/hooks');
    assert.equal((await fake.call('GET', '/__admin/webhooks/deliveries?status=lost')).status, 422);
    assert.equal((await fake.call('GET', '/__admin/webhooks/deliveries/wait?timeoutMs=soon')).status, 422);
    assert.equal((await fake.webhooks.list()).length, 1);
  });

  it('pings with a test sample of the first event type subscribed; lists, filters and redelivers deliveries', async (t) => {
    const fake = await withFake(t, { clock: START });
    const receiver = await startReceiver(t);
    const { id, secret } = await fake.webhooks.create({ orgId: 'org_acme', url: receiver.url, events: ['request.rejected'] });
    const ping = await fake.call('POST', `/__admin/webhooks/${id}/ping`);
    assert.equal(ping.status, 201);
    assert.equal(ping.body.status, 'pending');
    const payload = verified(secret, await receiver.nth(1)) as { type: string; metadata: unknown; data: { status: string } };
    assert.equal(payload.type, 'request.rejected');
    assert.equal(payload.data.status, 'rejected');
    assert.deepEqual(payload.metadata, { test: true, delivery_attempt: 1 });
    const { delivery } = await fake.webhooks.waitFor({ subscriptionId: id });
    assert.equal(delivery.id, ping.body.id);

    const again = await fake.webhooks.deliveries.redeliver(delivery.id);
    assert.notEqual(again.id, delivery.id);
    assert.equal(again.eventId, delivery.eventId);
    const second = await receiver.nth(2);
    assert.equal(second.headers['webhook-id'], (await receiver.nth(1)).headers['webhook-id']);
    await fake.webhooks.waitFor({ subscriptionId: id, where: () => true, timeoutMs: 5000 });

    await fake.create({ nameFirst: 'Not subscribed' });
    assert.deepEqual(
      (await fake.webhooks.events.list()).map((e) => [e.type, e.test]),
      [
        ['request.rejected', true],
        ['client.created', false],
      ],
    );
    assert.equal((await fake.webhooks.deliveries.list({ type: 'client.created' })).length, 0);
    assert.equal((await fake.webhooks.deliveries.list({ type: 'request.rejected', subscriptionId: id })).length, 2);
    assert.equal((await fake.call('GET', `/__admin/webhooks/deliveries?orgId=org_globex`)).body.deliveries.length, 0);
  });

  it('waitFor works alike in-process and through connectFake(), and fails with what was seen', async (t) => {
    const fake = await withFake(t);
    const receiver = await startReceiver(t);
    await fake.webhooks.create({ orgId: 'org_acme', url: receiver.url });
    const remote = connectFake(fake.url);
    const request = await fake.call('POST', '/requests', {
      key: KEYS.acme,
      body: { type: 'idv', requirements: ['document'], subjectEmail: 'jane+approve@example.com' },
    });
    // The magic email approves it 2 s later on the fake's clock.
    const [local, over] = [
      fake.webhooks.waitFor({ type: 'request.approved', where: (e) => e.data.id === request.body.id }),
      remote.webhooks.waitFor({ type: 'request.approved', orgId: 'org_acme' }),
    ];
    await fake.clock.advance(2000);
    const [a, b] = await Promise.all([local, over]);
    assert.deepEqual(a, b);
    assert.equal((a.event.data as { status: string }).status, 'approved');

    await assert.rejects(
      remote.webhooks.waitFor({ type: 'request.rejected', timeoutMs: 50 }),
      (error: Error) =>
        error instanceof WebhookWaitTimeout && /request\.approved to whk_\S+: delivered \(attempt 1: 204\)/.test(error.message),
    );
    await assert.rejects(fake.webhooks.waitFor({ type: 'request.created', where: () => false, timeoutMs: 50 }), /meeting the condition/);
  });

  it('reset and state export and import cover subscriptions, events and deliveries, per organisation too', async (t) => {
    const fake = await withFake(t, { clock: START });
    const receiver = await startReceiver(t);
    const acme = await fake.webhooks.create({ orgId: 'org_acme', url: receiver.url });
    const globex = await fake.webhooks.create({ orgId: 'org_globex', url: receiver.url });
    await fake.create({ nameFirst: 'A' });
    await fake.create({ nameFirst: 'G' }, KEYS.globex);
    await fake.webhooks.waitFor({ orgId: 'org_acme' });
    await fake.webhooks.waitFor({ orgId: 'org_globex' });
    const snapshot = await fake.state.export();
    assert.equal(snapshot.webhooks.length, 2);
    assert.equal(snapshot.webhookEvents.length, 2);
    assert.equal(snapshot.webhookDeliveries.length, 2);

    await fake.reset({ orgId: 'org_acme' });
    assert.deepEqual(
      (await fake.webhooks.list()).map((w) => w.id),
      [globex.id],
    );
    assert.deepEqual(
      (await fake.webhooks.events.list()).map((e) => e.orgId),
      ['org_globex'],
    );
    await fake.reset();
    const emptied = await fake.state.export();
    assert.deepEqual([emptied.webhooks, emptied.webhookEvents, emptied.webhookDeliveries], [[], [], []]);

    const target = await withFake(t, { clock: START, seed: 'none' });
    await target.state.import(snapshot);
    assert.deepEqual(await target.state.export(), snapshot);
    // The imported subscription keeps its secret: a new event is signed with it.
    await target.create({ nameFirst: 'After import' });
    const { event } = await target.webhooks.waitFor({
      orgId: 'org_acme',
      // The type narrows the data: a Client's fields, no cast.
      where: (e) => e.type === 'client.created' && e.data.nameFirst === 'After import',
    });
    verified(acme.secret, receiver.received.find((r) => r.headers['webhook-id'] === event.id) as never);

    const dangling = await target.call('PUT', '/__admin/state', {
      body: { ...snapshot, webhookEvents: [] },
    });
    assert.equal(dangling.status, 422);
    assert.deepEqual(
      dangling.body.errors.map((e: { field: string }) => e.field),
      ['webhookDeliveries.0.eventId', 'webhookDeliveries.1.eventId'],
    );
  });

  it('--webhook subscribes the seeded organisations to every event, signed with --webhook-secret; a reset keeps them', async (t) => {
    const receiver = await startReceiver(t);
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const fake = await withFake(t, { webhook: [receiver.url], webhookSecret: secret });
    assert.deepEqual(
      (await fake.webhooks.list()).map((w) => [w.orgId, w.url, w.events, w.description]),
      [
        ['org_acme', receiver.url, ['*'], 'athenty-fake --webhook'],
        ['org_globex', receiver.url, ['*'], 'athenty-fake --webhook'],
      ],
    );
    assert.deepEqual(fake.fake.startupNotes(), [`Webhooks (--webhook ${receiver.url}) for org_acme, org_globex, signed with: ${secret}`]);
    await fake.reset();
    assert.equal((await fake.webhooks.list()).length, 2);
    await fake.create({ nameFirst: 'G' }, KEYS.globex);
    verified(secret, await receiver.nth(1));
  });
});
