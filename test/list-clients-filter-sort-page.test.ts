// listClients(records, query), table-driven: which clients a search, memberType and active keep,
// the order of each sort, and the page and pagination block it answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listClients } from '../src/resources/clients/list.js';

type ClientRecord = Parameters<typeof listClients>[0][number];
type ListQuery = Parameters<typeof listClients>[1];
type Pagination = ReturnType<typeof listClients>['pagination'];

/** A stored client whose id is `id`; every field not given is as a create leaves it. */
function client(id: string, fields: Partial<ClientRecord> = {}): ClientRecord {
  return {
    id,
    orgId: 'org_acme',
    nameFirst: null,
    nameLast: null,
    businessName: null,
    email: null,
    phone: null,
    externalId: null,
    memberType: 'individual',
    addressLine1: null,
    addressLine2: null,
    city: null,
    region: null,
    postalCode: null,
    country: null,
    metadata: {},
    active: true,
    requestCount: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...fields,
  };
}

// In creation order, as the store keeps them: "newest first" is this list reversed.
const RECORDS: readonly ClientRecord[] = [
  client('jane', { nameFirst: 'Jane', nameLast: 'Smith', email: 'jane@example.com', requestCount: 3 }),
  client('acme', { businessName: 'acme corp', memberType: 'business', email: 'legal@acme.com', requestCount: 7 }),
  client('al', { nameFirst: 'Al', nameLast: 'Smithers', externalId: 'CRM-77', active: false }),
  client('zeta', { businessName: 'Zeta Ltd', memberType: 'business', requestCount: 7 }),
  client('anon', { email: 'anon@example.com', phone: '+1 555 0100', city: 'Smithville' }),
  client('bob', { nameFirst: 'bob', nameLast: 'adams', active: false, requestCount: 1 }),
  client('smith', { nameLast: 'Smith', requestCount: 3 }),
  client('young', { businessName: '', nameFirst: 'Ann', nameLast: 'Young', memberType: 'business' }),
  client('jane2', { nameFirst: 'JANE', nameLast: 'smith', externalId: 'crm-78' }),
];
const NEWEST_FIRST = RECORDS.map((r) => r.id).reverse();

const ids = (query: Partial<ListQuery>, records: readonly ClientRecord[] = RECORDS): string[] =>
  listClients(records, { page: 1, limit: 100, ...query }).data.map((r) => r.id);

describe('listClients: filters', () => {
  const CASES: [string, Partial<ListQuery>, string[]][] = [
    ['no filter keeps every client', {}, NEWEST_FIRST],
    ['search matches the first name', { search: 'bob' }, ['bob']],
    ['search matches the last name, anywhere in it', { search: 'mithe' }, ['al']],
    ['search matches first and last name with one space between', { search: 'jane smith' }, ['jane2', 'jane']],
    ['search does not match the names the other way round', { search: 'smith jane' }, []],
    ['search matches a full name only when both names are there', { search: ' smith' }, ['jane2', 'al', 'jane']],
    ['search matches the business name', { search: 'ltd' }, ['zeta']],
    ['search matches the email', { search: '@example.com' }, ['anon', 'jane']],
    ['search matches the externalId', { search: 'crm-7' }, ['jane2', 'al']],
    ['search ignores case, in the search and in the field', { search: 'SMITH' }, ['jane2', 'smith', 'al', 'jane']],
    ['search does not look at phone, city or other fields', { search: 'smithville' }, []],
    ['search does not look at the phone', { search: '555' }, []],
    ['search with no match keeps nothing', { search: 'zzz' }, []],
    ['memberType=business', { memberType: 'business' }, ['young', 'zeta', 'acme']],
    ['memberType=individual', { memberType: 'individual' }, ['jane2', 'smith', 'bob', 'anon', 'al', 'jane']],
    ['active=false', { active: 'false' }, ['bob', 'al']],
    ['active=true', { active: 'true' }, ['jane2', 'young', 'smith', 'anon', 'zeta', 'acme', 'jane']],
    [
      'filters combine: active=true and memberType=individual',
      { active: 'true', memberType: 'individual' },
      ['jane2', 'smith', 'anon', 'jane'],
    ],
    ['filters combine with search', { search: 'smith', active: 'true', memberType: 'individual' }, ['jane2', 'smith', 'jane']],
  ];
  for (const [name, query, expected] of CASES) {
    it(`${name}: ${JSON.stringify(query)}`, () => {
      assert.deepEqual(ids(query), expected);
    });
  }
});

describe('listClients: sorts', () => {
  const CASES: [string, Partial<ListQuery>, string[]][] = [
    ['no sort is newest first', {}, NEWEST_FIRST],
    ['created_at is newest first', { sort: 'created_at' }, NEWEST_FIRST],
    // acme corp; adams\0bob; smith\0 (no first name) before smith\0jane; smith\0jane (newer first);
    // smithers\0al; young\0ann (an empty business name does not count); zeta ltd; then the nameless.
    [
      'name: business name, else last then first name, case-insensitively; nameless last',
      { sort: 'name' },
      ['acme', 'bob', 'smith', 'jane2', 'jane', 'al', 'young', 'zeta', 'anon'],
    ],
    [
      'request_count: most first, newest first among equals',
      { sort: 'request_count' },
      ['zeta', 'acme', 'smith', 'jane', 'bob', 'jane2', 'young', 'anon', 'al'],
    ],
    ['a filter keeps the order: newest first', { memberType: 'business' }, ['young', 'zeta', 'acme']],
    ['a filter keeps the order: created_at', { active: 'false', sort: 'created_at' }, ['bob', 'al']],
    ['a filter keeps the order: name', { search: 'smith', sort: 'name' }, ['smith', 'jane2', 'jane', 'al']],
    [
      'a filter keeps the order: request_count',
      { memberType: 'individual', sort: 'request_count' },
      ['smith', 'jane', 'bob', 'jane2', 'anon', 'al'],
    ],
  ];
  for (const [name, query, expected] of CASES) {
    it(`${name}: ${JSON.stringify(query)}`, () => {
      assert.deepEqual(ids(query), expected);
    });
  }

  it('name: a first name alone sorts as an empty last name, before every last name', () => {
    const records = [client('zed', { nameLast: 'Aaron' }), client('cher', { nameFirst: 'Cher' }), client('none')];
    assert.deepEqual(ids({ sort: 'name' }, records), ['cher', 'zed', 'none']);
  });

  it('name: the whole last name comes before the first name (Van, Zed before Van Der, Al)', () => {
    const records = [
      client('van-der-al', { nameFirst: 'Al', nameLast: 'Van Der' }),
      client('van-zed', { nameFirst: 'Zed', nameLast: 'Van' }),
    ];
    assert.deepEqual(ids({ sort: 'name' }, records), ['van-zed', 'van-der-al']);
  });

  it('name: clients without any name keep newest first among themselves', () => {
    const records = [
      client('n1', { email: 'a@x.io' }),
      client('n2'),
      client('named', { nameFirst: 'Z' }),
      client('n3', { businessName: '' }),
    ];
    assert.deepEqual(ids({ sort: 'name' }, records), ['named', 'n3', 'n2', 'n1']);
  });
});

describe('listClients: pages', () => {
  const page = (page: number, limit: number, total: number, totalPages: number, hasNext: boolean, hasPrev: boolean): Pagination => ({
    page,
    limit,
    total,
    totalPages,
    hasNext,
    hasPrev,
  });
  const CASES: [string, ListQuery, string[], Pagination][] = [
    ['the first page', { page: 1, limit: 4 }, ['jane2', 'young', 'smith', 'bob'], page(1, 4, 9, 3, true, false)],
    ['a middle page', { page: 2, limit: 4 }, ['anon', 'zeta', 'al', 'acme'], page(2, 4, 9, 3, true, true)],
    ['a partial last page', { page: 3, limit: 4 }, ['jane'], page(3, 4, 9, 3, false, true)],
    ['the page after the last', { page: 4, limit: 4 }, [], page(4, 4, 9, 3, false, true)],
    ['a page far past the end', { page: 1000, limit: 4 }, [], page(1000, 4, 9, 3, false, true)],
    ['one page holding everything', { page: 1, limit: 100 }, NEWEST_FIRST, page(1, 100, 9, 1, false, false)],
    ['a limit of exactly the total', { page: 1, limit: 9 }, NEWEST_FIRST, page(1, 9, 9, 1, false, false)],
    ['a limit of 1', { page: 9, limit: 1 }, ['jane'], page(9, 1, 9, 9, false, true)],
    [
      'a filtered first page counts only the matches',
      { page: 1, limit: 2, memberType: 'individual' },
      ['jane2', 'smith'],
      page(1, 2, 6, 3, true, false),
    ],
    ['a filtered last page', { page: 3, limit: 2, memberType: 'individual' }, ['al', 'jane'], page(3, 2, 6, 3, false, true)],
    ['a filtered page past the end', { page: 4, limit: 2, memberType: 'individual' }, [], page(4, 2, 6, 3, false, true)],
    ['a sorted second page', { page: 2, limit: 3, sort: 'name' }, ['jane2', 'jane', 'al'], page(2, 3, 9, 3, true, true)],
    ['a sorted page past the end', { page: 5, limit: 3, sort: 'request_count' }, [], page(5, 3, 9, 3, false, true)],
    ['a search that matches nothing', { page: 1, limit: 20, search: 'zzz' }, [], page(1, 20, 0, 0, false, false)],
  ];
  for (const [name, query, expected, pagination] of CASES) {
    it(`${name}: ${JSON.stringify(query)}`, () => {
      const list = listClients(RECORDS, query);
      assert.deepEqual(
        list.data.map((r) => r.id),
        expected,
      );
      assert.deepEqual(list.pagination, pagination);
    });
  }

  const EMPTY: [string, ListQuery, Pagination][] = [
    ['first page', { page: 1, limit: 20 }, page(1, 20, 0, 0, false, false)],
    ['a later page', { page: 3, limit: 20 }, page(3, 20, 0, 0, false, true)],
    ['sorted by name', { page: 1, limit: 20, sort: 'name' }, page(1, 20, 0, 0, false, false)],
    ['filtered', { page: 2, limit: 5, active: 'true' }, page(2, 5, 0, 0, false, true)],
  ];
  for (const [name, query, pagination] of EMPTY) {
    it(`an organisation without clients, ${name}: an empty page with totalPages 0`, () => {
      assert.deepEqual(listClients([], query), { data: [], pagination });
    });
  }
});
