// The scheduler on the injected clock and the event bus: the core parts resources build on.
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { createClock } from '../src/clock.js';
import { createEventBus, type FakeEvent } from '../src/events.js';
import type { Change } from '../src/store/store.js';
import { createScheduler } from '../src/scheduler.js';

const START = Date.parse('2026-01-01T00:00:00.000Z');

describe('scheduler', () => {
  it('runs tasks when the clock is advanced or set past them, in order of their instants', () => {
    const clock = createClock({ mode: 'frozen', at: START });
    const scheduler = createScheduler(clock, (error) => assert.fail(String(error)));
    const ran: string[] = [];
    scheduler.after(2000, () => ran.push('b@2000'));
    scheduler.after(1000, () => ran.push('a@1000'));
    scheduler.at(START + 2000, () => ran.push('c@2000'));
    scheduler.after(5000, () => ran.push('d@5000'));
    clock.advance(999);
    assert.deepEqual(ran, []);
    clock.advance(1001);
    assert.deepEqual(ran, ['a@1000', 'b@2000', 'c@2000']);
    clock.set(START + 10_000, true);
    assert.deepEqual(ran, ['a@1000', 'b@2000', 'c@2000', 'd@5000']);
    assert.equal(scheduler.pending, 0);
  });

  it('cancels, clears on reset, runs what a task schedules for now, and reports a task that throws', () => {
    const clock = createClock({ mode: 'frozen', at: START });
    const errors: unknown[] = [];
    const scheduler = createScheduler(clock, (error) => errors.push(error));
    const ran: string[] = [];
    scheduler.after(10, () => ran.push('cancelled')).cancel();
    scheduler.after(10, () => {
      ran.push('first');
      scheduler.after(0, () => ran.push('chained'));
    });
    scheduler.after(10, () => {
      throw new Error('boom');
    });
    scheduler.after(10, () => ran.push('after the throw'));
    clock.advance(10);
    assert.deepEqual(ran, ['first', 'after the throw', 'chained']);
    assert.deepEqual(
      errors.map((e) => (e as Error).message),
      ['boom'],
    );
    scheduler.after(10, () => ran.push('cleared'));
    scheduler.clear();
    clock.advance(100);
    assert.equal(ran.includes('cleared'), false);
  });

  it('wakes one timer in real time when the clock runs, and none once stopped', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: START });
    try {
      const clock = createClock({ mode: 'system' });
      const scheduler = createScheduler(clock, (error) => assert.fail(String(error)));
      const ran: number[] = [];
      scheduler.after(3000, () => ran.push(clock.now() - START));
      scheduler.after(1000, () => ran.push(clock.now() - START));
      mock.timers.tick(999);
      assert.deepEqual(ran, []);
      mock.timers.tick(1);
      assert.deepEqual(ran, [1000]);
      mock.timers.tick(2000);
      assert.deepEqual(ran, [1000, 3000]);
      let ranAfterStop = false;
      scheduler.after(500, () => {
        ranAfterStop = true;
      });
      scheduler.stop();
      mock.timers.tick(1000);
      assert.equal(ranAfterStop, false);
    } finally {
      mock.timers.reset();
    }
  });
});

describe('event bus', () => {
  const event = (type: string): FakeEvent => ({ type, orgId: 'org_acme', at: '2026-01-01T00:00:00.000Z', data: { type } });

  it('publishes every committed event to every subscriber in order, until it unsubscribes; a throwing listener stops no one', async () => {
    const errors: unknown[] = [];
    const bus = createEventBus({ apply: async () => {} }, (error) => errors.push(error));
    const a: string[] = [];
    const b: string[] = [];
    const stopA = bus.subscribe((e) => a.push(e.type));
    bus.subscribe(() => {
      throw new Error('listener failed');
    });
    bus.subscribe((e) => b.push(e.type));
    await bus.commit([], [event('client.created')]);
    stopA();
    await bus.commit([], [event('request.created')]);
    assert.deepEqual(a, ['client.created']);
    assert.deepEqual(b, ['client.created', 'request.created']);
    assert.equal(errors.length, 2);
  });

  it("writes the recorders' changes in the same store write as the commit's, and publishes nothing when it fails", async () => {
    const writes: Change[][] = [];
    let fail = false;
    const bus = createEventBus(
      {
        apply: async (changes) => {
          if (fail) throw new Error('disk full');
          writes.push([...changes]);
        },
      },
      () => {},
    );
    const published: string[] = [];
    bus.subscribe((e) => published.push(e.type));
    const stop = bus.record((events) =>
      events.map((e) => ({ collection: 'outbox', insert: { id: e.type, orgId: e.orgId, createdAt: e.at } })),
    );
    const client = { collection: 'clients', insert: { id: 'clt_1', orgId: 'org_acme', createdAt: '2026-01-01T00:00:00.000Z' } };
    await bus.commit([client], [event('client.created')]);
    assert.deepEqual(writes, [
      [client, { collection: 'outbox', insert: { id: 'client.created', orgId: 'org_acme', createdAt: '2026-01-01T00:00:00.000Z' } }],
    ]);
    fail = true;
    await assert.rejects(bus.commit([client], [event('request.created')]), /disk full/);
    assert.deepEqual(published, ['client.created']);
    fail = false;
    stop();
    await bus.commit([client], [event('request.created')]);
    assert.deepEqual(writes[1], [client]);
  });
});
