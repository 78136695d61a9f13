// Webhook deliveries to real receivers on port 0: the documented envelope, Standard Webhooks
// signatures checked with the standardwebhooks library, order per subscription, and every kind of
// failure logged and retried on the fake's clock.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { WebhookDeliveryRecord } from '../src/resources/webhooks/records.js';
import type { TestFake } from './support/fake.js';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import { downUrl, NO_CONTENT, startReceiver, verified } from './support/receiver.js';
import { tempDir } from './support/temp-dir.js';
import { until } from './support/until.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const START = '2026-01-01T00:00:00.000Z';
// The real time the fake signs with: injected, and near enough to now for a receiver's replay check.
const REAL_NOW = Date.now();

/** A fake with a frozen clock and the injected real time (and, when given, a short outbound timeout). */
function fakeFor(t: Parameters<typeof withFake>[0], timeoutMs?: number): Promise<TestFake> {
  return withFake(t, { clock: START }, { realNow: () => REAL_NOW, ...(timeoutMs === undefined ? {} : { outbound: { timeoutMs } }) });
}

/** Every delivery, read in-process (for waits on the log with until()). */
function deliveriesOf(fake: TestFake): WebhookDeliveryRecord[] {
  return fake.fake.admin.store.collection<WebhookDeliveryRecord>('webhookDeliveries').all();
}

/** Waits until the only delivery has logged `n` attempts, and answers it. */
async function afterAttempts(fake: TestFake, n: number): Promise<WebhookDeliveryRecord> {
  await until(() => (deliveriesOf(fake)[0]?.attempts.length ?? 0) >= n);
  return deliveriesOf(fake)[0] as WebhookDeliveryRecord;
}

describe('webhook deliveries', () => {
  it('POSTs client.created in the documented envelope, signed per Standard Webhooks with the real clock', async (t) => {
    const fake = await fakeFor(t);
    const receiver = await startReceiver(t);
    const { secret, id: subscriptionId } = await fake.webhooks.create({ orgId: 'org_acme', url: receiver.url });
    const created = await fake.create({ nameFirst: 'Jane' });
    const received = await receiver.nth(1);

    assert.equal(received.method, 'POST');
    assert.equal(received.path, '/hooks');
    assert.equal(received.headers['content-type'], 'application/json');
    assert.equal(received.headers['user-agent'], `athenty-fake/${version}`);
    // The real clock's seconds, although the fake's clock is frozen in 2026.
    assert.equal(received.headers['webhook-timestamp'], String(Math.floor(REAL_NOW / 1000)));
    const payload = verified(secret, received) as Record<string, unknown>;
    const event = (await fake.webhooks.events.list())[0];
    assert.ok(event);
    assert.match(event.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(received.headers['webhook-id'], event.id);
    assert.deepEqual(payload, {
      id: event.id,
      type: 'client.created',
      created_at: '2026-01-01T00:00:00Z',
      tenant_id: 'org_acme',
      data: created.body,
      metadata: { test: false, delivery_attempt: 1 },
    });
    // Its log: one attempt, a success.
    const { delivery } = await fake.webhooks.waitFor({ type: 'client.created' });
    assert.deepEqual(
      { ...delivery, attempts: delivery.attempts.map((a) => ({ ...a, durationMs: 0 })) },
      {
        id: delivery.id,
        orgId: 'org_acme',
        subscriptionId,
        eventId: event.id,
        eventType: 'client.created',
        status: 'delivered',
        attempts: [{ attempt: 1, at: START, status: 204, error: null, durationMs: 0, body: '' }],
        nextAttemptAt: null,
        createdAt: START,
        updatedAt: START,
      },
    );
  });

  it('sends request.created and request.approved with the Request and its detail as the API answers it then', async (t) => {
    const fake = await fakeFor(t);
    const receiver = await startReceiver(t);
    const { secret } = await fake.webhooks.create({ orgId: 'org_acme', url: receiver.url, events: ['request.approved'] });
    const created = await fake.call('POST', '/requests', { key: KEYS.acme, body: { type: 'idv', requirements: ['document'] } });
    await fake.requests.moveTo(created.body.id, 'approved');
    const answered = await fake.call('GET', `/requests/${created.body.id}`, { key: KEYS.acme });
    const { event } = await fake.webhooks.waitFor({
      type: 'request.approved',
      where: (e) => e.data.id === created.body.id,
    });
    assert.equal(receiver.received.length, 1, 'only the subscribed type went out');
    const payload = verified(secret, receiver.received[0] as never) as { type: string; data: unknown };
    assert.equal(payload.type, 'request.approved');
    assert.deepEqual(payload.data, answered.body);
    assert.deepEqual(event.data, answered.body);
    // Every event is listed, subscribed or not; the moves between are not webhook events.
    assert.deepEqual(
      (await fake.webhooks.events.list({ orgId: 'org_acme' })).map((e) => e.type),
      ['request.created', 'request.approved'],
    );
  });

  it('sends one delivery at a time per subscription, in event order; another subscription does not wait', async (t) => {
    const fake = await fakeFor(t);
    const held: (() => void)[] = [];
    const slow = await startReceiver(t, (res) => held.push(() => res.writeHead(204).end()));
    const quick = await startReceiver(t);
    await fake.webhooks.create({ orgId: 'org_acme', url: slow.url });
    await fake.webhooks.create({ orgId: 'org_acme', url: quick.url });
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three']) ids.push((await fake.create({ nameFirst: name })).body.id);
    await quick.nth(3);
    await slow.nth(1);
    assert.equal(slow.received.length, 1, 'the second waits for the first to be answered');
    for (let n = 1; n <= 3; n++) {
      (held.shift() as () => void)();
      if (n < 3) await slow.nth(n + 1);
    }
    for (const receiver of [slow, quick]) {
      assert.deepEqual(
        receiver.received.map((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id),
        ids,
      );
    }
  });

  // The receiver, what the log says of each attempt, and the fake's timeout (short only where it is what fails).
  const failures: [string, (t: Parameters<typeof withFake>[0]) => Promise<{ url: string; expected: RegExp; timeoutMs?: number }>][] = [
    ['is down', async () => ({ url: await downUrl(), expected: /ECONNREFUSED/ })],
    [
      'answers 500',
      async (t) => ({ url: (await startReceiver(t, (res) => res.writeHead(500).end('oops'))).url, expected: /^answered 500$/ }),
    ],
    [
      'redirects',
      async (t) => ({
        url: (await startReceiver(t, (res) => res.writeHead(302, { Location: 'http://127.0.0.1:9/elsewhere' }).end())).url,
        expected: /^redirected \(302\): redirects are not followed$/,
      }),
    ],
    [
      'closes the connection mid-answer',
      async (t) => ({
        url: (
          await startReceiver(t, (res) => {
            res.writeHead(200, { 'Content-Length': '100' });
            res.write('partial', () => res.socket?.destroy());
          })
        ).url,
        expected: /^(the connection closed before the whole answer came|aborted \(ECONNRESET\))$/,
      }),
    ],
    [
      'is slow past the timeout',
      async (t) => ({ url: (await startReceiver(t, () => {})).url, expected: /^no whole answer within 50 ms$/, timeoutMs: 50 }),
    ],
  ];
  for (const [what, receiverFor] of failures) {
    it(`logs a receiver that ${what} as a failed attempt and retries on the fake's clock: 5 s, 30 s, 2 min, 10 min, 30 min, then failed`, async (t) => {
      const { url, expected, timeoutMs } = await receiverFor(t);
      const fake = await fakeFor(t, timeoutMs);
      await fake.webhooks.create({ orgId: 'org_acme', url });
      await fake.create({ nameFirst: 'Jane' });
      const schedule = [5_000, 30_000, 120_000, 600_000, 1_800_000];
      let at = Date.parse(START);
      for (let attempt = 1; attempt <= 6; attempt++) {
        const delivery = await afterAttempts(fake, attempt);
        const last = delivery.attempts[attempt - 1];
        assert.ok(last);
        assert.equal(last.attempt, attempt);
        assert.equal(last.at, new Date(at).toISOString());
        assert.match(last.error ?? '', expected);
        if (attempt === 6) {
          assert.equal(delivery.status, 'failed');
          assert.equal(delivery.nextAttemptAt, null);
          break;
        }
        const wait = schedule[attempt - 1] as number;
        assert.equal(delivery.status, 'pending');
        assert.equal(delivery.nextAttemptAt, new Date(at + wait).toISOString());
        // A millisecond short of the next attempt, nothing is due.
        await fake.clock.advance(wait - 1);
        assert.equal(deliveriesOf(fake)[0]?.attempts.length, attempt);
        await fake.clock.advance(1);
        at += wait;
      }
      const [delivery] = await fake.webhooks.deliveries.list({ status: 'failed' });
      assert.equal(delivery?.attempts.length, 6);
      await fake.clock.advance(86_400_000);
      assert.equal(deliveriesOf(fake)[0]?.attempts.length, 6, 'nothing after the sixth');
    });
  }

  it('keeps the first 4 KB of an answer body in the log, and succeeds on a retry once the receiver recovers', async (t) => {
    const fake = await fakeFor(t);
    const receiver = await startReceiver(t, (res) => res.writeHead(503).end('x'.repeat(10_000)));
    const { secret } = await fake.webhooks.create({ orgId: 'org_acme', url: receiver.url });
    await fake.create({ nameFirst: 'Jane' });
    const failed = await afterAttempts(fake, 1);
    assert.equal(failed.attempts[0]?.body, 'x'.repeat(4096));
    assert.equal(failed.attempts[0]?.status, 503);
    receiver.answerWith((res) => res.writeHead(200).end('thanks'));
    await fake.clock.advance(5_000);
    const { delivery } = await fake.webhooks.waitFor({ orgId: 'org_acme' });
    assert.deepEqual(
      delivery.attempts.map((a) => [a.attempt, a.status, a.error, a.body]),
      [
        [1, 503, 'answered 503', 'x'.repeat(4096)],
        [2, 200, null, 'thanks'],
      ],
    );
    const second = verified(secret, receiver.received[1] as never) as { metadata: unknown };
    assert.deepEqual(second.metadata, { test: false, delivery_attempt: 2 });
    assert.equal(receiver.received[0]?.headers['webhook-id'], receiver.received[1]?.headers['webhook-id'], 'one id on every attempt');
  });

  it('signs with both secrets for 24 h of the fake clock after a rotation, then with the new one only', async (t) => {
    const fake = await fakeFor(t);
    const receiver = await startReceiver(t);
    const created = await fake.webhooks.create({ orgId: 'org_acme', url: receiver.url });
    const rotated = await fake.webhooks.rotateSecret(created.id);
    assert.notEqual(rotated.secret, created.secret);
    assert.deepEqual({ ...rotated, secret: undefined, updatedAt: undefined }, { ...created, secret: undefined, updatedAt: undefined });
    await fake.create({ nameFirst: 'During' });
    const during = await receiver.nth(1);
    assert.equal(String(during.headers['webhook-signature']).split(' ').length, 2);
    verified(rotated.secret, during);
    verified(created.secret, during);

    await fake.clock.advance(24 * 3_600_000);
    await fake.create({ nameFirst: 'After' });
    const after = await receiver.nth(2);
    assert.equal(String(after.headers['webhook-signature']).split(' ').length, 1);
    verified(rotated.secret, after);
    assert.throws(() => verified(created.secret, after), /No matching signature/);
  });

  it('delivers nothing to an inactive subscription until it is active again, and nothing to a deleted one', async (t) => {
    const fake = await fakeFor(t);
    const receiver = await startReceiver(t, (res) => res.writeHead(500).end());
    const kept = await fake.webhooks.create({ orgId: 'org_acme', url: receiver.url });
    const deleted = await fake.webhooks.create({ orgId: 'org_acme', url: receiver.url, description: 'to delete' });
    await fake.create({ nameFirst: 'Both' });
    await until(() => deliveriesOf(fake).every((d) => d.attempts.length === 1));
    assert.equal(receiver.received.length, 2);

    // Deleted with a retry pending: the delivery is canceled and never sent again.
    await fake.webhooks.remove(deleted.id);
    assert.deepEqual(
      (await fake.webhooks.deliveries.list({ subscriptionId: deleted.id })).map((d) => [d.status, d.nextAttemptAt]),
      [['canceled', null]],
    );
    // Inactive: the pending retry waits, and new events make no delivery for it.
    await fake.webhooks.update(kept.id, { active: false });
    receiver.answerWith(NO_CONTENT);
    await fake.clock.advance(5_000);
    await fake.create({ nameFirst: 'While inactive' });
    assert.equal(fake.fake.scheduler.pending, 0, 'no retry is armed for an inactive or deleted subscription');
    assert.equal((await fake.webhooks.deliveries.list()).length, 2);
    assert.equal((await fake.webhooks.events.list({ orgId: 'org_acme' })).length, 2, 'the event is listed all the same');
    assert.equal(receiver.received.length, 2);

    await fake.webhooks.update(kept.id, { active: true });
    const { delivery } = await fake.webhooks.waitFor({ subscriptionId: kept.id });
    assert.equal(delivery.attempts.length, 2);
    assert.equal(receiver.received.length, 3);
  });

  it('close() ends a delivery in flight at once and keeps it pending in the store; the next start sends it', async (t) => {
    const db = join(tempDir(), 'db.json');
    const receiver = await startReceiver(t, () => {});
    const first = await withFake(t, { db, clock: START });
    const { secret } = await first.webhooks.create({ orgId: 'org_acme', url: receiver.url });
    await first.create({ nameFirst: 'Jane' });
    await receiver.nth(1);
    // Resolves without waiting for the 10 s timeout of the held delivery.
    await first.close();
    const stored = JSON.parse(readFileSync(db, 'utf8')).webhookDeliveries as WebhookDeliveryRecord[];
    assert.deepEqual(
      stored.map((d) => [d.status, d.attempts.length]),
      [['pending', 0]],
    );
    receiver.answerWith(NO_CONTENT);
    const second = await withFake(t, { db, clock: START });
    const { delivery } = await second.webhooks.waitFor({ orgId: 'org_acme' });
    assert.equal(delivery.id, stored[0]?.id);
    verified(secret, await receiver.nth(2));
  });
});
