// GET /clients: filters, the three orders and pagination, exactly as the contract says.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClientSeed } from '../src/resources/clients/records.js';
import { createClock } from '../src/clock.js';
import { startTestFake, type TestFake, withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';

type Listed = { id: string; nameFirst: string | null; businessName: string | null };

const at = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

// Created one minute apart in this order, so "newest first" is the reverse of this list.
const SEED: ClientSeed[] = [
  { orgId: 'org_acme', nameFirst: 'Jane', nameLast: 'Smith', email: 'jane@example.com', createdAt: at(1), requestCount: 3 },
  { orgId: 'org_acme', businessName: 'acme corp', memberType: 'business', email: 'legal@acme.com', createdAt: at(2), requestCount: 7 },
  { orgId: 'org_acme', nameFirst: 'Al', nameLast: 'Smithers', externalId: 'CRM-77', createdAt: at(3), active: false },
  { orgId: 'org_acme', businessName: 'Zeta Ltd', memberType: 'business', createdAt: at(4), requestCount: 7 },
  { orgId: 'org_acme', email: 'anon@example.com', createdAt: at(5) },
  { orgId: 'org_acme', nameFirst: 'bob', nameLast: 'adams', createdAt: at(6), active: false, requestCount: 1 },
  { orgId: 'org_globex', nameFirst: 'Other', nameLast: 'Org', createdAt: at(7) },
];
const label = (c: Listed): string => c.businessName ?? c.nameFirst ?? '(none)';

describe('GET /clients', () => {
  let fake: TestFake;
  const list = async (query = ''): Promise<{ data: Listed[]; pagination: Record<string, unknown> }> => {
    const res = await fake.call('GET', `/clients${query}`, { key: KEYS.acme });
    assert.equal(res.status, 200, res.text);
    return res.body;
  };
  before(async () => {
    fake = await startTestFake({}, { seed: { clients: SEED } });
  });
  after(() => fake.close());

  it('lists newest first by default with the pagination block', async () => {
    const body = await list();
    assert.deepEqual(body.data.map(label), ['bob', '(none)', 'Zeta Ltd', 'Al', 'acme corp', 'Jane']);
    assert.deepEqual(body.pagination, { page: 1, limit: 20, total: 6, totalPages: 1, hasNext: false, hasPrev: false });
  });

  it('sort=created_at is newest first too', async () => {
    assert.deepEqual((await list('?sort=created_at')).data.map(label), ['bob', '(none)', 'Zeta Ltd', 'Al', 'acme corp', 'Jane']);
  });

  it('sort=name orders by business name, else last then first name, case-insensitively; nameless last', async () => {
    assert.deepEqual((await list('?sort=name')).data.map(label), ['acme corp', 'bob', 'Jane', 'Al', 'Zeta Ltd', '(none)']);
  });

  it('sort=request_count is descending, newest first among equals', async () => {
    assert.deepEqual((await list('?sort=request_count')).data.map(label), ['Zeta Ltd', 'acme corp', 'Jane', 'bob', '(none)', 'Al']);
  });

  it('filters by memberType and by active', async () => {
    assert.deepEqual((await list('?memberType=business')).data.map(label), ['Zeta Ltd', 'acme corp']);
    assert.deepEqual((await list('?memberType=individual')).data.map(label), ['bob', '(none)', 'Al', 'Jane']);
    assert.deepEqual((await list('?active=false')).data.map(label), ['bob', 'Al']);
    assert.deepEqual((await list('?active=true&memberType=individual')).data.map(label), ['(none)', 'Jane']);
  });

  it('search matches names, full name, business name, email and externalId, case-insensitively', async () => {
    const cases: [string, string[]][] = [
      ['SMITH', ['Al', 'Jane']],
      ['jane smith', ['Jane']],
      ['ACME', ['acme corp']],
      ['example.com', ['(none)', 'Jane']],
      ['crm-7', ['Al']],
      ['zzz', []],
      ['', ['bob', '(none)', 'Zeta Ltd', 'Al', 'acme corp', 'Jane']],
    ];
    for (const [search, expected] of cases) {
      const body = await list(`?search=${encodeURIComponent(search)}`);
      assert.deepEqual(body.data.map(label), expected, search);
      assert.equal(body.pagination.total, expected.length);
    }
  });

  it('combines search with sort and pagination', async () => {
    const body = await list('?search=smith&sort=name&limit=1&page=2');
    assert.deepEqual(body.data.map(label), ['Al']);
    assert.deepEqual(body.pagination, { page: 2, limit: 1, total: 2, totalPages: 2, hasNext: false, hasPrev: true });
  });

  it('pages: first, middle, last, and beyond the last', async () => {
    const pages = await Promise.all([1, 2, 3, 4].map((page) => list(`?limit=2&page=${page}`)));
    assert.deepEqual(
      pages.map((p) => p.data.map(label)),
      [['bob', '(none)'], ['Zeta Ltd', 'Al'], ['acme corp', 'Jane'], []],
    );
    assert.deepEqual(
      pages.map((p) => p.pagination),
      [
        { page: 1, limit: 2, total: 6, totalPages: 3, hasNext: true, hasPrev: false },
        { page: 2, limit: 2, total: 6, totalPages: 3, hasNext: true, hasPrev: true },
        { page: 3, limit: 2, total: 6, totalPages: 3, hasNext: false, hasPrev: true },
        { page: 4, limit: 2, total: 6, totalPages: 3, hasNext: false, hasPrev: true },
      ],
    );
  });

  it('pages the same way with a filter (the indexed and the scanning paths agree)', async () => {
    const plain = await Promise.all([1, 2, 3, 4].map((page) => list(`?limit=4&page=${page}`)));
    const filtered = await Promise.all([1, 2, 3, 4].map((page) => list(`?limit=4&page=${page}&search=`)));
    assert.deepEqual(filtered, plain);
  });

  it('accepts the bounds of limit and a partial last page', async () => {
    assert.equal((await list('?limit=1')).data.length, 1);
    const body = await list('?limit=100');
    assert.equal(body.data.length, 6);
    assert.deepEqual(body.pagination, { page: 1, limit: 100, total: 6, totalPages: 1, hasNext: false, hasPrev: false });
    const partial = await list('?limit=4&page=2');
    assert.deepEqual(partial.data.map(label), ['acme corp', 'Jane']);
  });

  it('serves the list under /v2/api too', async () => {
    const res = await fake.call('GET', '/v2/api/clients?limit=1', { key: KEYS.acme });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.length, 1);
  });
});

describe('GET /clients on an empty store', () => {
  it('answers an empty page with totalPages 0', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    for (const query of ['', '?page=3', '?search=x&sort=name']) {
      const res = await fake.call('GET', `/clients${query}`, { key: KEYS.acme });
      assert.equal(res.status, 200);
      const page = query === '?page=3' ? 3 : 1;
      assert.deepEqual(res.body, {
        data: [],
        pagination: { page, limit: 20, total: 0, totalPages: 0, hasNext: false, hasPrev: page > 1 },
      });
    }
  });
});

describe('GET /clients with a clock moved back', () => {
  it('orders by creation time, not by arrival', async (t) => {
    const clock = createClock({ mode: 'frozen', at: Date.parse('2026-05-01T00:00:00.000Z') });
    const fake = await withFake(t, { seed: 'none' }, { clock });
    await fake.create({ nameFirst: 'May' });
    clock.set(Date.parse('2026-04-01T00:00:00.000Z'), true);
    await fake.create({ nameFirst: 'April' });
    clock.set(Date.parse('2026-06-01T00:00:00.000Z'), true);
    await fake.create({ nameFirst: 'June' });
    const res = await fake.call('GET', '/clients', { key: KEYS.acme });
    assert.deepEqual(
      res.body.data.map((c: Listed) => c.nameFirst),
      ['June', 'May', 'April'],
    );
  });
});
