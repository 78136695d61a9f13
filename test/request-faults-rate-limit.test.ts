// /requests meets failure injection (rules, Prefer: code=, magic keys), the rate limit and
// authentication exactly as /clients does; an injected failure creates nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DOCUMENTED, ENVELOPES } from './support/envelopes.js';
import { withFake } from './support/fake.js';
import { KEYS, MAGIC_KEYS } from './support/fixture-keys.js';

const BODY = { type: 'idv', requirements: ['document'] };

describe('/requests: faults, magic keys, rate limit, authentication', () => {
  it('answers the magic keys, a missing or revoked key, and Prefer: code= without creating anything', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    for (const [key, status, envelope] of [
      [MAGIC_KEYS.rateLimited, 429, DOCUMENTED.RATE_LIMITED],
      [MAGIC_KEYS.inactive, 402, DOCUMENTED.PAYMENT_REQUIRED],
      [MAGIC_KEYS.noApiPlan, 403, DOCUMENTED.FORBIDDEN],
      [KEYS.revoked, 401, ENVELOPES.UNAUTHORIZED],
      [undefined, 401, ENVELOPES.UNAUTHORIZED],
    ] as const) {
      for (const path of ['/requests', '/verifications']) {
        const res = await fake.call('POST', path, { key, body: BODY });
        assert.equal(res.status, status);
        assert.deepEqual(res.body, envelope);
      }
    }
    const forced = await fake.call('POST', '/requests', { key: KEYS.acme, body: BODY, headers: { Prefer: 'code=404' } });
    assert.deepEqual(forced.body, ENVELOPES.NOT_FOUND);
    assert.equal((await fake.state.export()).requests.length, 0);
  });

  it('applies fault rules by path, at /v2/api too', async (t) => {
    const fake = await withFake(t, { seed: 'none', fault: ['POST /requests status=503 times=1'] });
    const first = await fake.call('POST', '/v2/api/requests', { key: KEYS.acme, body: BODY });
    assert.equal(first.status, 503);
    await fake.faults.add({ method: 'GET', path: '/requests/*', status: 429, times: 1 });
    const created = await fake.call('POST', '/requests', { key: KEYS.acme, body: BODY });
    assert.equal(created.status, 201);
    const limited = await fake.call('GET', `/requests/${created.body.id}`, { key: KEYS.acme });
    assert.deepEqual(limited.body, DOCUMENTED.RATE_LIMITED);
    assert.equal((await fake.call('GET', `/requests/${created.body.id}`, { key: KEYS.acme })).status, 200);
    assert.equal((await fake.state.export()).requests.length, 1);
  });

  it('counts /requests in the same per-key window as /clients', async (t) => {
    const fake = await withFake(t, { seed: 'none', rateLimit: 2 });
    assert.equal((await fake.call('POST', '/requests', { key: KEYS.acme, body: BODY })).headers.get('x-ratelimit-remaining'), '1');
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme })).headers.get('x-ratelimit-remaining'), '0');
    const limited = await fake.call('GET', '/verifications', { key: KEYS.acme });
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.body, DOCUMENTED.RATE_LIMITED);
    assert.ok(limited.headers.get('retry-after'));
  });

  it('malformed: a 201 whose JSON, a made-up Request cut short, cannot be parsed; nothing is stored', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.faults.add({ method: 'POST', path: '/requests', network: 'malformed' });
    const res = await fetch(`${fake.url}/requests`, {
      method: 'POST',
      headers: { 'X-Api-Key': KEYS.acme, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...BODY, subjectName: 'Half' }),
    });
    assert.equal(res.status, 201);
    const text = await res.text();
    assert.ok(text.startsWith('{"id":"req_'), text);
    assert.throws(() => JSON.parse(text), SyntaxError);
    assert.equal((await fake.state.export()).requests.length, 0);
  });
});
