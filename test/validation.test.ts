// 422 VALIDATION_ERROR: every validation case of the contract, word for word as Zod 3 reports it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectedErrors, expectedQueryErrors } from './support/contract-oracle.js';
import { validationError } from './support/envelopes.js';
import { startTestFake, type TestFake, withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';

const LONG_COUNTRY_LIST_START = "Invalid enum value. Expected 'AD' | 'AE' | 'AF'";

// [case, body, the errors the contract lists for it]
const BODY_CASES: [string, unknown, { field: string; message: string }[]][] = [
  ['number for a string', { nameFirst: 42 }, [{ field: 'nameFirst', message: 'Expected string, received number' }]],
  ['boolean for a string', { city: true }, [{ field: 'city', message: 'Expected string, received boolean' }]],
  ['array for a string', { phone: ['1'] }, [{ field: 'phone', message: 'Expected string, received array' }]],
  ['object for a string', { externalId: { a: 1 } }, [{ field: 'externalId', message: 'Expected string, received object' }]],
  ['bad email', { email: 'not-an-email' }, [{ field: 'email', message: 'Invalid email' }]],
  ['email with a double dot', { email: 'a..b@example.com' }, [{ field: 'email', message: 'Invalid email' }]],
  ['number for email', { email: 7 }, [{ field: 'email', message: 'Expected string, received number' }]],
  [
    'bad enum',
    { memberType: 'person' },
    [{ field: 'memberType', message: "Invalid enum value. Expected 'individual' | 'business', received 'person'" }],
  ],
  [
    'enum in the wrong case',
    { memberType: 'Business' },
    [{ field: 'memberType', message: "Invalid enum value. Expected 'individual' | 'business', received 'Business'" }],
  ],
  ['null memberType', { memberType: null }, [{ field: 'memberType', message: "Expected 'individual' | 'business', received null" }]],
  ['number memberType', { memberType: 1 }, [{ field: 'memberType', message: "Expected 'individual' | 'business', received number" }]],
  ['array metadata', { metadata: [1] }, [{ field: 'metadata', message: 'Expected object, received array' }]],
  ['null metadata', { metadata: null }, [{ field: 'metadata', message: 'Expected object, received null' }]],
  ['string metadata', { metadata: 'x' }, [{ field: 'metadata', message: 'Expected object, received string' }]],
  [
    'several problems, in field order',
    { metadata: 1, email: 'x', nameFirst: 1 },
    [
      { field: 'nameFirst', message: 'Expected string, received number' },
      { field: 'email', message: 'Invalid email' },
      { field: 'metadata', message: 'Expected object, received number' },
    ],
  ],
  ['body is an array', [], [{ field: '', message: 'Expected object, received array' }]],
  ['body is a string', 'hello', [{ field: '', message: 'Expected object, received string' }]],
  ['body is a number', 12, [{ field: '', message: 'Expected object, received number' }]],
  ['body is null', null, [{ field: '', message: 'Expected object, received null' }]],
  ['body is true', true, [{ field: '', message: 'Expected object, received boolean' }]],
];

describe('create body validation', () => {
  let fake: TestFake;
  let strict: TestFake;
  before(async () => {
    fake = await startTestFake({ seed: 'none' });
    strict = await startTestFake({ seed: 'none', strict: true });
  });
  after(async () => {
    await fake.close();
    await strict.close();
  });

  for (const [name, body, errors] of BODY_CASES) {
    it(`answers 422 for ${name}`, async () => {
      const res = await fake.call('POST', '/clients', { key: KEYS.acme, body: JSON.stringify(body) });
      assert.equal(res.status, 422);
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.deepEqual(res.body, validationError(errors));
      // The contract's wording is Zod 3's: the independent Zod model agrees.
      assert.deepEqual(expectedErrors(body), errors);
    });
  }

  it('rejects an unknown country code with the enum wording, listing the codes', async () => {
    for (const country of ['XX', 'ca', 'CAN', '']) {
      const res = await fake.create({ country });
      assert.equal(res.status, 422, country);
      const [error] = res.body.errors;
      assert.equal(error.field, 'country');
      assert.ok(error.message.startsWith(LONG_COUNTRY_LIST_START), error.message);
      assert.ok(error.message.endsWith(`| 'ZW', received '${country}'`), error.message);
      assert.deepEqual(res.body.errors, expectedErrors({ country }));
    }
  });

  it('accepts every ISO 3166-1 alpha-2 code', async () => {
    for (const country of ['CA', 'US', 'GB', 'DE', 'BR', 'JP', 'ZA', 'AX', 'SS']) {
      assert.equal((await fake.create({ country })).status, 201, country);
    }
  });

  it('accepts the addresses Zod accepts and rejects the ones it rejects', async () => {
    const emails = ['a@b.co', 'first.last+tag@sub.example.org', "o'neil@example.ie", 'x@y', '.a@b.co', 'a@b.c', 'a b@c.de', 'a@-b.com'];
    for (const email of emails) {
      const res = await fake.create({ email });
      assert.equal(res.status, expectedErrors({ email }).length === 0 ? 201 : 422, email);
    }
  });

  it('drops unknown keys unless strict; strict lists them in one error after the field errors', async () => {
    const body = { nameFirst: 3, foo: 1, id: 'clt_x', bar: { z: 1 } };
    const lenient = await fake.create(body);
    assert.deepEqual(lenient.body, validationError([{ field: 'nameFirst', message: 'Expected string, received number' }]));
    const res = await strict.create(body);
    assert.equal(res.status, 422);
    assert.deepEqual(
      res.body,
      validationError([
        { field: 'nameFirst', message: 'Expected string, received number' },
        { field: '', message: "Unrecognized key(s) in object: 'foo', 'id', 'bar'" },
      ]),
    );
    assert.deepEqual(res.body.errors, expectedErrors(body, true));
  });

  it('in strict mode rejects read-only keys and still accepts a clean body', async () => {
    const res = await strict.create({ createdAt: '2026-01-01T00:00:00.000Z' });
    assert.deepEqual(res.body, validationError([{ field: '', message: "Unrecognized key(s) in object: 'createdAt'" }]));
    assert.equal((await strict.create({ nameFirst: 'Ok', metadata: { anything: [1] } })).status, 201);
  });

  it('creates nothing when a body is rejected', async (t) => {
    const other = await withFake(t, { seed: 'none' });
    await other.create({ email: 'nope' });
    await other.create([]);
    const list = await other.call('GET', '/clients', { key: KEYS.acme });
    assert.equal(list.body.pagination.total, 0);
  });
});

// [query string, the errors the contract lists for it]
const QUERY_CASES: [string, { field: string; message: string }[]][] = [
  ['page=0', [{ field: 'page', message: 'Number must be greater than or equal to 1' }]],
  ['page=-3', [{ field: 'page', message: 'Number must be greater than or equal to 1' }]],
  ['page=abc', [{ field: 'page', message: 'Expected number, received nan' }]],
  ['page=1.5', [{ field: 'page', message: 'Expected integer, received float' }]],
  [
    'page=0.5',
    [
      { field: 'page', message: 'Expected integer, received float' },
      { field: 'page', message: 'Number must be greater than or equal to 1' },
    ],
  ],
  ['page=', [{ field: 'page', message: 'Number must be greater than or equal to 1' }]],
  ['page=1&page=2', [{ field: 'page', message: 'Expected number, received nan' }]],
  ['limit=0', [{ field: 'limit', message: 'Number must be greater than or equal to 1' }]],
  ['limit=101', [{ field: 'limit', message: 'Number must be less than or equal to 100' }]],
  ['limit=2.5', [{ field: 'limit', message: 'Expected integer, received float' }]],
  ['memberType=person', [{ field: 'memberType', message: "Invalid enum value. Expected 'individual' | 'business', received 'person'" }]],
  ['active=yes', [{ field: 'active', message: "Invalid enum value. Expected 'true' | 'false', received 'yes'" }]],
  ['sort=newest', [{ field: 'sort', message: "Invalid enum value. Expected 'name' | 'created_at' | 'request_count', received 'newest'" }]],
  ['search=a&search=b', [{ field: 'search', message: 'Expected string, received array' }]],
  [
    'page=0&limit=500&sort=x',
    [
      { field: 'sort', message: "Invalid enum value. Expected 'name' | 'created_at' | 'request_count', received 'x'" },
      { field: 'page', message: 'Number must be greater than or equal to 1' },
      { field: 'limit', message: 'Number must be less than or equal to 100' },
    ],
  ],
];

describe('list query validation', () => {
  let fake: TestFake;
  before(async () => {
    fake = await startTestFake({ seed: 'none' });
  });
  after(() => fake.close());

  for (const [query, errors] of QUERY_CASES) {
    it(`answers 422 for ?${query}`, async () => {
      const res = await fake.call('GET', `/clients?${query}`, { key: KEYS.acme });
      assert.equal(res.status, 422);
      assert.deepEqual(res.body, validationError(errors));
      assert.deepEqual(expectedQueryErrors(Object.fromEntries(groupQuery(query))), errors);
    });
  }

  it('ignores query parameters it does not know', async () => {
    const res = await fake.call('GET', '/clients?foo=bar&page=1', { key: KEYS.acme });
    assert.equal(res.status, 200);
  });
});

/** The query as express's simple parser sees it: repeated names become arrays. */
function groupQuery(query: string): [string, unknown][] {
  const grouped = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(query)) grouped.set(k, [...(grouped.get(k) ?? []), v]);
  return [...grouped].map(([k, v]) => [k, v.length === 1 ? v[0] : v]);
}
