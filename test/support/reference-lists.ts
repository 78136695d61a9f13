// The requests list as it was computed before the store kept indexes: from all of an organisation's
// records, filtered per request. The randomized comparison checks the indexed list against it.
import type { RequestList, RequestListQuery } from '../../src/resources/requests/list.js';
import { toRequest, type RequestRecord } from '../../src/resources/requests/request-record.js';

/**
 * One page of an organisation's requests, newest first. `records` must be in creation order
 * (oldest first), as the store keeps them.
 *
 * @example
 * listRequestsReference(records, { status: 'approved', page: 1, limit: 20 });
 */
export function listRequestsReference(records: readonly RequestRecord[], query: RequestListQuery): RequestList {
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
