// The clients service: create, read and list, for one organisation at a time. Never touches `res`.
import type { Clock } from '../clock.js';
import { ApiError } from '../errors.js';
import { nextFreeId, type IdGenerator } from '../ids.js';
import type { ClientRecord } from '../store/client-record.js';
import type { ClientStore } from '../store/client-store.js';
import { checkFor, coerceQueryFor, createBodyCheck } from '../validation/validator.js';
import { listClients, type ClientList, type ListQuery } from './list.js';
import { newClientRecord, type ClientInput } from './records.js';

/** What the clients service needs. */
export interface ClientsServiceDeps {
  store: ClientStore;
  clock: Clock;
  ids: IdGenerator;
  /** Reject unknown and read-only body keys instead of dropping them. */
  strict: boolean;
}

/** A new client, and its JSON (made once, for the answer and the store file). */
export interface CreatedClient {
  record: ClientRecord;
  json: string;
}

/** The three client operations of the API. */
export interface ClientsService {
  create(orgId: string, body: unknown): Promise<CreatedClient>;
  get(orgId: string, id: string): ClientRecord;
  list(orgId: string, query: Record<string, unknown>): ClientList;
}

/**
 * Creates the clients service.
 *
 * @example
 * const clients = createClientsService({ store, clock, ids, strict: false });
 * const { record } = await clients.create('org_acme', { nameFirst: 'Jane' });
 */
export function createClientsService({ store, clock, ids, strict }: ClientsServiceDeps): ClientsService {
  const checkBody = createBodyCheck(strict);
  const toQuery = coerceQueryFor('client-list-query.schema.json');
  const checkQuery = checkFor('client-list-query.schema.json');

  return {
    async create(orgId, body) {
      // Validation fills in defaults: do it on a copy, so the body stays as the client sent it.
      const input = body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body } : body;
      const errors = checkBody(input);
      if (errors.length > 0) throw new ApiError('VALIDATION_ERROR', { errors });
      const id = nextFreeId(ids, (candidate) => store.get(candidate) !== undefined);
      const record = newClientRecord(input as ClientInput, { id, orgId, now: new Date(clock.now()).toISOString() });
      const json = JSON.stringify(record);
      await store.insert(record, json);
      return { record, json };
    },

    get(orgId, id) {
      const record = store.get(id);
      // Another organisation's client is answered as if it did not exist.
      if (record === undefined || record.orgId !== orgId) throw new ApiError('NOT_FOUND');
      return record;
    },

    list(orgId, rawQuery) {
      const query = toQuery(rawQuery);
      const errors = checkQuery(query);
      if (errors.length > 0) throw new ApiError('VALIDATION_ERROR', { errors });
      return listClients(store.forOrg(orgId), query as unknown as ListQuery);
    },
  };
}
