// The request journal: what each API request sent and got, filters, count, clear, masking and cap.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENVELOPES, validationError } from './support/envelopes.js';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';

const START = '2026-04-01T08:00:00.000Z';

/** The headers Node's fetch sends besides those a test gives. */
function fetchHeaders(fake: { port: number }, given: Record<string, string>): Record<string, string> {
  return {
    host: `127.0.0.1:${fake.port}`,
    connection: 'keep-alive',
    ...given,
    accept: '*/*',
    'accept-language': '*',
    'sec-fetch-mode': 'cors',
    'user-agent': 'node',
    'accept-encoding': 'gzip, deflate',
  };
}

describe('GET /__admin/requests', () => {
  it('records each API request, oldest first, with headers, bodies, status, org, masked key and duration', async (t) => {
    const fake = await withFake(t, { seed: 'none', clock: START });
    const created = await fake.call('POST', '/v2/api/clients?src=test', { key: KEYS.acme, body: { nameFirst: 'J', extra: 1 } });
    await fake.call('GET', '/clients', { key: 'wrong-key-1234' });
    const res = await fake.call('GET', '/__admin/requests');
    assert.equal(res.status, 200);
    const [first, second] = res.body.requests;
    assert.equal(res.body.requests.length, 2);
    assert.equal(typeof first.durationMs, 'number');
    assert.deepEqual(
      { ...first, durationMs: 0 },
      {
        id: 'req_1',
        at: START,
        method: 'POST',
        path: '/v2/api/clients',
        query: { src: 'test' },
        status: 201,
        orgId: 'org_acme',
        apiKey: '****p8Zc',
        requestHeaders: fetchHeaders(fake, { 'x-api-key': '****p8Zc', 'content-type': 'application/json', 'content-length': '27' }),
        requestBody: { nameFirst: 'J', extra: 1 },
        responseHeaders: {
          'x-ratelimit-limit': '100',
          'x-ratelimit-remaining': '99',
          location: `/v2/api/clients/${created.body.id}`,
          'content-type': 'application/json; charset=utf-8',
          'content-length': created.headers.get('content-length'),
        },
        responseBody: created.body,
        durationMs: 0,
        fault: null,
      },
    );
    assert.deepEqual(
      { ...second, durationMs: 0 },
      {
        id: 'req_2',
        at: START,
        method: 'GET',
        path: '/clients',
        query: {},
        status: 401,
        orgId: null,
        apiKey: '****1234',
        requestHeaders: fetchHeaders(fake, { 'x-api-key': '****1234' }),
        requestBody: null,
        responseHeaders: { 'content-type': 'application/json; charset=utf-8', 'content-length': '69' },
        responseBody: ENVELOPES.UNAUTHORIZED,
        durationMs: 0,
        fault: null,
      },
    );
    assert.ok(!JSON.stringify(res.body).includes(KEYS.acme));
  });

  it('journals failures too: malformed JSON, unknown routes, injected faults (with the rule id), dropped connections', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.call('POST', '/clients', { key: KEYS.acme, body: '{bad' });
    await fake.call('GET', '/nowhere', { key: KEYS.acme });
    const rule = await fake.faults.add({ method: 'POST', status: 503, times: 1 });
    await fake.create({});
    await fake.faults.add({ method: 'POST', network: 'reset', times: 1 });
    await assert.rejects(fake.create({}));
    const entries = await fake.requests();
    assert.deepEqual(
      entries.map((e) => [e.method, e.path, e.status, e.fault]),
      [
        ['POST', '/clients', 400, null],
        ['GET', '/nowhere', 404, null],
        ['POST', '/clients', 503, rule.id],
        ['POST', '/clients', 0, 'flt_2'],
      ],
    );
  });

  it('filters by method, path pattern, status, orgId, since and limit', async (t) => {
    const fake = await withFake(t, { seed: 'none', clock: START });
    await fake.create({ nameFirst: '1' });
    await fake.clock.advance(1000);
    await fake.create({ email: 'bad' }, KEYS.globex);
    await fake.call('GET', '/v2/api/clients?limit=5', { key: KEYS.acme });
    await fake.call('GET', '/clients/clt_x', { key: KEYS.acme });
    const ids = async (query: string): Promise<string[]> =>
      (await fake.call('GET', `/__admin/requests${query}`)).body.requests.map((e: { id: string }) => e.id);
    assert.deepEqual(await ids('?method=post'), ['req_1', 'req_2']);
    assert.deepEqual(await ids('?path=/clients'), ['req_1', 'req_2', 'req_3']);
    assert.deepEqual(await ids('?path=/v2/api/clients/*'), ['req_4']);
    assert.deepEqual(await ids('?status=422'), ['req_2']);
    assert.deepEqual(await ids('?orgId=org_acme'), ['req_1', 'req_3', 'req_4']);
    assert.deepEqual(await ids('?since=2026-04-01T08:00:01.000Z'), ['req_2', 'req_3', 'req_4']);
    assert.deepEqual(await ids('?limit=2'), ['req_3', 'req_4']);
    assert.deepEqual(await ids('?method=GET&status=404&orgId=org_acme'), ['req_4']);
  });

  it('rejects bad filters with 422', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const res = await fake.call('GET', '/__admin/requests?status=abc&limit=0&since=yesterday&colour=red');
    assert.deepEqual(
      res.body,
      validationError([
        { field: 'status', message: 'Expected number, received nan' },
        { field: 'since', message: 'Invalid datetime' },
        { field: 'limit', message: 'Number must be greater than or equal to 1' },
        { field: '', message: "Unrecognized key(s) in object: 'colour'" },
      ]),
    );
  });

  it('?after=N is a cursor: the entries after req_N, with the other filters and limit; the handles take it too', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    for (let i = 1; i <= 4; i++) await fake.create({ nameFirst: `n${i}` });
    await fake.call('GET', '/clients', { key: KEYS.globex });
    const ids = async (query: string): Promise<string[]> =>
      (await fake.call('GET', `/__admin/journal${query}`)).body.requests.map((e: { id: string }) => e.id);
    assert.deepEqual(await ids('?after=0'), ['req_1', 'req_2', 'req_3', 'req_4', 'req_5']);
    assert.deepEqual(await ids('?after=3'), ['req_4', 'req_5']);
    assert.deepEqual(await ids('?after=3&method=POST'), ['req_4']);
    assert.deepEqual(await ids('?after=1&limit=2'), ['req_4', 'req_5']);
    assert.deepEqual(await ids('?after=5'), []);
    assert.deepEqual(await ids('?after=99'), []);
    assert.deepEqual(
      (await fake.journal.list({ after: 2, orgId: 'org_acme' })).map((e) => e.id),
      ['req_3', 'req_4'],
    );
    assert.equal(await fake.journal.count({ after: 2 }), 3);
    assert.deepEqual((await fake.call('POST', '/__admin/journal/count', { body: { after: 4 } })).body, { count: 1 });
    const bad = await fake.call('GET', '/__admin/journal?after=-1');
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body, validationError([{ field: 'after', message: 'Number must be greater than or equal to 0' }]));
    assert.deepEqual(
      (await fake.call('GET', '/__admin/journal?after=x')).body,
      validationError([{ field: 'after', message: 'Expected number, received nan' }]),
    );

    // A whole reset restarts the ids, so a cursor from before it skips entries: the inspector
    // checks that its last entry comes back first (see the README).
    await fake.reset();
    await fake.create({ nameFirst: 'again' });
    assert.deepEqual(await ids('?after=0'), ['req_1']);
  });

  it('masks credentials among the request headers, and keeps no answer headers for an answer never sent', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.call('GET', '/clients', {
      key: KEYS.acme,
      headers: { Authorization: 'Bearer secret-value-9876', Cookie: 'session=abcdefgh1234', 'X-Trace': 'kept as sent' },
    });
    await fake.faults.add({ network: 'reset', times: 1 });
    await assert.rejects(fake.create({}));
    const [listed, dropped] = await fake.journal.list();
    assert.equal(listed?.requestHeaders['x-api-key'], '****p8Zc');
    assert.equal(listed?.requestHeaders.authorization, '****9876');
    assert.equal(listed?.requestHeaders.cookie, '****1234');
    assert.equal(listed?.requestHeaders['x-trace'], 'kept as sent');
    assert.ok(!JSON.stringify(listed).includes('secret-value'));
    assert.deepEqual([dropped?.status, dropped?.responseHeaders], [0, {}]);
  });

  it('counts matching requests with POST /__admin/requests/count', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.create({});
    await fake.create({});
    await fake.call('GET', '/clients', { key: KEYS.acme });
    const count = async (body: unknown) => (await fake.call('POST', '/__admin/requests/count', { body })).body;
    assert.deepEqual(await count({ method: 'POST', path: '/clients' }), { count: 2 });
    assert.deepEqual(await count({}), { count: 3 });
    assert.deepEqual(await count({ status: 500 }), { count: 0 });
    assert.equal((await fake.call('POST', '/__admin/requests/count', { body: { status: 'x' } })).status, 422);
    assert.equal(await fake.countRequests({ method: 'GET' }), 1);
  });

  it('DELETE /__admin/requests clears it; admin calls are never journaled', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.create({});
    await fake.call('GET', '/__admin/health');
    await fake.call('GET', '/openapi.json');
    assert.equal((await fake.requests()).length, 1);
    assert.equal((await fake.call('DELETE', '/__admin/requests')).status, 204);
    assert.deepEqual((await fake.call('GET', '/__admin/requests')).body, { requests: [] });
  });

  it('keeps a body over 64 KB as a marker with its size, and smaller ones as they are', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const big = { nameFirst: 'Big', metadata: { blob: 'x'.repeat(70_000) } };
    const bigText = JSON.stringify(big);
    const created = await fake.call('POST', '/clients', { key: KEYS.acme, body: bigText });
    assert.equal(created.status, 201);
    // Chunked, so the size comes from the parsed body rather than Content-Length.
    const chunked = await fetch(`${fake.url}/clients`, {
      method: 'POST',
      headers: { 'X-Api-Key': KEYS.acme, 'Content-Type': 'application/json' },
      body: new Blob([bigText]).stream(),
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.status, 201);
    const chunkedText = await chunked.text();
    await fake.create({ nameFirst: 'Small' });
    const [first, second, small] = await fake.journal.list();
    assert.deepEqual(
      [first?.requestBody, first?.responseBody],
      [
        { truncated: true, bytes: Buffer.byteLength(bigText) },
        { truncated: true, bytes: Buffer.byteLength(created.text) },
      ],
    );
    assert.deepEqual(
      [second?.requestBody, second?.responseBody],
      [
        { truncated: true, bytes: Buffer.byteLength(bigText) },
        { truncated: true, bytes: Buffer.byteLength(chunkedText) },
      ],
    );
    assert.deepEqual(small?.requestBody, { nameFirst: 'Small' });
    assert.equal((small?.responseBody as { nameFirst?: string } | undefined)?.nameFirst, 'Small');
  });

  it('keeps at most --journal-bytes, dropping the oldest entries, and answers the listing', async (t) => {
    const fake = await withFake(t, { seed: 'none', journalBytes: '250kb', bodyLimit: '2mb' });
    // Each create sends about 60 KB and gets as much back: two fit in 250 KB.
    for (let i = 1; i <= 10; i++) {
      assert.equal((await fake.create({ nameFirst: `n${i}`, metadata: { blob: 'x'.repeat(60_000) } })).status, 201);
    }
    const res = await fake.call('GET', '/__admin/journal');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.requests.map((e: { id: string; requestBody: { nameFirst: string } }) => [e.id, e.requestBody.nameFirst]),
      [
        ['req_9', 'n9'],
        ['req_10', 'n10'],
      ],
    );
    // One entry larger than the bound on its own is still kept: the newest always is.
    const tiny = await withFake(t, { seed: 'none', journalBytes: '1kb' });
    await tiny.create({ nameFirst: 'a' });
    await tiny.create({ nameFirst: 'b', metadata: { blob: 'x'.repeat(2_000) } });
    assert.deepEqual(
      (await tiny.journal.list()).map((e) => e.id),
      ['req_2'],
    );
  });

  it('counts the headers kept against --journal-bytes too', async (t) => {
    const fake = await withFake(t, { seed: 'none', journalBytes: '20kb' });
    // Bodiless GETs whose 8 KB header is all they weigh: two fit in 20 KB, three do not.
    for (let i = 1; i <= 4; i++) await fake.call('GET', '/clients', { key: KEYS.acme, headers: { 'X-Pad': `${i}`.repeat(8_000) } });
    const kept = await fake.journal.list();
    assert.deepEqual(
      kept.map((e) => [e.id, e.requestHeaders['x-pad']?.length]),
      [
        ['req_3', 8_000],
        ['req_4', 8_000],
      ],
    );
  });

  it('keeps only the newest --journal-size entries', async (t) => {
    const fake = await withFake(t, { seed: 'none', journalSize: 3 });
    for (let i = 1; i <= 5; i++) await fake.create({ nameFirst: `n${i}` });
    const entries = await fake.requests();
    assert.deepEqual(
      entries.map((e) => [e.id, (e.requestBody as { nameFirst: string }).nameFirst]),
      [
        ['req_3', 'n3'],
        ['req_4', 'n4'],
        ['req_5', 'n5'],
      ],
    );
  });
});
