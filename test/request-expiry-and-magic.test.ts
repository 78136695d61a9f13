// Time drives requests without admin calls: open requests expire when the fake's clock passes
// expiresAt, and magic subject emails walk to their outcome --magic-delay after creation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FakeEvent } from '../src/index.js';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import { FROZEN_AT } from './support/requests.js';

const DAY = 86_400_000;

describe('expiry by the clock', () => {
  it('expires initiated and in_progress requests past expiresAt, in one move each, and nothing else', async (t) => {
    const fake = await withFake(t, { clock: FROZEN_AT, seed: 'none' });
    const seen: FakeEvent[] = [];
    fake.fake.events.subscribe((event) => seen.push(event));
    const make = async (body: Record<string, unknown>) =>
      (await fake.call('POST', '/requests', { key: KEYS.acme, body: { type: 'idv', requirements: ['document'], ...body } })).body;
    const initiated = await make({ expiresDays: 1 });
    const inProgress = await make({ expiresDays: 2, subjectEmail: 'a@example.com' });
    const later = await make({ expiresDays: 10, subjectEmail: 'b@example.com' });
    const approved = await make({ expiresDays: 1 });
    await fake.requests.moveTo(approved.id, 'approved');
    seen.length = 0;

    await fake.clock.advance(DAY - 1);
    const status = async (id: string) => (await fake.call('GET', `/requests/${id}`, { key: KEYS.acme })).body;
    assert.equal((await status(initiated.id)).status, 'initiated');

    await fake.clock.advance(1);
    const expired = await status(initiated.id);
    assert.equal(expired.status, 'expired');
    assert.equal(expired.updatedAt, initiated.expiresAt);
    assert.equal((await status(inProgress.id)).status, 'in_progress');

    await fake.clock.set(new Date(Date.parse(FROZEN_AT) + 3 * DAY).toISOString());
    assert.equal((await status(inProgress.id)).status, 'expired');
    assert.equal((await status(later.id)).status, 'in_progress');
    assert.equal((await status(approved.id)).status, 'approved');
    assert.deepEqual(
      seen.map((e) => [e.type, (e.data as { id: string }).id]),
      [
        ['request.expired', initiated.id],
        ['request.expired', inProgress.id],
      ],
    );
    assert.deepEqual(seen[0]?.data, expired, 'the event carries the Request with its detail');
  });

  it('expires a whole batch in one clock advance, and again after a reset re-arms the seeded requests', async (t) => {
    const requests = Array.from({ length: 500 }, (_, i) => ({
      orgId: 'org_acme',
      type: 'idv',
      requirements: ['document'],
      createdAt: new Date(Date.parse(FROZEN_AT) + i).toISOString(),
    }));
    const fake = await withFake(t, { clock: FROZEN_AT, seed: 'none' }, { seed: { clients: [], requests } });
    const expiredCount = async () =>
      (await fake.call('GET', '/requests?status=expired&limit=1', { key: KEYS.acme })).body.pagination.total as number;
    await fake.clock.advance(7 * DAY + 500);
    assert.equal(await expiredCount(), 500);
    await fake.reset();
    assert.equal(await expiredCount(), 0);
    await fake.clock.advance(7 * DAY + 250);
    assert.equal(await expiredCount(), 251);
  });
});

describe('magic subject emails', () => {
  for (const [email, outcome, event] of [
    ['jane+approve@example.com', 'approved', 'request.approved'],
    ['jane+reject@example.com', 'rejected', 'request.rejected'],
    ['jane+review@example.com', 'pending_review', 'request.updated'],
    ['jane+expire@example.com', 'expired', 'request.expired'],
  ] as const) {
    it(`${email} walks to ${outcome} after the default 2 s of the fake's clock`, async (t) => {
      const fake = await withFake(t, { clock: FROZEN_AT, seed: 'none' });
      const seen: FakeEvent[] = [];
      fake.fake.events.subscribe((e) => seen.push(e));
      const created = await fake.call('POST', '/requests', {
        key: KEYS.acme,
        body: { type: 'idv', requirements: ['document', 'person'], subjectName: 'Jane Doe', subjectEmail: email },
      });
      await fake.clock.advance(1999);
      const before = await fake.call('GET', `/requests/${created.body.id}`, { key: KEYS.acme });
      assert.equal(before.body.status, 'in_progress');
      await fake.clock.advance(1);
      const after = await fake.call('GET', `/requests/${created.body.id}`, { key: KEYS.acme });
      assert.equal(after.body.status, outcome);
      assert.equal(after.body.updatedAt, '2026-03-04T05:06:09.089Z');
      assert.equal(seen.at(-1)?.type, event);
      if (outcome !== 'expired') {
        assert.equal(
          after.body.steps.every((s: { status: string }) => s.status === 'completed'),
          true,
        );
        assert.equal(Number.isInteger(after.body.score), true);
      }
    });
  }

  it('waits --magic-delay, and leaves a request alone that something else moved first', async (t) => {
    const fake = await withFake(t, { clock: FROZEN_AT, seed: 'none', magicDelay: '1m' });
    const make = async () =>
      (
        await fake.call('POST', '/requests', {
          key: KEYS.acme,
          body: { type: 'idv', requirements: ['document'], subjectEmail: 'x+approve@example.com' },
        })
      ).body;
    const waiting = await make();
    const canceled = await make();
    await fake.requests.moveTo(canceled.id, 'canceled');
    await fake.clock.advance(59_999);
    assert.equal((await fake.call('GET', `/requests/${waiting.id}`, { key: KEYS.acme })).body.status, 'in_progress');
    await fake.clock.advance(1);
    assert.equal((await fake.call('GET', `/requests/${waiting.id}`, { key: KEYS.acme })).body.status, 'approved');
    assert.equal((await fake.call('GET', `/requests/${canceled.id}`, { key: KEYS.acme })).body.status, 'canceled');
  });
});

describe('requests loaded overdue', () => {
  it('expire and walk at once when imported past their instants, even on a frozen clock', async (t) => {
    const fake = await withFake(t, { clock: FROZEN_AT, seed: 'none' });
    const past = new Date(Date.parse(FROZEN_AT) - 8 * DAY).toISOString();
    await fake.state.import({
      clients: [],
      requests: [
        { orgId: 'org_acme', type: 'idv', requirements: ['document'], createdAt: past },
        { orgId: 'org_acme', type: 'idv', requirements: ['document'], createdAt: FROZEN_AT, subjectEmail: 'q+reject@example.com' },
        { orgId: 'org_acme', type: 'idv', requirements: ['document'], createdAt: past, subjectEmail: 'r+approve@example.com' },
      ],
    });
    const statuses = (await fake.state.export()).requests.map((r) => r.status);
    assert.deepEqual(statuses, ['expired', 'in_progress', 'approved']);
  });
});
