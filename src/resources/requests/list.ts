// GET /requests: filters, newest first, and pagination over one organisation's requests.
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
 * One page of an organisation's requests, newest first. `records` must be in creation order
 * (oldest first), as the store keeps them.
 *
 * @example
 * listRequests(requests.forOrg('org_acme'), { status: 'approved', page: 1, limit: 20 });
 */
export function listRequests(records: readonly RequestRecord[], query: RequestListQuery): RequestList {
  const { page, limit } = query;
  const filtered =
    query.status === undefined && query.type === undefined && query.clientId === undefined
      ? records
      : records.filter(
          (r) =>
            (query.status === undefined || r.status === query.status) &&
            (query.type === undefined || r.type === query.type) &&
            (query.clientId === undefined || r.clientId === query.clientId),
        );
  const total = filtered.length;
  // Newest first: the page is read off the end of the oldest-first list.
  const end = total - (page - 1) * limit;
  const data =
    end <= 0
      ? []
      : filtered
          .slice(Math.max(0, end - limit), end)
          .reverse()
          .map(toRequest);
  const totalPages = Math.ceil(total / limit);
  return { data, pagination: { page, limit, total, totalPages, hasNext: page < totalPages, hasPrev: page > 1 } };
}
