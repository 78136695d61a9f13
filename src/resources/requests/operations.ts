// The requests API as an operation table: the dispatcher routes, validates and documents from it
// (at /requests, and at /verifications, the name the other docs site uses); the handlers are thin.
import type { Operation } from '../../api/resource.js';
import type { RequestListQuery } from './list.js';
import type { RequestInput } from './records.js';
import { toRequest } from './request-record.js';
import type { RequestsService } from './service.js';

/** What the handlers use: the service. */
export interface RequestsApi {
  service: RequestsService;
}

/**
 * `POST /requests`, `GET /requests` and `GET /requests/{id}` (HEAD as GET).
 *
 * @example
 * REQUEST_OPERATIONS.map((op) => `${op.method} ${op.path}`); // ['POST /requests', ...]
 */
export const REQUEST_OPERATIONS: readonly Operation<RequestsApi>[] = [
  {
    id: 'createRequest',
    method: 'POST',
    path: '/requests',
    status: 201,
    summary: 'Create a verification request',
    body: 'request-create.schema.json',
    response: { record: 'request.schema.json' },
    async handle({ service }, call) {
      const record = await service.create(call.orgId, call.body as RequestInput);
      return { body: toRequest(record), headers: { Location: `${call.path}/${record.id}` } };
    },
  },
  {
    id: 'listRequests',
    method: 'GET',
    path: '/requests',
    status: 200,
    summary: 'List verification requests',
    query: 'request-list-query.schema.json',
    response: { page: 'request.schema.json' },
    handle: async ({ service }, call) => ({ body: await service.list(call.orgId, call.query as unknown as RequestListQuery) }),
  },
  {
    id: 'getRequest',
    method: 'GET',
    path: '/requests/:id',
    status: 200,
    summary: 'Get a verification request with its assembled detail',
    response: { record: 'request-detail.schema.json' },
    handle: ({ service }, call) => ({ body: service.get(call.orgId, call.params.id as string) }),
  },
];
