// The verification requests resource: what Athenty sells, with clients as their subjects.
import type { ResourceModule } from '../../api/resource.js';
import type { StoredRecord } from '../../store/stored-record.js';
import type { FieldError } from '../../errors.js';
import type { ClientRecord } from '../clients/client-record.js';
import { withRequestCount } from '../clients/links.js';
import { CLIENTS } from '../clients/service.js';
import { REQUEST_ADMIN } from './admin.js';
import { accessTokenOf } from './detail.js';
import { REQUEST_OPERATIONS, type RequestsApi } from './operations.js';
import { newRequestRecord, seededRequestRecord, type RequestInput, type RequestSeed } from './records.js';
import { toRequest, type RequestRecord } from './request-record.js';
import { REQUEST_INDEXES } from './list.js';
import { createRequestsService, REQUESTS } from './service.js';

/** Stands in for ids and tokens of a `malformed` fault's made-up request. */
const SAMPLE_ID = 'req_00000000000000000000000000';
const SAMPLE_TOKEN = '0'.repeat(32);

/** Each client's number of requests among `requests`. */
function countsByClient(requests: readonly RequestRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) if (r.clientId !== null) counts.set(r.clientId, (counts.get(r.clientId) ?? 0) + 1);
  return counts;
}

/**
 * The verification requests resource.
 *
 * @example
 * const RESOURCES = [clients, requests];
 */
export const requests: ResourceModule<RequestsApi> = {
  name: REQUESTS,
  collections: [
    {
      name: REQUESTS,
      idPrefix: 'req_',
      recordSchema: 'request-record.schema.json',
      entrySchema: 'request-entry.schema.json',
      requiredInSnapshot: false,
      indexes: REQUEST_INDEXES,
    },
  ],
  schemaFiles: [
    'request.schema.json',
    'request-detail.schema.json',
    'request-create.schema.json',
    'request-record.schema.json',
    'request-list-query.schema.json',
    'request-entry.schema.json',
    'request-move.schema.json',
  ],
  operations: REQUEST_OPERATIONS,
  pathAliases: { '/verifications': '/requests' },
  admin: REQUEST_ADMIN,
  create(parts) {
    const service = createRequestsService(parts);
    const seedTokens = parts.random('seed-tokens');
    return {
      api: { service },
      state: {
        recordsFrom: {
          [REQUESTS]: (entries, fill) =>
            (entries as RequestSeed[]).map((entry) =>
              seededRequestRecord(entry, {
                ...fill,
                accessToken: () => accessTokenOf(seedTokens),
                organisation: parts.organisation(entry.orgId),
              }),
            ),
        },
        check: {
          [REQUESTS]: (entries, snapshot) => {
            // A request links a client of its own organisation, in the same snapshot.
            const clients = new Map((snapshot[CLIENTS] ?? []).map((c) => [(c as ClientRecord).id, (c as ClientRecord).orgId]));
            const problems: FieldError[] = [];
            (entries as RequestSeed[]).forEach((entry, index) => {
              if (entry.clientId !== undefined && entry.clientId !== null && clients.get(entry.clientId) !== entry.orgId) {
                problems.push({ field: `${index}.clientId`, message: 'Client not found' });
              }
            });
            return problems;
          },
        },
        settle(records, given): Record<string, readonly StoredRecord[]> {
          // A snapshot without requests (older than them) keeps the counts it gives.
          if (!given.has(REQUESTS)) return {};
          const counts = countsByClient((records[REQUESTS] ?? []) as RequestRecord[]);
          const before = (records[CLIENTS] ?? []) as ClientRecord[];
          const after = before.map((client) => withRequestCount(client, counts.get(client.id) ?? 0));
          return after.some((client, i) => client !== before[i]) ? { [CLIENTS]: after } : {};
        },
        afterLoad: () => service.armAll(),
      },
      sample: (fields, orgId) => {
        const input = fields as Partial<RequestInput>;
        const now = new Date(parts.clock.now()).toISOString();
        const body: RequestInput = {
          ...input,
          type: input.type ?? 'idv',
          requirements: input.requirements ?? ['document'],
          clientId: null,
        };
        const record = newRequestRecord(body, {
          id: SAMPLE_ID,
          orgId,
          now,
          accessToken: SAMPLE_TOKEN,
          organisation: parts.organisation(orgId),
        });
        return toRequest(record);
      },
    };
  },
};

export type { RequestRecord };
