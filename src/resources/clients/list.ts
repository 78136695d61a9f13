// GET /clients: filtering, ordering and pagination over one organisation's clients, through the
// indexes the store keeps of them.
import type { Collection, CollectionIndexes, FilterValue } from '../../store/collection.js';
import type { ClientRecord, MemberType } from './client-record.js';

/** The list query after validation (defaults filled in). */
export interface ListQuery {
  search?: string;
  memberType?: MemberType;
  active?: 'true' | 'false';
  sort?: 'name' | 'created_at' | 'request_count';
  page: number;
  limit: number;
}

/** The pagination block of a list answer. */
export interface Pagination {
  page: number;
  limit: number;
  total: number;
  totalPages: number;
  hasNext: boolean;
  hasPrev: boolean;
}

/** A list answer. */
export interface ClientList {
  data: ClientRecord[];
  pagination: Pagination;
}

/** The name a client sorts by: its business name, else last then first name; `undefined` when it has none. */
export function nameKey(record: ClientRecord): string | undefined {
  if (record.businessName !== null && record.businessName !== '') return record.businessName.toLowerCase();
  if (record.nameLast === null && record.nameFirst === null) return undefined;
  // The NUL separator makes "Smith, Jane" sort before "Smithers, Al".
  return `${record.nameLast ?? ''}\u0000${record.nameFirst ?? ''}`.toLowerCase();
}

function matchesSearch(record: ClientRecord, needle: string): boolean {
  const haystacks = [
    record.nameFirst,
    record.nameLast,
    record.nameFirst !== null && record.nameLast !== null ? `${record.nameFirst} ${record.nameLast}` : null,
    record.businessName,
    record.email,
    record.externalId,
  ];
  return haystacks.some((h) => h?.toLowerCase().includes(needle));
}

/** Newest first; the array is oldest first, so later index means newer. */
function byIndexDescending(a: { index: number }, b: { index: number }): number {
  return b.index - a.index;
}

function sortRecords(records: readonly ClientRecord[], sort: ListQuery['sort']): ClientRecord[] {
  const entries = records.map((record, index) => ({ record, index }));
  if (sort === 'name') {
    const keyed = entries.map((e) => ({ ...e, key: nameKey(e.record) }));
    keyed.sort((a, b) => {
      if (a.key !== b.key) {
        // Clients without any name go last.
        if (a.key === undefined) return 1;
        if (b.key === undefined) return -1;
        return a.key < b.key ? -1 : 1;
      }
      return byIndexDescending(a, b);
    });
    return keyed.map((e) => e.record);
  }
  if (sort === 'request_count') {
    entries.sort((a, b) => b.record.requestCount - a.record.requestCount || byIndexDescending(a, b));
    return entries.map((e) => e.record);
  }
  return entries.reverse().map((e) => e.record);
}

/**
 * One page of an organisation's clients computed from all of them (filtered and sorted per call):
 * the reference that the indexed list, {@link listClientsIndexed}, answers exactly like.
 * `records` must be in creation order (oldest first).
 *
 * @example
 * listClients(clients.all('org_acme'), { page: 1, limit: 20 });
 */
export function listClients(records: readonly ClientRecord[], query: ListQuery): ClientList {
  const { page, limit } = query;
  const unfiltered = query.search === undefined && query.memberType === undefined && query.active === undefined;
  let data: ClientRecord[];
  let total: number;
  if (unfiltered && query.sort !== 'name' && query.sort !== 'request_count') {
    total = records.length;
    const end = total - (page - 1) * limit;
    data = end <= 0 ? [] : records.slice(Math.max(0, end - limit), end).reverse();
  } else {
    const needle = query.search?.toLowerCase();
    const active = query.active === undefined ? undefined : query.active === 'true';
    const matching = records.filter(
      (r) =>
        (query.memberType === undefined || r.memberType === query.memberType) &&
        (active === undefined || r.active === active) &&
        (needle === undefined || matchesSearch(r, needle)),
    );
    total = matching.length;
    const start = (page - 1) * limit;
    data = start >= total ? [] : sortRecords(matching, query.sort).slice(start, start + limit);
  }
  const totalPages = Math.ceil(total / limit);
  return {
    data,
    pagination: { page, limit, total, totalPages, hasNext: page < totalPages, hasPrev: page > 1 },
  };
}

/**
 * The texts a search looks in, lower-cased: first and last name (and both, with a space, when the
 * client has both: that text holds each of them too), business name, email and external id.
 */
function searchTexts(record: ClientRecord): (string | null)[] {
  const { nameFirst, nameLast } = record;
  const names = nameFirst !== null && nameLast !== null ? [`${nameFirst} ${nameLast}`] : [nameFirst, nameLast];
  return [...names, record.businessName, record.email, record.externalId].map((text) => text?.toLowerCase() ?? null);
}

/**
 * What the store keeps for the clients' lists: filters on `memberType` and `active`, the orders
 * `name` and `request_count`, and the search texts.
 *
 * @example
 * Store.inMemory(['clients'], { clients: CLIENT_INDEXES });
 */
export const CLIENT_INDEXES: CollectionIndexes<ClientRecord> = {
  filters: { memberType: (c) => c.memberType, active: (c) => c.active },
  textOrders: { name: nameKey },
  countOrders: { request_count: (c) => c.requestCount },
  search: searchTexts,
};

/**
 * One page of an organisation's clients, through the collection's indexes, without scanning or
 * sorting them: the same answer as {@link listClients} gives for the organisation's records.
 *
 * @example
 * await listClientsIndexed(clients, 'org_acme', { page: 1, limit: 20 });
 */
export async function listClientsIndexed(clients: Collection<ClientRecord>, orgId: string, query: ListQuery): Promise<ClientList> {
  const { page, limit } = query;
  const where: Record<string, FilterValue> = {};
  if (query.memberType !== undefined) where.memberType = query.memberType;
  if (query.active !== undefined) where.active = query.active === 'true';
  const order = query.sort === 'name' || query.sort === 'request_count' ? query.sort : undefined;
  const { total, records } = await clients.list(orgId, {
    where,
    ...(query.search === undefined ? {} : { search: query.search.toLowerCase() }),
    ...(order === undefined ? {} : { order }),
    offset: (page - 1) * limit,
    limit,
  });
  const totalPages = Math.ceil(total / limit);
  return {
    data: records,
    pagination: { page, limit, total, totalPages, hasNext: page < totalPages, hasPrev: page > 1 },
  };
}
