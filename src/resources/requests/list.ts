// GET /requests: filters, newest first, and pagination over one organisation's requests, through
// the indexes the store keeps of them.
import type { Collection, CollectionIndexes, FilterValue } from '../../store/collection.js';
import type { RequestStatus } from './lifecycle.js';
import { toRequest, type Request, type RequestRecord, type RequestType } from './request-record.js';

/** The list query after validation (defaults filled in). */
export interface RequestListQuery {
  status?: RequestStatus;
  type?: RequestType;
  clientId?: string;
  page: number;
  limit: number;
}

/** A list answer: plain Requests (no detail) and the pagination block clients use too. */
export interface RequestList {
  data: Request[];
  pagination: { page: number; limit: number; total: number; totalPages: number; hasNext: boolean; hasPrev: boolean };
}

/**
 * What the store keeps for the requests' list: filters on status, type and client.
 *
 * @example
 * Store.inMemory(['requests'], { requests: REQUEST_INDEXES });
 */
export const REQUEST_INDEXES: CollectionIndexes<RequestRecord> = {
  filters: { status: (r) => r.status, type: (r) => r.type, clientId: (r) => r.clientId },
};

/**
 * One page of an organisation's requests, newest first, through the collection's indexes.
 *
 * @example
 * await listRequests(requests, 'org_acme', { status: 'approved', page: 1, limit: 20 });
 */
export async function listRequests(requests: Collection<RequestRecord>, orgId: string, query: RequestListQuery): Promise<RequestList> {
  const { page, limit } = query;
  const where: Record<string, FilterValue> = {};
  if (query.status !== undefined) where.status = query.status;
  if (query.type !== undefined) where.type = query.type;
  if (query.clientId !== undefined) where.clientId = query.clientId;
  const { total, records } = await requests.list(orgId, { where, offset: (page - 1) * limit, limit });
  const totalPages = Math.ceil(total / limit);
  return { data: records.map(toRequest), pagination: { page, limit, total, totalPages, hasNext: page < totalPages, hasPrev: page > 1 } };
}
