// GET /clients: filtering, ordering and pagination over one organisation's clients.
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

/** The name a client sorts by: its business name, else last then first name; `undefined` when it has none. */
function nameKey(record: ClientRecord): string | undefined {
  if (record.businessName !== null && record.businessName !== '') return record.businessName.toLowerCase();
  if (record.nameLast === null && record.nameFirst === null) return undefined;
  // The NUL separator makes "Smith, Jane" sort before "Smithers, Al".
  return `${record.nameLast ?? ''}\u0000${record.nameFirst ?? ''}`.toLowerCase();
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
 * One page of an organisation's clients. `records` must be in creation order (oldest first), as
 * the store keeps them; the default and `created_at` orders read the newest page straight off the
 * end without touching the rest.
 *
 * @example
 * listClients(clients.forOrg('org_acme'), { page: 1, limit: 20 });
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
