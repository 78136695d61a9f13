// The clients service: create, read and list, for one organisation at a time. Never touches HTTP.
import type { Clock } from '../../clock.js';
import { ApiError } from '../../errors.js';
import type { EventBus } from '../../events.js';
import { nextFreeId, type IdGenerator } from '../../ids.js';
import type { Store } from '../../store/store.js';
import type { ClientRecord } from './client-record.js';
import { listClientsIndexed, type ClientList, type ListQuery } from './list.js';
import { newClientRecord, type ClientInput } from './records.js';

/** The collection the clients live in. */
export const CLIENTS = 'clients';

/** What the clients service needs. */
export interface ClientsServiceDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  events: EventBus;
}

/** The client operations of the API, on input the operation table has checked. */
export interface ClientsService {
  create(orgId: string, input: ClientInput): Promise<ClientRecord>;
  get(orgId: string, id: string): ClientRecord;
  list(orgId: string, query: ListQuery): Promise<ClientList>;
}

/**
 * Creates the clients service.
 *
 * @example
 * const clients = createClientsService({ store, clock, ids, events });
 * const record = await clients.create('org_acme', { nameFirst: 'Jane' });
 */
export function createClientsService({ store, clock, ids, events }: ClientsServiceDeps): ClientsService {
  const clients = store.collection<ClientRecord>(CLIENTS);
  return {
    async create(orgId, input) {
      const id = nextFreeId(ids, (candidate) => clients.has(candidate));
      const now = new Date(clock.now()).toISOString();
      const record = newClientRecord(input, { id, orgId, now });
      await events.commit([{ collection: CLIENTS, insert: record }], [{ type: 'client.created', orgId, at: now, data: record }]);
      return record;
    },

    get(orgId, id) {
      const record = clients.get(id);
      // Another organisation's client is answered as if it did not exist.
      if (record === undefined || record.orgId !== orgId) throw new ApiError('NOT_FOUND');
      return record;
    },

    list(orgId, query) {
      return listClientsIndexed(clients, orgId, query);
    },
  };
}
