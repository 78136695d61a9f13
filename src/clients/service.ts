// The clients service: create, read and list, for one organisation at a time. Never touches `res`.
import type { Clock } from '../clock.js';
import { ApiError } from '../errors.js';
import type { IdGenerator } from '../ids.js';
import type { ClientRecord } from '../store/client-record.js';
import type { ClientStore } from '../store/client-store.js';
import { readSchema } from '../validation/schemas.js';
import { checkFor, createBodyCheck } from '../validation/validator.js';
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

/** The three client operations of the API. */
export interface ClientsService {
  create(orgId: string, body: unknown): Promise<ClientRecord>;
  get(orgId: string, id: string): ClientRecord;
  list(orgId: string, query: Record<string, unknown>): ClientList;
}

/** The query fields the schema declares as numbers: they arrive as strings and are coerced first. */
function numericQueryFields(): string[] {
  const properties = readSchema('client-list-query.schema.json').properties ?? {};
  return Object.entries(properties)
    .filter(([, schema]) => schema.type === 'integer' || schema.type === 'number')
    .map(([name]) => name);
}

/**
 * Creates the clients service.
 *
 * @example
 * const clients = createClientsService({ store, clock, ids, strict: false });
 * const record = await clients.create('org_acme', { nameFirst: 'Jane' });
 */
export function createClientsService({ store, clock, ids, strict }: ClientsServiceDeps): ClientsService {
  const checkBody = createBodyCheck(strict);
  const checkQuery = checkFor('client-list-query.schema.json');
  const numericFields = numericQueryFields();

  return {
    async create(orgId, body) {
      const errors = checkBody(body);
      if (errors.length > 0) throw new ApiError('VALIDATION_ERROR', { errors });
      let id = ids.next();
      // A seeded run restarted over its own file would repeat ids: step past those already stored.
      while (store.get(id) !== undefined) id = ids.next();
      const record = newClientRecord(body as ClientInput, { id, orgId, now: new Date(clock.now()).toISOString() });
      await store.insert(record);
      return record;
    },

    get(orgId, id) {
      const record = store.get(id);
      // Another organisation's client is answered as if it did not exist.
      if (record === undefined || record.orgId !== orgId) throw new ApiError('NOT_FOUND');
      return record;
    },

    list(orgId, rawQuery) {
      // Numbers are converted with Number(), as Zod's coerce does: '' is 0, 'abc' is NaN.
      const query: Record<string, unknown> = { ...rawQuery };
      for (const field of numericFields) {
        if (query[field] !== undefined) query[field] = Number(query[field]);
      }
      const errors = checkQuery(query);
      if (errors.length > 0) throw new ApiError('VALIDATION_ERROR', { errors });
      return listClients(store.forOrg(orgId), query as unknown as ListQuery);
    },
  };
}
