// The clients API as an operation table: the dispatcher routes, validates and documents from it;
// the handlers are thin and pass checked input to the service.
import type { Operation } from '../../api/resource.js';
import type { Store } from '../../store/store.js';
import type { ListQuery } from './list.js';
import type { ClientInput } from './records.js';
import { CLIENTS, type ClientsService } from './service.js';

/** What the handlers use: the service, and the store for the JSON of a new record. */
export interface ClientsApi {
  service: ClientsService;
  store: Store;
}

/**
 * `POST /clients`, `GET /clients` and `GET /clients/{id}` (HEAD as GET).
 *
 * @example
 * CLIENT_OPERATIONS.map((op) => `${op.method} ${op.path}`); // ['POST /clients', ...]
 */
export const CLIENT_OPERATIONS: readonly Operation<ClientsApi>[] = [
  {
    id: 'createClient',
    method: 'POST',
    path: '/clients',
    status: 201,
    summary: 'Create a client record',
    body: 'client-create.schema.json',
    response: { record: 'client.schema.json' },
    async handle({ service, store }, call) {
      const record = await service.create(call.orgId, call.body as ClientInput);
      // One serialisation serves the answer and the store file.
      return { body: record, json: store.jsonOf(CLIENTS, record.id), headers: { Location: `${call.path}/${record.id}` } };
    },
  },
  {
    id: 'listClients',
    method: 'GET',
    path: '/clients',
    status: 200,
    summary: 'List clients',
    query: 'client-list-query.schema.json',
    response: { page: 'client.schema.json' },
    handle: async ({ service }, call) => ({ body: await service.list(call.orgId, call.query as unknown as ListQuery) }),
  },
  {
    id: 'getClient',
    method: 'GET',
    path: '/clients/:id',
    status: 200,
    summary: 'Get a client',
    response: { record: 'client.schema.json' },
    handle: ({ service }, call) => ({ body: service.get(call.orgId, call.params.id as string) }),
  },
];
