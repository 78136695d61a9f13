// Safe defaults: loopback only, CORS for browsers (and off on request), the envelope even for
// requests Node rejects before express, and timeouts that shed slow-loris clients.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { ENVELOPES } from './support/envelopes.js';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';

/** Sends raw bytes and resolves with everything the server wrote before it closed the connection. */
function rawExchange(url: string, bytes: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

function parseRaw(response: string): { status: number; headers: string; body: unknown } {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head, body: body === '' ? undefined : JSON.parse(body) };
}

describe('safe defaults', () => {
  it('listens on 127.0.0.1 unless told otherwise', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    assert.equal(fake.host, '127.0.0.1');
    assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers CORS preflights with 204 and lets browsers read the headers they need', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const preflight = await fake.call('OPTIONS', '/v2/api/clients', {
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'x-api-key, content-type',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'x-api-key, content-type');
    const res = await fake.call('POST', '/clients', { key: KEYS.acme, body: {}, headers: { Origin: 'http://localhost:5173' } });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('access-control-expose-headers'), 'Location, X-RateLimit-Limit, X-RateLimit-Remaining, Retry-After');
    // An OPTIONS request that is no preflight is just an unsupported method, or an unknown path.
    const plain = await fake.call('OPTIONS', '/clients', { key: KEYS.acme });
    assert.equal(plain.status, 405);
    assert.equal(plain.headers.get('allow'), 'GET, HEAD, POST');
    assert.equal((await fake.call('OPTIONS', '/nothing-here')).status, 404);
  });

  it('--no-cors: no CORS headers, and OPTIONS is an unsupported method', async (t) => {
    const fake = await withFake(t, { seed: 'none', cors: false });
    const res = await fake.call('GET', '/clients', { key: KEYS.acme, headers: { Origin: 'http://localhost:5173' } });
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    const preflight = await fake.call('OPTIONS', '/clients', {
      key: KEYS.acme,
      headers: { Origin: 'http://x', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(preflight.status, 405);
  });

  it('answers oversized headers (a 100 KB key) with a 431 envelope and stays up', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const response = await rawExchange(fake.url, `GET /clients HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${'k'.repeat(100_000)}\r\n\r\n`);
    const { status, headers, body } = parseRaw(response);
    assert.equal(status, 431);
    assert.match(headers, /Connection: close/);
    assert.deepEqual(body, ENVELOPES.HEADERS_TOO_LARGE);
    assert.equal((await fake.call('GET', '/__admin/health')).status, 200);
  });

  it('answers malformed HTTP with a 400 envelope', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const response = await rawExchange(fake.url, 'GET /clients HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n');
    const { status, body } = parseRaw(response);
    assert.equal(status, 400);
    assert.deepEqual(body, ENVELOPES.BAD_REQUEST);
  });

  it('closes a connection whose headers never finish (slow loris) with a 408 envelope', async (t) => {
    const fake = await withFake(t, { seed: 'none' }, { timeouts: { headersMs: 300, requestMs: 600, checkIntervalMs: 50 } });
    const response = await rawExchange(fake.url, 'GET /clients HTTP/1.1\r\nHost: x\r\nX-Api-Key: ');
    const { status, body } = parseRaw(response);
    assert.equal(status, 408);
    assert.deepEqual(body, ENVELOPES.REQUEST_TIMEOUT);
    assert.equal((await fake.call('GET', '/__admin/health')).status, 200);
  });

  it('answers an Expect other than 100-continue with a 417 envelope and stays up', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const response = await rawExchange(fake.url, `GET /clients HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${KEYS.acme}\r\nExpect: 200-ok\r\n\r\n`);
    const { status, headers, body } = parseRaw(response);
    assert.equal(status, 417);
    assert.match(headers, /Connection: close/);
    assert.deepEqual(body, ENVELOPES.EXPECTATION_FAILED);
    assert.equal((await fake.call('GET', '/__admin/health')).status, 200);
  });

  it('never echoes a presented key in an error answer', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const secret = 'ath_live_this_is_a_secret_0000';
    const res = await fake.call('GET', '/clients', { key: secret });
    assert.ok(!res.text.includes(secret));
    const journal = JSON.stringify(await fake.requests());
    assert.ok(!journal.includes(secret));
    assert.ok(journal.includes('****0000'));
  });
});
