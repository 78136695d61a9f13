// The store against the one it replaced: random sequences of creates (clocks moved back included),
// updates, removals, imports and resets (whole and per organisation, from the seed's snapshot and
// from records) are applied to both, and after every step the new store answers byte for byte like
// the old one: records by id, per organisation in creation order, in stored order, counts, and
// every client and request list query. A store on a file (kept with its log of changes) is opened
// again after each sequence and holds exactly the same.
import assert from 'node:assert/strict';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ClientRecord } from '../src/resources/clients/client-record.js';
import { CLIENT_INDEXES, listClients, listClientsIndexed, type ListQuery } from '../src/resources/clients/list.js';
import { seededClientRecord } from '../src/resources/clients/records.js';
import { listRequests, REQUEST_INDEXES, type RequestListQuery } from '../src/resources/requests/list.js';
import type { RequestRecord } from '../src/resources/requests/request-record.js';
import { Store } from '../src/store/store.js';
import type { StoredRecord } from '../src/store/stored-record.js';
import { ReferenceCollection } from './support/reference-collection.js';
import { listRequestsReference } from './support/reference-lists.js';
import { tempDir } from './support/temp-dir.js';

const ORGS = ['org_a', 'org_b', 'org_c'] as const;
const TEXT = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constantFrom('Jane', 'jane', 'SMITH', 'Smithers', 'Ann', 'al', 'Zeta', 'acme corp', 'Ünïcode', '\u0000x', 'a b', '\ud800', 'é"\\'),
  fc.string({ maxLength: 6 }),
);
const NEEDLE = fc.oneof(
  fc.constantFrom('', 'a', 'smith', 'jane s', 'ü', '\u0000', 'x', ' ', '\ud800', '@', '"'),
  fc.string({ maxLength: 3 }),
);

const clientFields = fc.record({
  org: fc.constantFrom(...ORGS),
  /** Seconds into the day: records of one second tie, and a smaller one is a clock moved back. */
  second: fc.integer({ min: 0, max: 12 }),
  nameFirst: TEXT,
  nameLast: TEXT,
  businessName: TEXT,
  email: TEXT,
  externalId: TEXT,
  memberType: fc.constantFrom('individual', 'business'),
  active: fc.boolean(),
  requestCount: fc.integer({ min: 0, max: 4 }),
  /** An id the bytes cannot be searched for (written with escapes), now and then. */
  oddId: fc.boolean(),
});
type ClientFields = typeof clientFields extends fc.Arbitrary<infer T> ? T : never;

const clientQuery = fc.record(
  {
    search: NEEDLE,
    memberType: fc.constantFrom('individual', 'business'),
    active: fc.constantFrom('true', 'false'),
    sort: fc.constantFrom('name', 'created_at', 'request_count'),
    page: fc.integer({ min: 1, max: 4 }),
    limit: fc.integer({ min: 1, max: 7 }),
  },
  { requiredKeys: ['page', 'limit'] },
);
const requestQuery = fc.record(
  {
    status: fc.constantFrom('initiated', 'approved'),
    type: fc.constantFrom('idv', 'kyc'),
    page: fc.integer({ min: 1, max: 3 }),
    limit: fc.integer({ min: 1, max: 5 }),
  },
  { requiredKeys: ['page', 'limit'] },
);

type Step =
  | { kind: 'create'; fields: ClientFields }
  | { kind: 'request'; pick: number; second: number; approved: boolean }
  | { kind: 'update'; pick: number; count: number; name: string | null }
  | { kind: 'remove'; pick: number }
  | { kind: 'resetSeed'; org: (typeof ORGS)[number] | null }
  | { kind: 'import'; org: (typeof ORGS)[number] | null; keep: number; add: ClientFields[] };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('create' as const), fields: clientFields }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('request' as const),
      pick: fc.nat(),
      second: fc.integer({ min: 0, max: 12 }),
      approved: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), count: fc.integer({ min: 0, max: 5 }), name: TEXT }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('resetSeed' as const), org: fc.constantFrom(null, ...ORGS) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('import' as const),
      org: fc.constantFrom(null, ...ORGS),
      keep: fc.nat({ max: 3 }),
      add: fc.array(clientFields, { maxLength: 3 }),
    }),
  },
);

let serial = 0;
function clientOf(fields: ClientFields): ClientRecord {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, fields.second)).toISOString();
  serial++;
  return seededClientRecord(
    {
      id: fields.oddId ? `clt_"odd\\${serial}` : `clt_${String(serial).padStart(5, '0')}`,
      orgId: fields.org,
      nameFirst: fields.nameFirst,
      nameLast: fields.nameLast,
      businessName: fields.businessName,
      email: fields.email,
      externalId: fields.externalId,
      memberType: fields.memberType as ClientRecord['memberType'],
      // Keys named like the record's own, nested: the file reader must not take them for its creation time.
      metadata: { createdAt: "not the record's", nested: { createdAt: at } },
      active: fields.active,
      requestCount: fields.requestCount,
      createdAt: at,
    },
    { nextId: () => '', now: at },
  );
}

function requestOf(client: ClientRecord, second: number, approved: boolean): RequestRecord {
  serial++;
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
  return {
    id: `req_${String(serial).padStart(5, '0')}`,
    orgId: client.orgId,
    clientId: client.id,
    type: serial % 2 === 0 ? 'idv' : 'kyc',
    status: approved ? 'approved' : 'initiated',
    createdAt: at,
  } as unknown as RequestRecord;
}

/** The old store: collections of objects, changed as the old Store.apply and Store.replace changed them. */
class ReferenceStore {
  readonly clients = new ReferenceCollection<ClientRecord>('clients');
  readonly requests = new ReferenceCollection<RequestRecord>('requests');

  of(name: string): ReferenceCollection<StoredRecord> {
    return (name === 'clients' ? this.clients : this.requests) as unknown as ReferenceCollection<StoredRecord>;
  }

  insert(name: string, record: StoredRecord): void {
    this.of(name).add(record);
  }

  update(name: string, record: StoredRecord): void {
    const collection = this.of(name);
    collection.swap(collection.get(record.id) as StoredRecord, record);
  }

  remove(name: string, id: string): void {
    const collection = this.of(name);
    collection.remove(collection.get(id) as StoredRecord);
  }

  replace(name: string, given: readonly StoredRecord[], orgId?: string): void {
    const collection = this.of(name);
    const mine = orgId === undefined ? given : given.filter((r) => r.orgId === orgId);
    collection.load(orgId === undefined ? mine : [...collection.ordered.filter((r) => r.orgId !== orgId), ...mine]);
  }
}

/** Every answer the two stores give, as text. */
async function answers(store: Store, reference: ReferenceStore, clientQueries: ListQuery[], requestQueries: RequestListQuery[]) {
  const mine: string[] = [];
  const theirs: string[] = [];
  for (const name of ['clients', 'requests']) {
    const collection = store.collection(name);
    const old = reference.of(name);
    mine.push(JSON.stringify([collection.size, collection.all()]));
    theirs.push(JSON.stringify([old.size, old.all()]));
    for (const record of old.all()) {
      mine.push(JSON.stringify([collection.get(record.id), collection.jsonOf(record.id)]));
      theirs.push(JSON.stringify([record, JSON.stringify(record)]));
    }
    for (const orgId of ORGS) {
      mine.push(JSON.stringify([collection.count(orgId), collection.forOrg(orgId), collection.all(orgId)]));
      theirs.push(JSON.stringify([old.count(orgId), old.forOrg(orgId), old.all(orgId)]));
    }
  }
  const clients = store.collection<ClientRecord>('clients');
  const requests = store.collection<RequestRecord>('requests');
  for (const orgId of ORGS) {
    for (const query of clientQueries) {
      mine.push(JSON.stringify(await listClientsIndexed(clients, orgId, query)));
      theirs.push(JSON.stringify(listClients(reference.clients.forOrg(orgId), query)));
    }
    for (const query of requestQueries) {
      mine.push(JSON.stringify(await listRequests(requests, orgId, query)));
      theirs.push(JSON.stringify(listRequestsReference(reference.requests.forOrg(orgId), query)));
    }
  }
  return { mine, theirs };
}

const INDEXES = { clients: CLIENT_INDEXES, requests: REQUEST_INDEXES };

/** Runs the steps on the store and the reference alike, comparing every answer after each. */
async function run(store: Store, seed: ClientFields[], steps: Step[], clientQueries: ListQuery[], requestQueries: RequestListQuery[]) {
  const reference = new ReferenceStore();
  const seedClients = seed.map(clientOf);
  const seedRecords = { clients: seedClients, requests: [] as RequestRecord[] };
  const compare = async (after: string): Promise<void> => {
    const { mine, theirs } = await answers(store, reference, clientQueries, requestQueries);
    for (let i = 0; i < theirs.length; i++) assert.equal(mine[i], theirs[i], `after ${after}, answer ${i}`);
  };
  await store.replace(seedRecords, undefined, { seed: true });
  reference.replace('clients', seedClients);
  reference.replace('requests', []);
  await compare('the seed');
  for (const [index, s] of steps.entries()) {
    const clients = reference.clients.all();
    const picked = clients[s.kind === 'create' || s.kind === 'resetSeed' || s.kind === 'import' ? 0 : s.pick % Math.max(1, clients.length)];
    if (s.kind === 'create') {
      const record = clientOf(s.fields);
      await store.apply([{ collection: 'clients', insert: record }]);
      reference.insert('clients', record);
    } else if (s.kind === 'request' && picked !== undefined) {
      const record = requestOf(picked, s.second, s.approved);
      const counted = { ...picked, requestCount: picked.requestCount + 1 };
      await store.apply([
        { collection: 'requests', insert: record },
        { collection: 'clients', update: counted },
      ]);
      reference.insert('requests', record);
      reference.update('clients', counted);
    } else if (s.kind === 'update' && picked !== undefined) {
      const changed = { ...picked, requestCount: s.count, nameLast: s.name };
      await store.apply([{ collection: 'clients', update: changed }]);
      reference.update('clients', changed);
    } else if (s.kind === 'remove' && picked !== undefined) {
      const linked = reference.requests.all().filter((r) => r.clientId === picked.id);
      await store.apply([...linked.map((r) => ({ collection: 'requests', remove: r.id })), { collection: 'clients', remove: picked.id }]);
      for (const r of linked) reference.remove('requests', r.id);
      reference.remove('clients', picked.id);
    } else if (s.kind === 'resetSeed') {
      const orgId = s.org ?? undefined;
      await store.restoreSeed(orgId);
      reference.replace('clients', seedClients, orgId);
      reference.replace('requests', [], orgId);
    } else if (s.kind === 'import') {
      const orgId = s.org ?? undefined;
      const kept = (orgId === undefined ? reference.clients.all() : reference.clients.all(orgId)).slice(0, s.keep);
      const added = s.add.map((fields) => clientOf(orgId === undefined ? fields : { ...fields, org: orgId }));
      const given = [...kept, ...added];
      await store.replace({ clients: given, requests: [] }, orgId);
      reference.replace('clients', given, orgId);
      reference.replace('requests', [], orgId);
    }
    await compare(`step ${index} (${s.kind})`);
  }
  return reference;
}

const RUNS = { numRuns: 200 };

describe('the store against the one it replaced', () => {
  it('answers byte for byte alike in memory, after every create, update, removal, import and reset', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(clientFields, { maxLength: 12 }),
        fc.array(step, { maxLength: 14 }),
        fc.array(clientQuery, { minLength: 1, maxLength: 5 }),
        fc.array(requestQuery, { minLength: 1, maxLength: 3 }),
        async (seed, steps, clientQueries, requestQueries) => {
          const store = Store.inMemory(['clients', 'requests'], INDEXES);
          await run(store, seed, steps, clientQueries, requestQueries);
        },
      ),
      RUNS,
    );
  });

  it('on a file kept with its log, opened again after the changes, holds exactly what it answered', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(clientFields, { maxLength: 10 }),
        fc.array(step, { maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        async (seed, steps, stopCleanly, keepTimes) => {
          const path = join(tempDir(), 'db.json');
          const options = { indexes: INDEXES, logAboveBytes: 0, flushIntervalMs: 3_600_000 };
          const store = await Store.open({ kind: 'file', path }, ['clients', 'requests'], options);
          const reference = await run(store, seed, steps, [{ page: 1, limit: 50 }], [{ page: 1, limit: 50 }]);
          // A stop that folds the log into the file, or a crash after the last write: the files as it
          // left them, copied elsewhere, with the log to replay.
          let reopened = path;
          if (stopCleanly) {
            await store.close();
          } else {
            await store.flush();
            reopened = join(tempDir(), 'db.json');
            // A copy that keeps the modification time is taken as the fake wrote it; one that does not is checked.
            cpSync(path, reopened, { preserveTimestamps: keepTimes });
            if (existsSync(`${path}.log`)) cpSync(`${path}.log`, `${reopened}.log`, { preserveTimestamps: keepTimes });
            await store.close();
          }
          const again = await Store.open({ kind: 'file', path: reopened }, ['clients', 'requests'], options);
          try {
            const { mine, theirs } = await answers(again, reference, [{ page: 1, limit: 50 }], [{ page: 1, limit: 50 }]);
            for (let i = 0; i < theirs.length; i++) assert.equal(mine[i], theirs[i], `opened again, answer ${i}`);
          } finally {
            await again.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
