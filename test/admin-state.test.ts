// GET/PUT /__admin/state: export and replace clients, checked like API input, written before answering.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ENVELOPES, validationError } from './support/envelopes.js';
import { withFake } from './support/fake.js';
import type { Reply } from './support/http.js';
import { KEYS, SEEDED_IDS } from './support/fixture-keys.js';
import { tempDir } from './support/temp-dir.js';

describe('/__admin/state', () => {
  it('exports every client or one organisation, in stored order', async (t) => {
    const fake = await withFake(t);
    const globex = (await fake.create({ nameFirst: 'G' }, KEYS.globex)).body;
    const all = await fake.call('GET', '/__admin/state');
    assert.deepEqual(
      all.body.clients.map((c: { id: string }) => c.id),
      [...SEEDED_IDS, globex.id],
    );
    // The create's event is listed too, with the client as the API answered it.
    const { webhookEvents, ...globexState } = (await fake.call('GET', '/__admin/state?orgId=org_globex')).body;
    assert.deepEqual(globexState, { clients: [globex], requests: [], webhooks: [], webhookDeliveries: [] });
    assert.deepEqual(
      webhookEvents.map((e: { type: string; data: unknown }) => [e.type, e.data]),
      [['client.created', globex]],
    );
    assert.deepEqual((await fake.call('GET', '/__admin/state?orgId=org_none')).body, {
      clients: [],
      requests: [],
      webhooks: [],
      webhookEvents: [],
      webhookDeliveries: [],
    });
  });

  it('round-trips: what one fake exports, another imports and serves the same', async (t) => {
    const source = await withFake(t);
    const target = await withFake(t, { seed: 'none', db: join(tempDir(), 'db.json') });
    await source.create({ nameFirst: 'Moved', metadata: { a: [1, { b: null }] } });
    const snapshot = await source.state.export();
    const res = await target.call('PUT', '/__admin/state', { body: snapshot });
    assert.deepEqual(res.body, { clients: 3, requests: 0, webhooks: 0, webhookEvents: 1, webhookDeliveries: 0 });
    assert.deepEqual(await target.state.export(), snapshot);
    const listed = await target.call('GET', '/clients', { key: KEYS.acme });
    assert.deepEqual(listed.body.data, [...snapshot.clients].reverse());
  });

  it('fills omitted fields like a create, replaces only the given organisation with ?orgId=, and writes the file first', async (t) => {
    const db = join(tempDir(), 'db.json');
    const fake = await withFake(t, { db, clock: '2026-03-03T03:03:03.003Z' });
    const res = await fake.call('PUT', '/__admin/state?orgId=org_globex', {
      body: { clients: [{ orgId: 'org_globex', businessName: 'Imported', memberType: 'business' }] },
    });
    assert.deepEqual(res.body, { clients: 1, requests: 0, webhooks: 0, webhookEvents: 0, webhookDeliveries: 0 });
    const stored = JSON.parse(readFileSync(db, 'utf8')).clients;
    assert.equal(stored.length, 3);
    const imported = stored[2];
    assert.match(imported.id, /^clt_[0-9a-hjkmnp-tv-z]{26}$/);
    assert.deepEqual(
      { ...imported, id: 'x' },
      {
        id: 'x',
        orgId: 'org_globex',
        nameFirst: null,
        nameLast: null,
        businessName: 'Imported',
        email: null,
        phone: null,
        externalId: null,
        memberType: 'business',
        addressLine1: null,
        addressLine2: null,
        city: null,
        region: null,
        postalCode: null,
        country: null,
        metadata: {},
        active: true,
        requestCount: 0,
        createdAt: '2026-03-03T03:03:03.003Z',
        updatedAt: '2026-03-03T03:03:03.003Z',
      },
    );
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme })).body.pagination.total, 2);
  });

  it('imports a body larger than --body-limit, parsed as it arrives, while other bodies keep the limit', async (t) => {
    const source = await withFake(t);
    for (let i = 0; i < 20; i++) await source.create({ nameFirst: `Client ${i}`, metadata: { note: 'x'.repeat(100) } });
    const snapshot = await source.state.export();
    const text = JSON.stringify(snapshot, null, 2);
    assert.ok(text.length > 4096);
    const target = await withFake(t, { seed: 'none', bodyLimit: '1kb' });
    // Chunked, with a byte order mark, spaced as a person would write it: still the same records.
    const res = await target.call('PUT', '/__admin/state', {
      body: inPieces(Buffer.from(`\ufeff${text}`), 100),
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    assert.deepEqual([res.status, res.body], [200, { clients: 22, requests: 0, webhooks: 0, webhookEvents: 20, webhookDeliveries: 0 }]);
    assert.deepEqual(await target.state.export(), snapshot);
    const tooLarge = { nameFirst: 'x'.repeat(2000) };
    assert.deepEqual(await statusAndBody(target.create(tooLarge)), [413, ENVELOPES.PAYLOAD_TOO_LARGE]);
    const fault = { status: 500, note: 'x'.repeat(2000) };
    assert.deepEqual(await statusAndBody(target.call('POST', '/__admin/faults', { body: fault })), [413, ENVELOPES.PAYLOAD_TOO_LARGE]);
  });

  it('answers a malformed import 400 and one without the admin token 401, reading neither into the store', async (t) => {
    const fake = await withFake(t, { adminToken: 'token-of-the-admin' });
    const admin = { Authorization: 'Bearer token-of-the-admin' };
    const before = await fake.state.export();
    const malformed = `{"clients":[${JSON.stringify(before.clients[0])},{"orgId":"org_acme",}]}`;
    assert.deepEqual(await statusAndBody(fake.call('PUT', '/__admin/state', { body: malformed, headers: admin })), [
      400,
      ENVELOPES.MALFORMED_JSON,
    ]);
    assert.deepEqual(await statusAndBody(fake.call('PUT', '/__admin/state', { body: { clients: [] } })), [
      401,
      ENVELOPES.ADMIN_UNAUTHORIZED,
    ]);
    assert.deepEqual(
      await statusAndBody(fake.call('PUT', '/__admin/state', { body: 'not json', headers: { ...admin, 'Content-Type': 'text/plain' } })),
      [415, ENVELOPES.UNSUPPORTED_MEDIA_TYPE],
    );
    assert.deepEqual(await fake.state.export(), before);
  });

  const INVALID: [string, unknown, { field: string; message: string }[]][] = [
    ['', [], [{ field: '', message: 'Expected object, received array' }]],
    ['', { clients: [{ nameFirst: 'No org' }] }, [{ field: 'clients.0.orgId', message: 'Required' }]],
    ['', { clients: [{ orgId: 'o', email: 'bad' }] }, [{ field: 'clients.0.email', message: 'Invalid email' }]],
    ['', { clients: [{ orgId: 'o', id: 'nope' }] }, [{ field: 'clients.0.id', message: 'Invalid' }]],
    [
      '',
      {
        clients: [
          { orgId: 'o', id: SEEDED_IDS[0] },
          { orgId: 'o', id: SEEDED_IDS[0] },
        ],
      },
      [{ field: 'clients.1.id', message: `Duplicate id ${SEEDED_IDS[0]}` }],
    ],
    [
      '?orgId=org_globex',
      { clients: [{ orgId: 'org_acme' }] },
      [{ field: 'clients.0.orgId', message: 'Invalid literal value, expected "org_globex"' }],
    ],
    [
      '?orgId=org_globex',
      { clients: [{ orgId: 'org_globex', id: SEEDED_IDS[0] }] },
      [{ field: 'clients.0.id', message: `Duplicate id ${SEEDED_IDS[0]}` }],
    ],
    ['', { clients: [], more: 1 }, [{ field: '', message: "Unrecognized key(s) in object: 'more'" }]],
  ];
  for (const [query, body, errors] of INVALID) {
    it(`rejects ${JSON.stringify(body)}${query} with 422 and changes nothing`, async (t) => {
      const fake = await withFake(t);
      const before = await fake.state.export();
      const res = await fake.call('PUT', `/__admin/state${query}`, { body });
      assert.deepEqual(res.body, validationError(errors));
      assert.deepEqual(await fake.state.export(), before);
    });
  }
});

async function statusAndBody(reply: Promise<Reply>): Promise<[number, unknown]> {
  const { status, body } = await reply;
  return [status, body];
}

/** A stream of `bytes` in pieces of `size`, as a slow client sends them. */
function inPieces(bytes: Buffer, size: number): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.length; at += size) controller.enqueue(bytes.subarray(at, at + size));
      controller.close();
    },
  });
}
