// Rate limiting: a fixed window per API key on the injected clock, headers on every API answer,
// the real 429 with Retry-After, per-key overrides, and off with --rate-limit 0.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createClock } from '../src/clock.js';
import { DOCUMENTED } from './support/envelopes.js';
import { withFake } from './support/fake.js';
import { KEYS, MAGIC_KEYS } from './support/fixture-keys.js';
import { rateHeaders } from './support/http.js';
import { tempDir } from './support/temp-dir.js';

const T0 = Date.parse('2026-02-01T10:00:00.000Z');

describe('rate limiting', () => {
  it('sends X-RateLimit-Limit and -Remaining on every API answer, counting down per key', async (t) => {
    const fake = await withFake(t, { seed: 'none', rateLimit: 3 });
    const seen = [];
    seen.push(rateHeaders((await fake.create({})).headers));
    seen.push(rateHeaders((await fake.call('GET', '/clients', { key: KEYS.acme })).headers));
    seen.push(rateHeaders((await fake.call('GET', '/clients/clt_missing', { key: KEYS.acme })).headers));
    seen.push(rateHeaders((await fake.create({ email: 'bad' })).headers));
    assert.deepEqual(seen, [
      { limit: '3', remaining: '2', retryAfter: null },
      { limit: '3', remaining: '1', retryAfter: null },
      { limit: '3', remaining: '0', retryAfter: null },
      { limit: '3', remaining: '0', retryAfter: '60' },
    ]);
    // Another key has its own window.
    assert.deepEqual(rateHeaders((await fake.call('GET', '/clients', { key: KEYS.globex })).headers), {
      limit: '3',
      remaining: '2',
      retryAfter: null,
    });
  });

  it('answers the exact 429 past the limit and stores nothing', async (t) => {
    const fake = await withFake(t, { seed: 'none', rateLimit: 1 });
    assert.equal((await fake.create({ nameFirst: 'First' })).status, 201);
    const limited = await fake.create({ nameFirst: 'Second' });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(limited.body, DOCUMENTED.RATE_LIMITED);
    const list = await fake.call('GET', '/clients', { key: KEYS.globex });
    assert.equal(list.status, 200);
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme })).status, 429);
  });

  it('computes Retry-After from the injected clock and opens a new window when it ends', async (t) => {
    const clock = createClock({ mode: 'frozen', at: T0 });
    const fake = await withFake(t, { seed: 'none', rateLimit: 2, rateWindow: 60 }, { clock });
    await fake.create({}); // window T0 .. T0+60s
    clock.advance(20_500);
    await fake.create({});
    const first = await fake.create({});
    assert.deepEqual(rateHeaders(first.headers), { limit: '2', remaining: '0', retryAfter: '40' });
    clock.advance(39_400);
    const last = await fake.create({});
    assert.deepEqual(rateHeaders(last.headers), { limit: '2', remaining: '0', retryAfter: '1' });
    clock.advance(100);
    const fresh = await fake.create({});
    assert.equal(fresh.status, 201);
    assert.deepEqual(rateHeaders(fresh.headers), { limit: '2', remaining: '1', retryAfter: null });
  });

  it('does not count requests with a bad key', async (t) => {
    const fake = await withFake(t, { seed: 'none', rateLimit: 2 });
    for (let i = 0; i < 5; i++) {
      const res = await fake.call('GET', '/clients', { key: KEYS.revoked });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('x-ratelimit-limit'), null);
    }
    const res = await fake.call('GET', '/clients', { key: KEYS.acme });
    assert.deepEqual(rateHeaders(res.headers), { limit: '2', remaining: '1', retryAfter: null });
  });

  it('applies a per-key override from the keys file, window included', async (t) => {
    const keys = join(tempDir(), 'keys.json');
    writeFileSync(
      keys,
      JSON.stringify({
        keys: [
          { key: 'tight-key-0001', orgId: 'org_t', label: 'tight', rateLimit: { limit: 1, windowSeconds: 5 } },
          { key: 'free-key-00001', orgId: 'org_f', label: 'free', rateLimit: { limit: 0 } },
          { key: 'plain-key-0001', orgId: 'org_p', label: 'plain' },
        ],
      }),
    );
    const clock = createClock({ mode: 'frozen', at: T0 });
    const fake = await withFake(t, { seed: 'none', keys, rateLimit: 10 }, { clock });
    await fake.call('GET', '/clients', { key: 'tight-key-0001' });
    const limited = await fake.call('GET', '/clients', { key: 'tight-key-0001' });
    assert.deepEqual(rateHeaders(limited.headers), { limit: '1', remaining: '0', retryAfter: '5' });
    for (let i = 0; i < 12; i++) {
      const res = await fake.call('GET', '/clients', { key: 'free-key-00001' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-ratelimit-limit'), null);
    }
    assert.deepEqual(rateHeaders((await fake.call('GET', '/clients', { key: 'plain-key-0001' })).headers), {
      limit: '10',
      remaining: '9',
      retryAfter: null,
    });
    clock.advance(5_000);
    assert.equal((await fake.call('GET', '/clients', { key: 'tight-key-0001' })).status, 200);
  });

  it('is off with --rate-limit 0: no limit and no headers', async (t) => {
    const fake = await withFake(t, { seed: 'none', rateLimit: 0 });
    for (let i = 0; i < 150; i++) assert.equal((await fake.call('GET', '/clients?limit=1', { key: KEYS.acme })).status, 200);
    const res = await fake.create({});
    assert.equal(res.headers.get('x-ratelimit-limit'), null);
    assert.equal(res.headers.get('x-ratelimit-remaining'), null);
  });

  it('gives every 429 the three headers, forced or real, also with --rate-limit 0', async (t) => {
    const off = await withFake(t, { seed: 'none', rateLimit: 0 });
    await off.faults.add({ method: 'GET', path: '/clients', status: 429 });
    const unlimited = { limit: '0', remaining: '0', retryAfter: '1' };
    const forced = [
      await off.call('GET', '/clients', { key: MAGIC_KEYS.rateLimited }),
      await off.call('GET', '/clients', { key: KEYS.acme }),
      await off.call('POST', '/clients', { key: KEYS.acme, body: {}, headers: { Prefer: 'code=429' } }),
      await off.call('GET', '/requests', { key: KEYS.acme, headers: { Prefer: 'code=429' } }),
    ];
    assert.deepEqual(
      forced.map((res) => [res.status, rateHeaders(res.headers), res.body]),
      forced.map(() => [429, unlimited, DOCUMENTED.RATE_LIMITED]),
    );
    const on = await withFake(t, { seed: 'none', rateLimit: 5 });
    const limited = await on.call('GET', '/clients', { key: KEYS.acme, headers: { Prefer: 'code=429' } });
    assert.deepEqual(rateHeaders(limited.headers), { limit: '5', remaining: '0', retryAfter: '60' });
  });

  it('ends a window no later than its length after the current time when the clock moves back', async (t) => {
    const clock = createClock({ mode: 'frozen', at: T0 });
    const fake = await withFake(t, { seed: 'none', rateLimit: 1, rateWindow: 60 }, { clock });
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme })).status, 200);
    clock.advance(-86_400_000);
    const limited = await fake.call('GET', '/clients', { key: KEYS.acme });
    assert.equal(limited.status, 429);
    assert.deepEqual(rateHeaders(limited.headers), { limit: '1', remaining: '0', retryAfter: '60' });
    clock.advance(60_000);
    const fresh = await fake.call('GET', '/clients', { key: KEYS.acme });
    assert.equal(fresh.status, 200);
    assert.deepEqual(rateHeaders(fresh.headers), { limit: '1', remaining: '0', retryAfter: null });
  });

  it('defaults to 100 requests per 60 seconds', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const res = await fake.call('GET', '/clients', { key: KEYS.acme });
    assert.deepEqual(rateHeaders(res.headers), { limit: '100', remaining: '99', retryAfter: null });
  });

  it('does not limit the admin API', async (t) => {
    const fake = await withFake(t, { seed: 'none', rateLimit: 1 });
    for (let i = 0; i < 5; i++) assert.equal((await fake.call('GET', '/__admin/health')).status, 200);
  });
});
