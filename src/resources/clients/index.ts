// The clients resource: everything the fake knows about clients, as one module.
import type { ResourceModule } from '../../api/resource.js';
import type { ClientRecord } from './client-record.js';
import { CLIENT_INDEXES } from './list.js';
import { CLIENT_OPERATIONS, type ClientsApi } from './operations.js';
import { newClientRecord, seededClientRecord, type ClientInput, type ClientSeed } from './records.js';
import { CLIENTS, createClientsService } from './service.js';

/** Stands in for ids and times of a `malformed` fault's made-up client. */
const SAMPLE_ID = 'clt_00000000000000000000000000';

/**
 * The clients resource.
 *
 * @example
 * const RESOURCES = [clients];
 */
export const clients: ResourceModule<ClientsApi> = {
  name: CLIENTS,
  collections: [
    {
      name: CLIENTS,
      idPrefix: 'clt_',
      recordSchema: 'client.schema.json',
      entrySchema: 'client-entry.schema.json',
      requiredInSnapshot: true,
      indexes: CLIENT_INDEXES,
    },
  ],
  schemaFiles: ['client.schema.json', 'client-create.schema.json', 'client-list-query.schema.json', 'client-entry.schema.json'],
  operations: CLIENT_OPERATIONS,
  create(parts) {
    return {
      api: { service: createClientsService(parts), store: parts.store },
      state: {
        recordsFrom: { [CLIENTS]: (entries, fill) => (entries as ClientSeed[]).map((entry) => seededClientRecord(entry, fill)) },
      },
      sample: (fields, orgId) =>
        newClientRecord(fields as ClientInput, { id: SAMPLE_ID, orgId, now: new Date(parts.clock.now()).toISOString() }),
    };
  },
};

export type { ClientRecord };
