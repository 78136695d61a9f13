// The injected sources of time, randomness and ids: deterministic where seeded, monotonic ids.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClock } from '../src/clock.js';
import { createIdGenerator } from '../src/ids.js';
import { createRandom, createRandomStreams } from '../src/random.js';

describe('createClock', () => {
  it('follows the system time plus any offset when running', () => {
    let system = 1_000;
    const clock = createClock({ mode: 'system' }, () => system);
    assert.equal(clock.now(), 1_000);
    system = 1_500;
    assert.equal(clock.now(), 1_500);
    clock.advance(250);
    assert.equal(clock.now(), 1_750);
    clock.set(10_000, false);
    system = 1_600;
    assert.equal(clock.now(), 10_100);
    assert.equal(clock.isFrozen(), false);
  });

  it('stays put when frozen, moves on advance, and resets to its start setting', () => {
    let system = 5;
    const clock = createClock({ mode: 'frozen', at: 100 }, () => system);
    system = 999;
    assert.equal(clock.now(), 100);
    clock.advance(50);
    assert.equal(clock.now(), 150);
    clock.set(7, false);
    assert.equal(clock.isFrozen(), false);
    clock.reset();
    assert.equal(clock.now(), 100);
    assert.equal(clock.isFrozen(), true);
  });

  it('refuses to start or move outside four-digit years, and stays where it was', () => {
    const latest = Date.parse('9998-12-31T23:59:59.999Z');
    const earliest = Date.parse('0000-01-01T00:00:00.000Z');
    assert.throws(() => createClock({ mode: 'frozen', at: latest + 1 }), RangeError);
    const clock = createClock({ mode: 'frozen', at: latest });
    assert.throws(() => clock.advance(1), RangeError);
    assert.throws(() => clock.set(8.64e15, true), RangeError);
    assert.throws(() => clock.set(earliest - 1, false), RangeError);
    assert.equal(clock.now(), latest);
    assert.equal(clock.isFrozen(), true);
    clock.set(earliest, true);
    assert.equal(new Date(clock.now()).toISOString(), '0000-01-01T00:00:00.000Z');
  });
});

describe('createRandom', () => {
  it('repeats its stream for the same seed and after reset, and differs for another seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const first = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(
      Array.from({ length: 5 }, () => b.next()),
      first,
    );
    a.reset();
    assert.deepEqual(
      Array.from({ length: 5 }, () => a.next()),
      first,
    );
    const c = createRandom(43);
    assert.notDeepEqual(
      Array.from({ length: 5 }, () => c.next()),
      first,
    );
    for (const n of first) assert.ok(n >= 0 && n < 1);
  });

  it('spreads values over [0, 1)', () => {
    const random = createRandom(1);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(random.next() * 10)]++;
    for (const count of buckets) assert.ok(count > 850 && count < 1150, String(buckets));
  });
});

describe('createRandomStreams', () => {
  it('gives each name its own stream, unshifted by streams added before it', () => {
    const draw = (streams: ReturnType<typeof createRandomStreams>, name: string) =>
      Array.from({ length: 3 }, () => streams.stream(name).next());
    const alone = createRandomStreams(7);
    const faultsAlone = draw(alone, 'faults');
    const crowded = createRandomStreams(7);
    draw(crowded, 'requests:detail');
    draw(crowded, 'ids:req_');
    assert.deepEqual(draw(crowded, 'faults'), faultsAlone);
    assert.notDeepEqual(draw(createRandomStreams(7), 'ids:clt_'), faultsAlone);
    assert.notDeepEqual(draw(createRandomStreams(8), 'faults'), faultsAlone);
    crowded.reset();
    assert.deepEqual(draw(crowded, 'faults'), faultsAlone);
  });
});

describe('createIdGenerator', () => {
  const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
  const decodeTime = (id: string): number => [...id.slice(4, 14)].reduce((ms, ch) => ms * 32 + ALPHABET.indexOf(ch), 0);

  it('makes the prefix + 26 lower-case Crockford characters encoding the clock time', () => {
    const requestIds = createIdGenerator('req_', { now: () => Date.parse('2026-01-01T00:00:00.000Z') }, createRandom(3));
    assert.match(requestIds.next(), /^req_01kdvdna00[0-9a-hjkmnp-tv-z]{16}$/);
    const ids = createIdGenerator('clt_', { now: () => Date.parse('2026-01-01T00:00:00.000Z') }, createRandom(3));
    const id = ids.next();
    assert.match(id, /^clt_[0-9a-hjkmnp-tv-z]{26}$/);
    assert.equal(decodeTime(id), Date.parse('2026-01-01T00:00:00.000Z'));
  });

  it('increments within one millisecond so ids keep their order', () => {
    const ids = createIdGenerator('clt_', { now: () => 1_700_000_000_000 }, createRandom(9));
    const made = Array.from({ length: 100 }, () => ids.next());
    assert.deepEqual([...made].sort(), made);
    assert.equal(new Set(made).size, 100);
  });

  it('repeats the same ids for the same seed and clock, and again after reset', () => {
    const make = () => createIdGenerator('clt_', { now: () => 1_700_000_000_000 }, createRandom(5));
    const a = make();
    const first = [a.next(), a.next(), a.next()];
    assert.deepEqual([make().next()], [first[0]]);
    a.reset();
    assert.deepEqual([a.next(), a.next(), a.next()], first);
  });
});
