// Failure injection, three ways in (start-up rules, the admin API, Prefer: code=), plus magic keys:
// every forced answer equals the real one, nothing is counted or stored, and runs repeat by seed.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createClock } from '../src/clock.js';
import { DOCUMENTED, ENVELOPES, validationError } from './support/envelopes.js';
import { startTestFake, type TestFake, withFake } from './support/fake.js';
import { KEYS, MAGIC_KEYS } from './support/fixture-keys.js';
import { rateHeaders } from './support/http.js';
import { tempDir } from './support/temp-dir.js';
import { until } from './support/until.js';

/** What a forced 422 lists: the error of a bad email. */
const VALIDATION_FORCED = validationError([{ field: 'email', message: 'Invalid email' }]);

async function total(fake: TestFake, key: string = KEYS.acme): Promise<number> {
  return (await fake.call('GET', '/clients', { key, headers: {} })).body.pagination.total;
}

describe('Prefer: code=', () => {
  const CASES: [number, unknown][] = [
    [401, ENVELOPES.UNAUTHORIZED],
    [402, DOCUMENTED.PAYMENT_REQUIRED],
    [403, DOCUMENTED.FORBIDDEN],
    [404, ENVELOPES.NOT_FOUND],
    [422, VALIDATION_FORCED],
    [429, DOCUMENTED.RATE_LIMITED],
    [500, ENVELOPES.INTERNAL_ERROR],
    [503, ENVELOPES.SERVICE_UNAVAILABLE],
  ];
  for (const [status, body] of CASES) {
    it(`forces ${status} with the real body, counts nothing and stores nothing`, async (t) => {
      const fake = await withFake(t, { seed: 'none', rateLimit: 5 });
      const res = await fake.call('POST', '/v2/api/clients', {
        key: KEYS.acme,
        body: { nameFirst: 'Forced' },
        headers: { Prefer: `code=${status}` },
      });
      assert.equal(res.status, status);
      assert.deepEqual(res.body, body);
      const expectedHeaders =
        status === 429 ? { limit: '5', remaining: '0', retryAfter: '60' } : { limit: '5', remaining: '5', retryAfter: null };
      assert.deepEqual(rateHeaders(res.headers), expectedHeaders);
      const list = await fake.call('GET', '/clients', { key: KEYS.acme });
      assert.equal(list.body.pagination.total, 0);
      assert.equal(list.headers.get('x-ratelimit-remaining'), '4');
    });
  }

  it('answers 400 to a code that is not a number', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const res = await fake.call('GET', '/clients', { key: KEYS.acme, headers: { Prefer: 'code=teapot' } });
    assert.deepEqual(res.body, {
      code: 'BAD_REQUEST',
      message: 'Prefer: code=teapot is not supported; use one of 401, 402, 403, 404, 422, 429, 500, 503.',
      statusCode: 400,
    });
  });

  it('reads the code among other preferences', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const res = await fake.call('GET', '/clients', { key: KEYS.acme, headers: { Prefer: 'return=minimal, code=503' } });
    assert.equal(res.status, 503);
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme, headers: { Prefer: 'return=minimal' } })).status, 200);
  });

  it('answers 400 naming the supported codes for another code, and still needs a valid key', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const res = await fake.call('GET', '/clients', { key: KEYS.acme, headers: { Prefer: 'code=418' } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      code: 'BAD_REQUEST',
      message: 'Prefer: code=418 is not supported; use one of 401, 402, 403, 404, 422, 429, 500, 503.',
      statusCode: 400,
    });
    const noKey = await fake.call('GET', '/clients', { headers: { Prefer: 'code=500' } });
    assert.deepEqual(noKey.body, ENVELOPES.UNAUTHORIZED);
  });

  it('forces the same 429 as a real one, headers and body', async (t) => {
    const clock = createClock({ mode: 'frozen', at: Date.parse('2026-01-01T00:00:00.000Z') });
    const fake = await withFake(t, { seed: 'none', rateLimit: 1, rateWindow: 30 }, { clock });
    await fake.call('GET', '/clients', { key: KEYS.acme });
    clock.advance(10_000);
    const real = await fake.call('GET', '/clients', { key: KEYS.acme });
    const forced = await fake.call('GET', '/clients', { key: KEYS.globex, headers: { Prefer: 'code=429' } });
    const forcedSameKey = await fake.call('GET', '/clients', { key: KEYS.acme, headers: { Prefer: 'code=429' } });
    assert.equal(real.status, 429);
    assert.deepEqual(forced.body, real.body);
    assert.deepEqual(forcedSameKey.body, real.body);
    assert.deepEqual(rateHeaders(real.headers), { limit: '1', remaining: '0', retryAfter: '20' });
    assert.deepEqual(rateHeaders(forcedSameKey.headers), rateHeaders(real.headers));
    assert.deepEqual(rateHeaders(forced.headers), { limit: '1', remaining: '0', retryAfter: '30' });
  });
});

describe('magic keys', () => {
  const CASES: [string, number, unknown][] = [
    [MAGIC_KEYS.rateLimited, 429, DOCUMENTED.RATE_LIMITED],
    [MAGIC_KEYS.inactive, 402, DOCUMENTED.PAYMENT_REQUIRED],
    [MAGIC_KEYS.noApiPlan, 403, DOCUMENTED.FORBIDDEN],
    [KEYS.revoked, 401, ENVELOPES.UNAUTHORIZED],
  ];
  for (const [key, status, body] of CASES) {
    it(`${key.split('_')[2]} always answers ${status}, on every route, storing nothing`, async (t) => {
      const fake = await withFake(t, { seed: 'none' });
      for (const [method, path] of [
        ['POST', '/clients'],
        ['GET', '/v2/api/clients'],
        ['GET', '/clients/clt_x'],
      ] as const) {
        const res = await fake.call(method, path, { key, ...(method === 'POST' ? { body: { nameFirst: 'M' } } : {}) });
        assert.equal(res.status, status);
        assert.deepEqual(res.body, body);
      }
      assert.equal(await total(fake), 0);
    });
  }

  it('the rate-limited key carries the headers of a real 429', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const res = await fake.call('GET', '/clients', { key: MAGIC_KEYS.rateLimited });
    assert.deepEqual(rateHeaders(res.headers), { limit: '100', remaining: '0', retryAfter: '60' });
  });
});

describe('fault rules through the admin API', () => {
  it('stores a rule (201), lists it with remaining and hits, removes it one by one or all', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const added = await fake.call('POST', '/__admin/faults', { body: { method: 'POST', path: '/clients', status: 429, times: 2 } });
    assert.equal(added.status, 201);
    assert.deepEqual(added.body, { id: 'flt_1', method: 'POST', path: '/clients', status: 429, times: 2, remaining: 2, hits: 0 });
    const second = await fake.call('POST', '/__admin/faults', { body: { delayMs: 0 } });
    assert.deepEqual(second.body, { id: 'flt_2', method: '*', path: '*', delayMs: 0, remaining: null, hits: 0 });
    await fake.create({});
    const listed = await fake.call('GET', '/__admin/faults');
    assert.deepEqual(listed.body, {
      faults: [
        { id: 'flt_1', method: 'POST', path: '/clients', status: 429, times: 2, remaining: 1, hits: 1 },
        { id: 'flt_2', method: '*', path: '*', delayMs: 0, remaining: null, hits: 0 },
      ],
    });
    const removed = await fake.call('DELETE', '/__admin/faults/flt_1');
    assert.equal(removed.status, 204);
    assert.equal(removed.text, '');
    assert.deepEqual((await fake.call('DELETE', '/__admin/faults/flt_1')).body, ENVELOPES.NOT_FOUND);
    assert.equal((await fake.call('DELETE', '/__admin/faults')).status, 204);
    assert.deepEqual((await fake.call('GET', '/__admin/faults')).body, { faults: [] });
  });

  const INVALID: [unknown, { field: string; message: string }[]][] = [
    [{}, [{ field: '', message: 'A rule needs an effect: status, delayMs or network' }]],
    [{ status: 200 }, [{ field: 'status', message: 'Number must be greater than or equal to 400' }]],
    [{ status: '500' }, [{ field: 'status', message: 'Expected number, received string' }]],
    [{ status: 500, network: 'reset' }, [{ field: 'network', message: 'A rule has either a status or a network fault, not both' }]],
    [
      { network: 'explode' },
      [{ field: 'network', message: "Invalid enum value. Expected 'reset' | 'hang' | 'malformed', received 'explode'" }],
    ],
    [
      { delayMs: -1, probability: 1.5 },
      [
        { field: 'delayMs', message: 'Number must be greater than or equal to 0' },
        { field: 'probability', message: 'Number must be less than or equal to 1' },
      ],
    ],
    [{ status: 500, times: 0 }, [{ field: 'times', message: 'Number must be greater than or equal to 1' }]],
    [{ status: 500, colour: 'red' }, [{ field: '', message: "Unrecognized key(s) in object: 'colour'" }]],
    [{ status: 500, path: 'clients' }, [{ field: 'path', message: 'Invalid' }]],
    [
      { status: 500, headers: { 'Bad Header': 'x' } },
      [{ field: 'headers.Bad Header', message: "Invalid header name: use letters, digits and !#$%&'*+-.^_`|~" }],
    ],
    [
      { status: 500, headers: { 'X-Ok': 'a\r\nInjected: 1' } },
      [{ field: 'headers.X-Ok', message: 'Invalid header value: characters beyond Latin-1, NUL, CR and LF cannot be sent' }],
    ],
    [{ delayMs: 5, body: {} }, [{ field: 'body', message: 'body and headers go with a status' }]],
    [[], [{ field: '', message: 'Expected object, received array' }]],
  ];
  for (const [rule, errors] of INVALID) {
    it(`rejects ${JSON.stringify(rule)} with 422`, async (t) => {
      const fake = await withFake(t, { seed: 'none' });
      const res = await fake.call('POST', '/__admin/faults', { body: rule });
      assert.equal(res.status, 422);
      assert.deepEqual(res.body, validationError(errors));
      assert.deepEqual((await fake.call('GET', '/__admin/faults')).body, { faults: [] });
    });
  }
});

describe('fault rule effects', () => {
  it('times: "make the next two creates 429", then the rule is gone', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.faults.add({ method: 'POST', path: '/clients', status: 429, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fake.create({ nameFirst: `n${i}` })).status);
    assert.deepEqual(statuses, [429, 429, 201]);
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme })).status, 200);
    assert.deepEqual(await fake.faults.list(), []);
    assert.equal(await total(fake), 1);
  });

  it('matches the path with or without /v2/api, exactly or with *', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.faults.add({ method: 'GET', path: '/v2/api/clients/*', status: 503 });
    await fake.faults.add({ method: 'GET', path: '/clients', status: 500 });
    assert.equal((await fake.call('GET', '/clients/clt_a', { key: KEYS.acme })).status, 503);
    assert.equal((await fake.call('GET', '/v2/api/clients/clt_a', { key: KEYS.acme })).status, 503);
    assert.equal((await fake.call('GET', '/v2/api/clients', { key: KEYS.acme })).status, 500);
    assert.equal((await fake.call('GET', '/clients?page=2', { key: KEYS.acme })).status, 500);
    assert.equal((await fake.create({})).status, 201);
  });

  it('matches on apiKey (key or label) and orgId; first match wins', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.faults.add({ apiKey: 'globex', status: 402 });
    await fake.faults.add({ orgId: 'org_acme', method: 'GET', status: 403 });
    await fake.faults.add({ apiKey: KEYS.acme, status: 500 });
    await fake.faults.add({ status: 404 });
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.globex })).status, 402);
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme })).status, 403);
    assert.equal((await fake.create({})).status, 500);
    assert.deepEqual(
      (await fake.faults.list()).map((r) => r.hits),
      [1, 1, 1, 0],
    );
  });

  it('answers a custom body and extra headers, and a status outside the catalogue with its reason', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.faults.add({
      method: 'POST',
      status: 409,
      body: { code: 'CONFLICT', detail: 'x' },
      headers: { 'X-Trace': 'abc' },
      times: 1,
    });
    await fake.faults.add({ method: 'POST', status: 502, times: 1 });
    const custom = await fake.create({});
    assert.equal(custom.status, 409);
    assert.deepEqual(custom.body, { code: 'CONFLICT', detail: 'x' });
    assert.equal(custom.headers.get('x-trace'), 'abc');
    const gateway = await fake.create({});
    assert.deepEqual(gateway.body, { code: 'BAD_GATEWAY', message: 'Bad Gateway', statusCode: 502 });
    assert.equal(await total(fake), 0);
  });

  it('forced 422 and 401 equal real ones, and store nothing', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.faults.add({ method: 'POST', status: 422, times: 1 });
    const forced422 = await fake.create({ nameFirst: 'ok' });
    const real422 = await fake.create({ email: 'not-an-email' });
    assert.deepEqual(forced422.body, real422.body);
    await fake.faults.add({ method: 'POST', status: 401, times: 1 });
    const forced401 = await fake.create({ nameFirst: 'ok' });
    assert.equal(forced401.status, 401);
    assert.deepEqual(forced401.body, (await fake.create({}, 'wrong-key-0000')).body);
    assert.equal(await total(fake), 0);
  });

  it('a delay on its own waits, then lets the request through (and it is stored)', async (t) => {
    const waited: number[] = [];
    const fake = await withFake(t, { seed: 'none' }, { delay: async (ms) => void waited.push(ms) });
    await fake.faults.add({ method: 'GET', path: '/clients*', delayMs: 2000 });
    await fake.faults.add({ method: 'POST', delayMs: 300, times: 1 });
    const created = await fake.create({ nameFirst: 'Slow' });
    assert.equal(created.status, 201);
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme })).body.pagination.total, 1);
    assert.equal((await fake.call('GET', `/clients/${created.body.id}`, { key: KEYS.acme })).status, 200);
    assert.deepEqual(waited, [300, 2000, 2000]);
  });

  it('a delay before a status waits, then answers the status', async (t) => {
    const waited: number[] = [];
    const fake = await withFake(t, { seed: 'none' }, { delay: async (ms) => void waited.push(ms) });
    await fake.faults.add({ delayMs: 50, status: 503 });
    assert.equal((await fake.create({})).status, 503);
    assert.deepEqual(waited, [50]);
  });

  it('reset: the client sees the connection reset, and nothing is stored', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.faults.add({ method: 'POST', network: 'reset', times: 1 });
    await assert.rejects(fake.create({ nameFirst: 'Lost' }), (error: Error & { cause?: { code?: string } }) => {
      assert.equal(error.name, 'TypeError');
      assert.equal(error.cause?.code, 'ECONNRESET');
      return true;
    });
    assert.equal(await total(fake), 0);
  });

  it('malformed: a 201 whose JSON is cut short, and nothing is stored', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.faults.add({ network: 'malformed' });
    const res = await fetch(`${fake.url}/clients`, {
      method: 'POST',
      headers: { 'X-Api-Key': KEYS.acme, 'Content-Type': 'application/json' },
      body: JSON.stringify({ nameFirst: 'Half' }),
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    await assert.rejects(res.json(), SyntaxError);
    const list = await fetch(`${fake.url}/clients`, { headers: { 'X-Api-Key': KEYS.acme } });
    assert.equal(list.status, 200);
    assert.ok((await list.text()).startsWith('{"data":[{"id":"clt_'));
    await fake.faults.clear();
    assert.equal(await total(fake), 0);
  });

  it('malformed: also for a body that is not an object', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.faults.add({ network: 'malformed' });
    for (const body of ['null', '[]', '"text"']) {
      const res = await fake.call('POST', '/clients', { key: KEYS.acme, body });
      assert.equal(res.status, 201, body);
      assert.equal(res.body, undefined, `${body}: the JSON must be cut short`);
    }
  });

  it('hang: no answer until the client gives up; a hanging request does not hold close()', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.faults.add({ method: 'GET', path: '/clients', network: 'hang' });
    const rule = () => fake.fake.admin.faultRules.list()[0];
    let answered = false;
    const abort = new AbortController();
    const givenUp = fetch(`${fake.url}/clients`, { headers: { 'X-Api-Key': KEYS.acme }, signal: abort.signal }).then(() => {
      answered = true;
    });
    await until(() => rule()?.hits === 1);
    assert.equal(answered, false);
    abort.abort();
    await assert.rejects(givenUp, { name: 'AbortError' });
    const stillHanging = assert.rejects(fetch(`${fake.url}/clients`, { headers: { 'X-Api-Key': KEYS.acme } }), TypeError);
    await until(() => rule()?.hits === 2);
    await fake.close();
    await stillHanging;
  });
});

describe('delays and close()', () => {
  it('a long real delay does not hold close(): the waiting request is ended', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.faults.add({ method: 'POST', delayMs: 600_000 });
    const waiting = assert.rejects(fake.create({ nameFirst: 'Never' }), TypeError);
    await until(() => fake.fake.admin.faultRules.list()[0]?.hits === 1);
    await fake.close();
    await waiting;
  });
});

describe('probability', () => {
  const outcomes = async (seed: number): Promise<number[]> => {
    const fake = await startTestFake({ seed: 'none', randomSeed: seed, rateLimit: 0, fault: ['GET /clients status=503 probability=0.5'] });
    try {
      const statuses = [];
      for (let i = 0; i < 24; i++) statuses.push((await fake.call('GET', '/clients', { key: KEYS.acme })).status);
      return statuses;
    } finally {
      await fake.close();
    }
  };

  it('repeats the same sequence of outcomes for the same seed, another for another seed', async () => {
    const first = await outcomes(7);
    assert.deepEqual(await outcomes(7), first);
    assert.ok(first.includes(503) && first.includes(200), String(first));
    assert.notDeepEqual(await outcomes(8), first);
  });

  it('never fires at 0 and always at 1', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.faults.add({ status: 500, probability: 0 });
    await fake.faults.add({ status: 503, probability: 1 });
    for (let i = 0; i < 10; i++) assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme })).status, 503);
  });
});

describe('fault rule headers', () => {
  it('refuses a header Node cannot send or one that breaks framing with a 422 naming it, and adds nothing', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const euro = await fake.call('POST', '/__admin/faults', { body: { status: 500, headers: { 'X-Price': '5 €' } } });
    assert.equal(euro.status, 422);
    assert.deepEqual(
      euro.body,
      validationError([
        { field: 'headers.X-Price', message: 'Invalid header value: characters beyond Latin-1, NUL, CR and LF cannot be sent' },
      ]),
    );
    const framing = await fake.call('POST', '/__admin/faults', { body: { status: 500, headers: { 'Transfer-Encoding': 'gzip' } } });
    assert.equal(framing.status, 422);
    assert.deepEqual(
      framing.body,
      validationError([
        {
          field: 'headers.Transfer-Encoding',
          message: 'Transfer-Encoding frames the answer or governs the connection; a rule cannot set it',
        },
      ]),
    );
    assert.deepEqual(await fake.faults.list(), []);
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme })).status, 200);
  });

  it('refuses such a header in start-up rules, whichever door they come through', async () => {
    const file = join(tempDir(), 'faults.json');
    writeFileSync(file, JSON.stringify([{ status: 500, headers: { 'X-Nul': 'a\u0000b' } }]));
    await assert.rejects(startTestFake({ faults: file }), {
      message: `faults file ${file}: 0.headers.X-Nul: Invalid header value: characters beyond Latin-1, NUL, CR and LF cannot be sent`,
    });
    await assert.rejects(startTestFake({}, { faultRules: [{ status: 500, headers: { Connection: 'close' } }] }), {
      name: 'StartupError',
      message: 'fault rule 0.headers.Connection: Connection frames the answer or governs the connection; a rule cannot set it',
    });
  });
});

describe('start-up rules', () => {
  it('--fault rules and a --faults file apply from the first request, in order', async (t) => {
    const file = join(tempDir(), 'faults.json');
    writeFileSync(file, JSON.stringify([{ method: 'GET', path: '/clients/*', status: 404, times: 1 }]));
    const fake = await withFake(t, { seed: 'none', fault: ['POST /clients status=503 times=1'], faults: file });
    assert.equal((await fake.create({})).status, 503);
    assert.equal((await fake.call('GET', '/clients/x', { key: KEYS.acme })).status, 404);
    assert.deepEqual(await fake.faults.list(), []);
  });

  it('refuses a bad --faults file with one line naming it', async () => {
    const file = join(tempDir(), 'faults.json');
    writeFileSync(file, JSON.stringify([{ status: 500 }, { method: 'GET' }]));
    await assert.rejects(startTestFake({ faults: file }), (error: Error) => {
      assert.equal(error.message, `faults file ${file}: 1: A rule needs an effect: status, delayMs or network`);
      return true;
    });
    writeFileSync(file, JSON.stringify({ status: 500 }));
    await assert.rejects(startTestFake({ faults: file }), { message: `faults file ${file}: (root): Expected array, received object` });
  });
});
