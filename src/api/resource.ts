// What a resource is, to the generic machinery: its operation table, its state hooks and the
// parts it is built from. A resource folder under src/resources/ exports one ResourceModule.
import type { AdminOperation } from '../admin/operations.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { FieldError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { OutboundQueues } from '../http/outbound-queues.js';
import type { IdGenerator } from '../ids.js';
import type { Logger } from '../logger.js';
import type { RandomSource } from '../random.js';
import type { Scheduler } from '../scheduler.js';
import type { CollectionIndexes } from '../store/collection.js';
import type { Store, StoreIndexes } from '../store/store.js';
import type { StoredRecord } from '../store/stored-record.js';

/** An HTTP method an operation answers (HEAD is answered wherever GET is). */
export type OperationMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What an operation's handler is given: the caller's organisation and the checked input. */
export interface OperationCall {
  orgId: string;
  /** Path parameters, decoded. */
  params: Readonly<Record<string, string>>;
  /** The query after coercion and validation against the operation's query schema. */
  query: Record<string, unknown>;
  /** The body after validation against the operation's body schema (defaults filled in). */
  body: unknown;
  /** The request path as the client wrote it, without a trailing slash (for Location headers). */
  path: string;
}

/** What an operation's handler answers: the body, its JSON when already made, and headers. */
export interface OperationResult {
  body: unknown;
  json?: string;
  headers?: Record<string, string>;
}

/** The shape of a success body, for the OpenAPI document. */
export type ResponseShape = { record: string } | { page: string };

/**
 * One operation of the API: the table the dispatcher routes, validates and documents from. `A` is
 * what the resource hands its handlers (its service, mostly).
 */
export interface Operation<A> {
  /** The OpenAPI operationId, e.g. `createClient`. */
  id: string;
  method: OperationMethod;
  /** Path template in the router's syntax, e.g. `/clients/:id` (served at `/` and `/v2/api`). */
  path: string;
  /** Status of a success. */
  status: number;
  summary: string;
  /** Schema id of the JSON body; without one the body is not read. */
  body?: string;
  /** Schema id of the query; without one the query is ignored. */
  query?: string;
  /** The success body: one record, or a page of them (`{data, pagination}`). */
  response: ResponseShape;
  handle(api: A, call: OperationCall): OperationResult | Promise<OperationResult>;
}

/** Builds a resource's records from seed or imported entries that passed the entry schema. */
export type RecordsFromEntries = (
  entries: readonly unknown[],
  fill: {
    /** The next free id of the resource's prefix. */
    nextId: () => string;
    /** ISO 8601 instant for fields an entry leaves out. */
    now: string;
  },
) => StoredRecord[];

/** Checks entries against what a schema cannot see (e.g. a reference to another collection of the snapshot). */
export type EntriesCheck = (entries: readonly unknown[], snapshot: Readonly<Record<string, readonly unknown[]>>) => FieldError[];

/** A resource's part in seeding, reset, export and import. */
export interface StateHooks {
  /**
   * Records from entries of a seed file or state import (already checked against the collection's
   * `entrySchema`), by collection: one builder for each collection the resource keeps.
   */
  recordsFrom: Readonly<Record<string, RecordsFromEntries>>;
  /**
   * Checks that do not fit a schema, by collection, with dotted fields relative to the entry list;
   * run before anything is imported.
   */
  check?: Readonly<Record<string, EntriesCheck>>;
  /**
   * Entries every seeding adds to the seed file's, by collection (those the options ask for, such
   * as the subscriptions of `--webhook`); a reset puts them back too.
   */
  seedEntries?(): Readonly<Record<string, readonly unknown[]>>;
  /**
   * Settles what one collection says about another in records about to replace the stored ones
   * (seed, reset, import): `records` holds every collection's, `given` names the collections the
   * snapshot listed. Answers the collections it changed (e.g. counts of linked records).
   */
  settle?(records: Readonly<Record<string, readonly StoredRecord[]>>, given: ReadonlySet<string>): Record<string, readonly StoredRecord[]>;
  /**
   * Called once at start-up when the store was not seeded (it held records already): adds, in one
   * store write, what the options ask for and the store lacks (such as the subscriptions of a
   * `--webhook` given since the store was made). Runs before `afterLoad`.
   */
  ensureOnStart?(): Promise<void>;
  /** Called once the stored records were replaced (seed, reset, import) or loaded at start-up. */
  afterLoad?(): void;
}

/** An organisation's profile from the keys file: who asks for what its keys create. */
export interface OrganisationProfile {
  name?: string;
  email?: string;
  company?: string;
}

/** What a resource is built from: the shared parts, its own id generators and random streams. */
export interface ResourceParts {
  store: Store;
  clock: Clock;
  /** The id generator of its first collection's prefix. */
  ids: IdGenerator;
  /** The id generator of any prefix (for its other collections). */
  idsFor(prefix: string): IdGenerator;
  /**
   * The system's time in epoch milliseconds, never the fake's clock: for what someone else checks
   * against their own clock (a webhook's signature timestamp).
   */
  realNow(): number;
  /**
   * Sends HTTP requests out of the fake (webhooks) in ordered queues, from a worker thread:
   * bounded sockets, a timeout, no redirects followed.
   */
  outbound: OutboundQueues;
  /** The fake's configuration, for the options a resource reads itself. */
  config: Config;
  /** The organisations the keys file names (the seeded ones), in its order. */
  orgIds: readonly string[];
  /** A random stream of the resource's own, by name (`<resource>:<name>`). */
  random(name: string): RandomSource;
  scheduler: Scheduler;
  events: EventBus;
  logger: Logger;
  /** The profile of an organisation (from the keys file), if it has one. */
  organisation(orgId: string): OrganisationProfile | undefined;
  /** How long after creation a record with a magic value walks on its own, on the fake's clock. */
  magicDelayMs: number;
}

/** A running resource: what its handlers use, its state hooks and a sample record. */
export interface ResourceInstance<A> {
  api: A;
  state: StateHooks;
  /** Lines for the command line's start-up banner, beside the keys (a generated secret, say). */
  startupNotes?(): readonly string[];
  /** Stops background work at once (on close); what is stored stays for the next start. */
  stop?(): void;
  /**
   * A plausible record for a `malformed` fault to cut short: from `fields` when given (a create
   * body), otherwise made up.
   */
  sample(fields: Record<string, unknown>, orgId: string): unknown;
}

/**
 * An admin operation a resource contributes: served under `/__admin/<resource>` and on the handles
 * as `fake.<resource>.<name>`; it runs on what the resource hands its handlers.
 */
// biome-ignore lint/suspicious/noExplicitAny: a tree holds operations of every type.
export type ResourceAdminOperation<A> = Omit<AdminOperation<any, any, any, any>, 'run'> & { run(api: A, input: any): unknown };

/** A resource's admin operations, nested by name. */
export interface ResourceAdminTree<A> {
  [name: string]: ResourceAdminOperation<A> | ResourceAdminTree<A>;
}

/** One collection a resource keeps in the store. */
export interface ResourceCollection {
  /** The store file's key and the state snapshot's key, e.g. `clients`. */
  name: string;
  /** Prefix of its ids, e.g. `clt_`. */
  idPrefix: string;
  /** Schema id of one stored record (the store file is checked against it). */
  recordSchema: string;
  /** Schema id of one entry of a seed file or state import. */
  entrySchema: string;
  /** Whether a seed file or state import must have this collection (a snapshot always has). */
  requiredInSnapshot: boolean;
  /** The indexes the store keeps of the collection for its lists (filters, orders, search). */
  // biome-ignore lint/suspicious/noExplicitAny: a list of collections holds records of different types.
  indexes?: CollectionIndexes<any>;
}

/** One resource, as `src/resources/index.ts` lists it. */
// biome-ignore lint/suspicious/noExplicitAny: a list of resources holds modules of different handler types.
export interface ResourceModule<A = any> {
  /** The resource's name: its admin operations' path (`/__admin/<name>`) and its random streams' prefix, e.g. `clients`. */
  name: string;
  /** The collections it keeps, the first named like the resource. */
  collections: readonly ResourceCollection[];
  /** Its JSON Schema files, in its `schemas/` folder. */
  schemaFiles: readonly string[];
  /** Its operations, served at `/` and under `/v2/api` (none for a resource of admin operations only). */
  operations: readonly Operation<A>[];
  /**
   * Other first path segments that serve the same operations, by the segment they stand for:
   * `{ '/verifications': '/requests' }` serves `/requests/:id` at `/verifications/:id` too.
   */
  pathAliases?: Readonly<Record<string, string>>;
  /** Its admin operations (test controls the real API does not have), if any. */
  admin?: ResourceAdminTree<A>;
  create(parts: ResourceParts): ResourceInstance<A>;
}

/** A resource and its running instance. */
export interface RunningResource {
  module: ResourceModule;
  instance: ResourceInstance<unknown>;
}

/**
 * Every collection of these resources, in the order of the store file and of snapshots.
 *
 * @example
 * collectionsOf(RESOURCES).map((c) => c.name); // ['clients', 'requests', 'webhooks', ...]
 */
export function collectionsOf(resources: readonly Pick<ResourceModule, 'collections'>[]): ResourceCollection[] {
  return resources.flatMap((r) => r.collections);
}

/**
 * Every path an operation path is served at: itself, then the same path under each of its
 * resource's path aliases.
 *
 * @example
 * servedPaths({ pathAliases: { '/verifications': '/requests' } }, '/requests/:id'); // ['/requests/:id', '/verifications/:id']
 */
export function servedPaths(module: Pick<ResourceModule, 'pathAliases'>, path: string): string[] {
  const aliases = Object.entries(module.pathAliases ?? {}).flatMap(([alias, segment]) =>
    path === segment || path.startsWith(`${segment}/`) ? [`${alias}${path.slice(segment.length)}`] : [],
  );
  return [path, ...aliases];
}

/**
 * The indexes of every resource's collections, by collection, for the store.
 *
 * @example
 * Store.inMemory(collectionsOf(RESOURCES).map((c) => c.name), indexesOf(RESOURCES));
 */
export function indexesOf(resources: readonly Pick<ResourceModule, 'collections'>[]): StoreIndexes {
  return Object.fromEntries(collectionsOf(resources).map((c) => [c.name, c.indexes]));
}
