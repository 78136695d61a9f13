// Every failure outside validation still answers in the envelope: unknown routes, malformed or
// non-JSON bodies, oversized bodies and unsupported methods.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENVELOPES, validationError } from './support/envelopes.js';
import { startTestFake, type TestFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';

describe('error envelopes', () => {
  let fake: TestFake;
  before(async () => {
    fake = await startTestFake({ seed: 'none', bodyLimit: '2kb' });
  });
  after(() => fake.close());

  for (const path of ['/', '/nope', '/v2/api', '/v2/api/matters', '/v1/clients', '/clients/a/b']) {
    it(`answers 404 NOT_FOUND in the envelope for ${path}`, async () => {
      const res = await fake.call('GET', path, { key: KEYS.acme });
      assert.equal(res.status, 404);
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.deepEqual(res.body, ENVELOPES.NOT_FOUND);
    });
  }

  for (const body of ['{', '{"nameFirst": }', "{'single': 'quotes'}", '{"a":1,}', 'nul', '{"a":1} trailing', '\u0000']) {
    it(`answers 400 BAD_REQUEST for malformed JSON ${JSON.stringify(body)}`, async () => {
      const res = await fake.call('POST', '/clients', { key: KEYS.acme, body });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, ENVELOPES.MALFORMED_JSON);
    });
  }

  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
    it(`answers 415 for a ${type} body`, async () => {
      const res = await fake.call('POST', '/clients', { key: KEYS.acme, body: 'nameFirst=Jane', headers: { 'Content-Type': type } });
      assert.equal(res.status, 415);
      assert.deepEqual(res.body, ENVELOPES.UNSUPPORTED_MEDIA_TYPE);
    });
  }

  it('answers 415 for a JSON body with an unsupported charset', async () => {
    const res = await fake.call('POST', '/clients', {
      key: KEYS.acme,
      body: '{}',
      headers: { 'Content-Type': 'application/json; charset=latin1' },
    });
    assert.equal(res.status, 415);
    assert.deepEqual(res.body, ENVELOPES.UNSUPPORTED_MEDIA_TYPE);
  });

  it('answers 415 for a body without a Content-Type', async () => {
    const res = await fetch(`${fake.url}/clients`, {
      method: 'POST',
      headers: { 'X-Api-Key': KEYS.acme },
      body: new Uint8Array(Buffer.from('{"nameFirst":"Jane"}')),
    });
    assert.equal(res.status, 415);
    assert.deepEqual(await res.json(), ENVELOPES.UNSUPPORTED_MEDIA_TYPE);
  });

  it('answers 422 Required for a POST without any body', async () => {
    const res = await fake.call('POST', '/clients', { key: KEYS.acme });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body, validationError([{ field: '', message: 'Required' }]));
  });

  it('answers 413 for a body over --body-limit, and accepts one just under it', async () => {
    const big = await fake.create({ metadata: { blob: 'x'.repeat(3000) } });
    assert.equal(big.status, 413);
    assert.deepEqual(big.body, ENVELOPES.PAYLOAD_TOO_LARGE);
    const fits = await fake.create({ metadata: { blob: 'x'.repeat(1900) } });
    assert.equal(fits.status, 201);
  });

  it('accepts a body nested 100 levels deep and answers 400 to one nested 101 levels deep', async () => {
    const nest = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    const fits = await fake.call('POST', '/clients', { key: KEYS.acme, body: `{"metadata":${nest(99)}}` });
    assert.equal(fits.status, 201);
    const deep = await fake.call('POST', '/clients', { key: KEYS.acme, body: `{"metadata":${nest(100)}}` });
    assert.equal(deep.status, 400);
    assert.deepEqual(deep.body, ENVELOPES.BODY_TOO_DEEP);
    assert.equal((await fake.call('GET', '/__admin/requests')).status, 200);
  });

  for (const [method, path, allow] of [
    ['DELETE', '/clients', 'GET, HEAD, POST'],
    ['PUT', '/clients', 'GET, HEAD, POST'],
    ['PATCH', '/v2/api/clients/clt_x', 'GET, HEAD'],
    ['DELETE', '/clients/clt_x', 'GET, HEAD'],
    ['POST', '/clients/clt_x', 'GET, HEAD'],
  ] as const) {
    it(`answers 405 with Allow for ${method} ${path}`, async () => {
      const res = await fake.call(method, path, { key: KEYS.acme });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), allow);
      assert.deepEqual(res.body, ENVELOPES.METHOD_NOT_ALLOWED);
    });
  }

  it('does not say what powers it, and sends no ETag', async () => {
    const res = await fake.call('GET', '/clients', { key: KEYS.acme });
    assert.equal(res.headers.get('x-powered-by'), null);
    assert.equal(res.headers.get('etag'), null);
  });
});
