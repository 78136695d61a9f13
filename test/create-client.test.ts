// POST /clients: the 201 answer, record shape and key order, ids, timestamps and Location.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClock } from '../src/clock.js';
import { startTestFake, type TestFake, withFake } from './support/fake.js';
import { RECORD_KEYS } from './support/contract-oracle.js';
import { KEYS } from './support/fixture-keys.js';
import { validationError } from './support/envelopes.js';

const FROZEN_AT = '2026-03-04T05:06:07.089Z';
const ID_PATTERN = /^clt_[0-7][0-9a-hjkmnp-tv-z]{25}$/;

describe('POST /clients', () => {
  let fake: TestFake;
  before(async () => {
    fake = await startTestFake({ seed: 'none' }, { clock: createClock({ mode: 'frozen', at: Date.parse(FROZEN_AT) }) });
  });
  after(() => fake.close());

  it('answers 201 with the whole record: every key in contract order, omitted fields null', async () => {
    const res = await fake.create({
      nameFirst: 'Jane',
      nameLast: 'Smith',
      email: 'jane@example.com',
      memberType: 'individual',
      country: 'CA',
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(Object.keys(res.body), RECORD_KEYS);
    assert.match(res.body.id, ID_PATTERN);
    assert.deepEqual(res.body, {
      id: res.body.id,
      orgId: 'org_acme',
      nameFirst: 'Jane',
      nameLast: 'Smith',
      businessName: null,
      email: 'jane@example.com',
      phone: null,
      externalId: null,
      memberType: 'individual',
      addressLine1: null,
      addressLine2: null,
      city: null,
      region: null,
      postalCode: null,
      country: 'CA',
      metadata: {},
      active: true,
      requestCount: 0,
      createdAt: FROZEN_AT,
      updatedAt: FROZEN_AT,
    });
  });

  it('keeps every field the body sets, metadata included', async () => {
    const body = {
      nameFirst: 'Ana',
      nameLast: 'Lima',
      businessName: 'Lima Ltda',
      email: 'ana@lima.com.br',
      phone: '+55 11 5555-0100',
      externalId: 'crm-42',
      memberType: 'business',
      addressLine1: 'Rua A, 1',
      addressLine2: 'Sala 2',
      city: 'São Paulo',
      region: 'SP',
      postalCode: '01000-000',
      country: 'BR',
      metadata: { tier: 'gold', nested: { a: [1, 2, null] } },
    };
    const res = await fake.create(body);
    assert.equal(res.status, 201);
    const { id, orgId, active, requestCount, createdAt, updatedAt, ...fields } = res.body;
    assert.deepEqual(fields, body);
    assert.deepEqual(
      { orgId, active, requestCount, createdAt, updatedAt },
      {
        orgId: 'org_acme',
        active: true,
        requestCount: 0,
        createdAt: FROZEN_AT,
        updatedAt: FROZEN_AT,
      },
    );
  });

  it('defaults memberType to individual and metadata to {}, and stores null for nullable fields', async () => {
    const res = await fake.create({ nameFirst: null, email: null, country: null });
    assert.equal(res.status, 201);
    assert.equal(res.body.memberType, 'individual');
    assert.deepEqual(res.body.metadata, {});
    assert.equal(res.body.nameFirst, null);
    assert.equal(res.body.email, null);
    assert.equal(res.body.country, null);
  });

  it('accepts an empty object, but an empty body sent as JSON is no body (the body is required)', async () => {
    assert.equal((await fake.create({})).status, 201);
    const empty = await fake.call('POST', '/clients', { key: KEYS.acme, headers: { 'Content-Type': 'application/json' } });
    assert.equal(empty.status, 422);
    assert.deepEqual(empty.body, validationError([{ field: '', message: 'Required' }]));
  });

  it('drops unknown and read-only keys instead of storing them', async () => {
    const res = await fake.create({
      nameFirst: 'Max',
      id: 'clt_chosen',
      orgId: 'org_globex',
      active: false,
      requestCount: 9,
      createdAt: '2000-01-01T00:00:00.000Z',
      updatedAt: '2000-01-01T00:00:00.000Z',
      favouriteColour: 'teal',
    });
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body), RECORD_KEYS);
    assert.notEqual(res.body.id, 'clt_chosen');
    assert.equal(res.body.orgId, 'org_acme');
    assert.equal(res.body.active, true);
    assert.equal(res.body.requestCount, 0);
    assert.equal(res.body.createdAt, FROZEN_AT);
  });

  it('gives every client its own id, increasing in creation order within one millisecond', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await fake.create({ nameFirst: `n${i}` })).body.id);
    assert.equal(new Set(ids).size, 5);
    assert.deepEqual([...ids].sort(), ids);
    for (const id of ids) assert.match(id, ID_PATTERN);
  });

  it('encodes the creation time in the id (a ULID)', async () => {
    const res = await fake.create({});
    const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
    const time = [...res.body.id.slice(4, 14)].reduce((ms: number, ch: string) => ms * 32 + alphabet.indexOf(ch), 0);
    assert.equal(time, Date.parse(FROZEN_AT));
  });

  it('sets Location to the new client under the path it was created at', async () => {
    const root = await fake.create({});
    assert.equal(root.headers.get('location'), `/clients/${root.body.id}`);
    const prefixed = await fake.call('POST', '/v2/api/clients', { key: KEYS.acme, body: {} });
    assert.equal(prefixed.status, 201);
    assert.equal(prefixed.headers.get('location'), `/v2/api/clients/${prefixed.body.id}`);
  });

  it('accepts a JSON content type with a charset or a +json suffix', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/vnd.athenty+json']) {
      const res = await fake.call('POST', '/clients', { key: KEYS.acme, body: { city: 'Oslo' }, headers: { 'Content-Type': type } });
      assert.equal(res.status, 201, type);
      assert.equal(res.body.city, 'Oslo');
    }
  });

  it('uses the organisation of the key that created the client', async () => {
    const res = await fake.create({ nameFirst: 'G' }, KEYS.globex);
    assert.equal(res.status, 201);
    assert.equal(res.body.orgId, 'org_globex');
  });

  it('timestamps follow the clock, in ISO 8601 UTC with milliseconds', async (t) => {
    const clock = createClock({ mode: 'frozen', at: Date.parse('2026-07-01T12:00:00.000Z') });
    const other = await withFake(t, { seed: 'none' }, { clock });
    clock.advance(1);
    const res = await other.create({});
    assert.equal(res.body.createdAt, '2026-07-01T12:00:00.001Z');
    assert.equal(res.body.updatedAt, '2026-07-01T12:00:00.001Z');
  });
});
