// A flood of webhook events: 10,000 requests of 50 organisations expire in one store write, and
// their deliveries to 50 subscriptions go out over a bounded number of sockets, each subscription's
// in event order, without memory growing with more than the stored log.
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, it } from 'node:test';
import { DEFAULT_OUTBOUND } from '../src/http/outbound.js';
import type { WebhookDeliveryRecord } from '../src/resources/webhooks/records.js';
import { withFake } from './support/fake.js';
import { startReceiver } from './support/receiver.js';
import { until } from './support/until.js';

const START = '2026-01-01T00:00:00.000Z';
const EVENTS = 10_000;
const SUBSCRIPTIONS = 50;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};

describe('a flood of webhook events', () => {
  it(`delivers ${EVENTS} events across ${SUBSCRIPTIONS} subscriptions over at most ${DEFAULT_OUTBOUND.maxSockets} sockets, in order per subscription`, async (t) => {
    const fake = await withFake(t, { clock: START, seed: 'none' });
    const receiver = await startReceiver(t);
    const orgs = Array.from({ length: SUBSCRIPTIONS }, (_, i) => `org_flood_${String(i).padStart(2, '0')}`);
    const expiresAt = new Date(Date.parse(START) + 1000).toISOString();
    await fake.state.import({
      clients: [],
      webhooks: orgs.map((orgId) => ({ orgId, url: receiver.url })),
      requests: Array.from({ length: EVENTS }, (_, i) => ({
        orgId: orgs[i % SUBSCRIPTIONS] as string,
        type: 'idv' as const,
        requirements: ['document' as const],
        expiresAt,
      })),
    });
    const before = heapAfterGc();
    await fake.clock.advance(1000);
    const deliveries = fake.fake.admin.store.collection<WebhookDeliveryRecord>('webhookDeliveries');
    assert.equal(deliveries.size, EVENTS, 'every event and its delivery were stored with the expiry');
    await until(() => receiver.received.length >= EVENTS);
    await until(() => deliveries.all().every((d) => d.status === 'delivered'));
    const growth = heapAfterGc() - before;
    t.diagnostic(
      `heap growth ${(growth / 2 ** 20).toFixed(1)} MB (${Math.round(growth / EVENTS)} bytes a delivered event); at most ${receiver.maxOpenConnections} connections open at once`,
    );

    assert.equal(receiver.received.length, EVENTS, 'each delivered once');
    assert.ok(receiver.maxOpenConnections <= DEFAULT_OUTBOUND.maxSockets, `${receiver.maxOpenConnections} connections`);
    // The stored log (event with its Request and detail, delivery with one attempt) is most of it.
    assert.ok(growth / EVENTS < 16_384, `${growth / EVENTS} bytes a delivered event`);
    const events = await fake.webhooks.events.list();
    for (const orgId of orgs) {
      const sent = receiver.received
        .map((r) => JSON.parse(r.body) as { id: string; tenant_id: string })
        .filter((p) => p.tenant_id === orgId);
      assert.deepEqual(
        sent.map((p) => p.id),
        events.filter((e) => e.orgId === orgId).map((e) => e.id),
        orgId,
      );
    }
  });
});
