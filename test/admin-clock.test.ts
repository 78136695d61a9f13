// The fake's clock over HTTP: read, set, freeze, advance; it drives timestamps and the rate window.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../src/config.js';
import { validationError } from './support/envelopes.js';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import { rateHeaders } from './support/http.js';

describe('/__admin/clock', () => {
  it('starts frozen at --clock and drives createdAt/updatedAt', async (t) => {
    const fake = await withFake(t, { seed: 'none', clock: '2026-01-01T00:00:00.000Z' });
    assert.deepEqual((await fake.call('GET', '/__admin/clock')).body, { now: '2026-01-01T00:00:00.000Z', frozen: true });
    assert.equal((await fake.create({})).body.createdAt, '2026-01-01T00:00:00.000Z');
    const advanced = await fake.call('POST', '/__admin/clock/advance', { body: { ms: 90_061_001 } });
    assert.deepEqual(advanced.body, { now: '2026-01-02T01:01:01.001Z', frozen: true });
    const created = await fake.create({});
    assert.equal(created.body.createdAt, '2026-01-02T01:01:01.001Z');
    assert.equal(created.body.updatedAt, '2026-01-02T01:01:01.001Z');
    const back = await fake.call('POST', '/__admin/clock/advance', { body: { ms: -1 } });
    assert.equal(back.body.now, '2026-01-02T01:01:01.000Z');
  });

  it('PUT sets the instant and freezes or releases the clock; a field left out keeps its value', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    assert.equal((await fake.call('GET', '/__admin/clock')).body.frozen, false);
    const set = await fake.call('PUT', '/__admin/clock', { body: { now: '2030-05-05T05:05:05.555Z', frozen: true } });
    assert.deepEqual(set.body, { now: '2030-05-05T05:05:05.555Z', frozen: true });
    const moved = await fake.call('PUT', '/__admin/clock', { body: { now: '2031-01-01T00:00:00+01:00' } });
    assert.deepEqual(moved.body, { now: '2030-12-31T23:00:00.000Z', frozen: true });
    const released = await fake.call('PUT', '/__admin/clock', { body: { frozen: false } });
    assert.equal(released.body.frozen, false);
    // Released, it runs on from where it stood: still on the last day of 2030, not today.
    assert.ok(released.body.now.startsWith('2030-12-31T23:00:0'), released.body.now);
  });

  it('moves the rate-limit window: advancing past it opens a new one', async (t) => {
    const fake = await withFake(t, { seed: 'none', clock: '2026-01-01T00:00:00.000Z', rateLimit: 1, rateWindow: 60 });
    await fake.call('GET', '/clients', { key: KEYS.acme });
    await fake.clock.advance(59_000);
    assert.deepEqual(rateHeaders((await fake.call('GET', '/clients', { key: KEYS.acme })).headers), {
      limit: '1',
      remaining: '0',
      retryAfter: '1',
    });
    await fake.clock.advance(1_000);
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme })).status, 200);
  });

  it('refuses to advance past the last instant it can show (422), and everything goes on working', async (t) => {
    const fake = await withFake(t, { seed: 'none', clock: '2026-01-01T00:00:00.000Z' });
    const thousandYears = 31_536_000_000_000;
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await fake.call('POST', '/__admin/clock/advance', { body: { ms: thousandYears } })).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 422, 422]);
    const now = (await fake.call('GET', '/__admin/clock')).body.now;
    assert.equal(now, new Date(Date.parse('2026-01-01T00:00:00.000Z') + 7 * thousandYears).toISOString());
    const created = await fake.create({});
    assert.equal(created.status, 201);
    assert.equal(created.body.createdAt, now);
    assert.equal((await fake.call('GET', '/__admin/journal')).status, 200);
    assert.equal((await fake.call('PUT', '/__admin/clock', { body: { now: '9998-12-31T23:59:59.999Z' } })).status, 200);
    assert.equal((await fake.call('POST', '/__admin/clock/advance', { body: { ms: 1 } })).status, 422);
  });

  const INVALID: [string, string, unknown, { field: string; message: string }[]][] = [
    ['PUT', '/__admin/clock', { now: 'soon' }, [{ field: 'now', message: 'Invalid datetime' }]],
    ['PUT', '/__admin/clock', { frozen: 'yes' }, [{ field: 'frozen', message: 'Expected boolean, received string' }]],
    [
      'PUT',
      '/__admin/clock',
      { now: '2026-01-01T00:00:00Z', speed: 2 },
      [{ field: '', message: "Unrecognized key(s) in object: 'speed'" }],
    ],
    ['POST', '/__admin/clock/advance', {}, [{ field: 'ms', message: 'Required' }]],
    ['POST', '/__admin/clock/advance', { ms: 1.5 }, [{ field: 'ms', message: 'Expected integer, received float' }]],
    ['POST', '/__admin/clock/advance', { ms: '10' }, [{ field: 'ms', message: 'Expected number, received string' }]],
  ];
  const RANGE = 'The clock must stay from 0000-01-01T00:00:00.000Z to 9998-12-31T23:59:59.999Z';
  INVALID.push(
    ['PUT', '/__admin/clock', { now: '9999-06-01T00:00:00.000Z' }, [{ field: 'now', message: RANGE }]],
    ['PUT', '/__admin/clock', { now: '0000-01-01T00:00:00+00:01', frozen: false }, [{ field: 'now', message: RANGE }]],
  );
  for (const [method, path, body, errors] of INVALID) {
    it(`${method} ${path} ${JSON.stringify(body)} answers 422 and leaves the clock alone`, async (t) => {
      const fake = await withFake(t, { seed: 'none', clock: '2026-01-01T00:00:00.000Z' });
      const res = await fake.call(method, path, { body });
      assert.deepEqual(res.body, validationError(errors));
      assert.deepEqual((await fake.call('GET', '/__admin/clock')).body, { now: '2026-01-01T00:00:00.000Z', frozen: true });
    });
  }

  it('PUT takes exactly the instants --clock takes: a real calendar date and time, with seconds and an offset', async (t) => {
    const fake = await withFake(t, { seed: 'none', clock: '2026-01-01T00:00:00.000Z' });
    const TRIES = [
      '2024-02-29T00:00:00Z',
      '2026-06-01T12:00:00.5+02:00',
      '2026-02-30T00:00:00Z',
      '2025-02-29T12:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:59:60Z',
      '2026-01-01T00:00:00+24:00',
      '2026-01-01T00:00Z',
    ];
    const taken: string[] = [];
    for (const now of TRIES) {
      let byCli: boolean;
      try {
        byCli = parseConfig({ clock: now }).clock.mode === 'frozen';
      } catch {
        byCli = false;
      }
      const res = await fake.call('PUT', '/__admin/clock', { body: { now } });
      assert.equal(res.status === 200, byCli, now);
      if (res.status === 200) taken.push(now);
      else assert.deepEqual(res.body, validationError([{ field: 'now', message: 'Invalid datetime' }]), now);
    }
    assert.deepEqual(taken, TRIES.slice(0, 2));
  });
});
