// The admin API, declared once: each operation says how it travels over HTTP and what it does. The
// express router, the admin OpenAPI document, the in-process handle of startFake() and the HTTP
// client of connectFake() are all derived from this table, so they cannot drift apart.
import { queryReaderFor } from '../api/dispatcher.js';
import {
  collectionsOf,
  type ResourceAdminOperation,
  type ResourceAdminTree,
  type ResourceModule,
  type RunningResource,
} from '../api/resource.js';
import { STATE_SCHEMA } from '../api/schemas.js';
import type { ApiKey } from '../auth/api-keys.js';
import { clockRangeProblem, parseInstant, type ControllableClock } from '../clock.js';
import { ApiError, type FieldError } from '../errors.js';
import { checkFaultRule, type FaultRuleInput } from '../faults/fault-rule.js';
import type { FaultRules, ListedFaultRule } from '../faults/fault-rules.js';
import { apiSegmentsOf, checkFaultRuleFires } from '../faults/reachable.js';
import type { Ids } from '../ids.js';
import type { Journal, JournalEntry, JournalFilter } from '../journal/journal.js';
import type { RandomStreams } from '../random.js';
import type { Scheduler } from '../scheduler.js';
import type { Store } from '../store/store.js';
import { adminOpenApi } from '../openapi/openapi.js';
import { checkFor, coerceQueryFor } from '../validation/validator.js';
import { packageVersion } from '../version.js';
import {
  countsOf,
  exportState,
  exportStateJson,
  importState,
  type CollectionCounts,
  type StateInput,
  type StateSnapshot,
} from './state.js';

/** The health answer: status, version, uptime, and the record count of each collection (`clients`, ...). */
export type Health = { status: 'ok'; version: string; uptimeMs: number } & CollectionCounts;

/** What a reset did: what it put back, and the record count of each collection after it. */
export type ResetSummary = { reset: string[]; orgId?: string } & CollectionCounts;

/** An organisation as the admin API lists it: its id and the record count of each collection. */
export type OrganisationSummary = { orgId: string } & CollectionCounts;

/** Which page of an organisation's records of a collection to show, and the list operation's filters. */
export interface RecordsQuery {
  orgId: string;
  collection: string;
  query: Record<string, string | number | undefined>;
}

/** The clock as the admin API shows it. */
export interface ClockState {
  now: string;
  frozen: boolean;
}

/** Everything the admin operations act on. */
export interface AdminParts {
  resources: readonly RunningResource[];
  store: Store;
  apiKeys: readonly ApiKey[];
  clock: ControllableClock;
  ids: Ids;
  random: RandomStreams;
  scheduler: Scheduler;
  faultRules: FaultRules;
  /** Of the rate limiter, what a reset needs: forgets the counts of every key, or of these keys. */
  rateLimits: { reset(keys?: readonly ApiKey[]): void };
  journal: Journal;
  /** Puts the seed back: every organisation's records, or one's. */
  seed(orgId?: string): Promise<CollectionCounts>;
  /** The health answer's readiness and uptime. */
  readiness: { ready: boolean; uptimeMs(): number };
  /** Every admin operation the app serves (the core table and the resources'). */
  operations: AdminOperationTree;
}

/** An admin request as the router hands it over: path parameters, query and JSON body. */
export interface AdminHttpInput {
  params: Record<string, string | undefined>;
  query: Record<string, unknown>;
  body: unknown;
}

/** How an operation's input is carried in a request. */
export interface AdminHttpRequest {
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/**
 * One admin operation. `Args` are the handle method's arguments, `Input` what the operation runs
 * on, `Body` the JSON it answers and `Result` what the handle method resolves to.
 */
export interface AdminOperation<Args extends unknown[], Input, Body, Result> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Under /__admin, in the router's syntax (`/faults/:id`). */
  path: string;
  /** Older paths that still work, documented as deprecated. */
  deprecatedPaths?: readonly string[];
  summary: string;
  /** Status of a success: 200 unless said; 204 sends no body. */
  status?: 200 | 201 | 204;
  /** Schema id of the JSON body, for the document. */
  bodySchema?: string;
  /**
   * Takes a body of any size (not bound by --body-limit), parsed as it arrives and only once the
   * admin token is checked: a state import as large as the store file.
   */
  bodyOfAnySize?: true;
  /** Schema id of the query, or `orgId` for the optional `?orgId=`, for the document. */
  querySchema?: string;
  /** Served over HTTP only: no method on the handles. */
  httpOnly?: boolean;
  /** The handle method's arguments as the operation's input. */
  input(...args: Args): Input;
  /** The input as a request (for connectFake). */
  toHttp(input: Input): AdminHttpRequest;
  /** The input from a request (for the router). */
  fromHttp(request: AdminHttpInput): Input;
  run(parts: AdminParts, input: Input): Body | Promise<Body>;
  /** The JSON of `run`'s body in chunks, for an answer that may be larger than a string (the router sends these). */
  runJson?(parts: AdminParts, input: Input): Iterable<Buffer | string>;
  /** The handle method's result from the answer's body; the body itself when left out. */
  result?(body: Body): Result;
  /**
   * How the handle method runs when it is more than one call of the operation (a wait that resumes
   * until a condition holds): `send` runs the operation once, in-process or over HTTP alike.
   */
  call?(send: (input: Input) => Promise<Body>, ...args: Args): Promise<Result>;
}

// biome-ignore lint/suspicious/noExplicitAny: the table holds operations of every type.
type AnyAdminOperation = AdminOperation<any, any, any, any>;

/** Operations, nested by the name the handles give them (`faults.add`). */
export interface AdminOperationTree {
  [name: string]: AnyAdminOperation | AdminOperationTree;
}

/** Types one table entry, keeping its argument and result types. */
function op<Args extends unknown[], Input, Body, Result = Body>(
  operation: AdminOperation<Args, Input, Body, Result>,
): AdminOperation<Args, Input, Body, Result> {
  return operation;
}

/** An entry served over HTTP only. */
function httpOnly<Body>(
  operation: Omit<AdminOperation<[], undefined, Body, Body>, 'httpOnly' | 'input' | 'toHttp' | 'fromHttp'>,
): AdminOperation<[], undefined, Body, Body> & { httpOnly: true } {
  return { ...NO_INPUT, ...operation, httpOnly: true };
}

function validOrThrow(errors: FieldError[]): void {
  if (errors.length > 0) throw new ApiError('VALIDATION_ERROR', { errors });
}

/** The optional `?orgId=` of reset and state: a non-empty string. */
function orgIdOf(query: Record<string, unknown>): string | undefined {
  const orgId = query.orgId;
  if (orgId === undefined) return undefined;
  if (typeof orgId !== 'string' || orgId === '') {
    const received = Array.isArray(orgId) ? 'array' : typeof orgId;
    throw new ApiError('VALIDATION_ERROR', {
      errors: [
        { field: 'orgId', message: orgId === '' ? 'String must contain at least 1 character(s)' : `Expected string, received ${received}` },
      ],
    });
  }
  return orgId;
}

/** An operation without input. */
const NO_INPUT = {
  input: (): undefined => undefined,
  toHttp: (): AdminHttpRequest => ({}),
  fromHttp: (): undefined => undefined,
};

/** An operation whose input is the optional `?orgId=`. */
const ORG_ID_INPUT = {
  querySchema: 'orgId',
  input: (options?: { orgId?: string }): { orgId?: string } => ({ orgId: options?.orgId }),
  toHttp: ({ orgId }: { orgId?: string }): AdminHttpRequest => ({ query: { orgId } }),
  fromHttp: ({ query }: AdminHttpInput): { orgId?: string } => ({ orgId: orgIdOf(query) }),
};

/** An operation whose input is the whole JSON body (`{}` when none is sent). */
function bodyInput<T>(schema: string) {
  return {
    bodySchema: schema,
    input: (value?: T): T => value ?? ({} as T),
    toHttp: (value: T): AdminHttpRequest => ({ body: value }),
    fromHttp: ({ body }: AdminHttpInput): T => (body ?? {}) as T,
  };
}

/** Query values arrive as text: the filter's numbers are converted as its schema says. */
const toJournalFilter = coerceQueryFor('journal-filter.schema.json');

/** A 422 on `field` when the clock cannot show `ms` (it then stays where it is). */
function validClockInstantOrThrow(ms: number, field: string): void {
  const problem = clockRangeProblem(ms);
  if (problem !== undefined) validOrThrow([{ field, message: problem }]);
}

function clockState(clock: ControllableClock): ClockState {
  return { now: new Date(clock.now()).toISOString(), frozen: clock.isFrozen() };
}

/**
 * One page of an organisation's records of a collection, from the collection's own list operation
 * (its query schema, paging and order), as if the organisation's key had asked.
 */
async function listRecords(parts: AdminParts, { orgId, collection, query }: RecordsQuery): Promise<unknown> {
  const resource = parts.resources.find((r) => r.module.name === collection);
  const list = resource?.module.operations.find((o) => o.method === 'GET' && 'page' in o.response && o.query !== undefined);
  if (resource === undefined || list === undefined) throw new ApiError('NOT_FOUND');
  const checked = queryReaderFor(list.query as string)(query);
  const answer = await list.handle(resource.instance.api, { orgId, params: {}, query: checked, body: undefined, path: list.path });
  return answer.body;
}

function selectJournal(journal: Journal, filter: JournalFilter): JournalEntry[] {
  validOrThrow(checkFor('journal-filter.schema.json')(filter));
  return journal.select(filter);
}

/**
 * The admin operations. The handles call them by their place in this tree (`fake.faults.add`).
 *
 * @example
 * ADMIN_OPERATIONS.faults.add.path; // '/faults'
 */
export const ADMIN_OPERATIONS = {
  health: op({
    ...NO_INPUT,
    method: 'GET',
    path: '/health',
    summary:
      'Readiness: 503 until the store is loaded and the server listens, and while the store file cannot be written (with the reason); then status, version, uptime and record counts (HEAD too)',
    run: async (parts): Promise<Health> => {
      if (!parts.readiness.ready) throw new ApiError('NOT_READY');
      // After a failed write this tries one, so that a store that can be written again says so at once.
      await parts.store.check();
      return { status: 'ok', version: packageVersion(), uptimeMs: Math.round(parts.readiness.uptimeMs()), ...countsOf(parts) };
    },
  }),
  reset: op({
    ...ORG_ID_INPUT,
    method: 'POST',
    path: '/reset',
    summary:
      'Back to the seeded state (records from the seed, journal, fault rules, rate-limit counts, clock, ids, scheduled tasks); ?orgId= resets only that organisation',
    async run(parts, { orgId }): Promise<ResetSummary> {
      // A store that cannot be written refuses the reset before anything is reset (503).
      await parts.store.check();
      const collections = collectionsOf(parts.resources.map((r) => r.module)).map((c) => c.name);
      if (orgId !== undefined) {
        parts.rateLimits.reset(parts.apiKeys.filter((k) => k.orgId === orgId));
        parts.journal.clear(orgId);
        return { reset: [...collections, 'journal', 'rateLimits'], orgId, ...(await parts.seed(orgId)) };
      }
      // The clock and id sequences first, so that the seeded records get their start-up ids and times.
      parts.scheduler.clear();
      parts.clock.reset();
      parts.ids.reset();
      parts.random.reset();
      parts.faultRules.reset();
      parts.rateLimits.reset();
      parts.journal.clear();
      return { reset: [...collections, 'journal', 'faults', 'rateLimits', 'clock', 'ids'], ...(await parts.seed()) };
    },
  }),
  journal: {
    list: op({
      method: 'GET',
      path: '/journal',
      deprecatedPaths: ['/requests'],
      summary:
        'The request journal, oldest first; filters method, path, status, orgId, since, after (a cursor: entries after req_N), limit',
      querySchema: 'journal-filter.schema.json',
      input: (filter?: JournalFilter): JournalFilter => filter ?? {},
      toHttp: (filter: JournalFilter): AdminHttpRequest => ({ query: { ...filter } }),
      fromHttp: ({ query }: AdminHttpInput): JournalFilter => toJournalFilter(query) as JournalFilter,
      run: (parts, filter): { requests: JournalEntry[] } => ({ requests: selectJournal(parts.journal, filter) }),
      result: (body): JournalEntry[] => body.requests,
    }),
    count: op({
      ...bodyInput<Omit<JournalFilter, 'limit'>>('journal-filter.schema.json'),
      method: 'POST',
      path: '/journal/count',
      deprecatedPaths: ['/requests/count'],
      summary: 'Count journal entries matching the body (method, path, status, orgId, since, after)',
      run: (parts, match): { count: number } => ({ count: selectJournal(parts.journal, { ...match, limit: undefined }).length }),
      result: (body): number => body.count,
    }),
    clear: op({
      ...NO_INPUT,
      method: 'DELETE',
      path: '/journal',
      deprecatedPaths: ['/requests'],
      status: 204,
      summary: 'Clear the request journal (204)',
      run: (parts): void => parts.journal.clear(),
    }),
  },
  faults: {
    add: op({
      ...bodyInput<FaultRuleInput>('fault-rule.schema.json'),
      method: 'POST',
      path: '/faults',
      status: 201,
      summary: 'Add a fault rule (body: one rule); 201 with the stored rule, its id, remaining and hits',
      run: (parts, rule): ListedFaultRule => {
        validOrThrow(checkFaultRule(rule));
        validOrThrow(checkFaultRuleFires(rule, parts.apiKeys, apiSegmentsOf(parts.resources.map((r) => r.module))));
        return parts.faultRules.add(rule);
      },
    }),
    list: op({
      ...NO_INPUT,
      method: 'GET',
      path: '/faults',
      summary: 'The fault rules in the order they are tried, with remaining and hits',
      run: (parts): { faults: ListedFaultRule[] } => ({ faults: parts.faultRules.list() }),
      result: (body): ListedFaultRule[] => body.faults,
    }),
    remove: op({
      method: 'DELETE',
      path: '/faults/:id',
      status: 204,
      summary: 'Remove one fault rule (204; 404 if unknown)',
      input: (id: string): string => id,
      toHttp: (id: string): AdminHttpRequest => ({ params: { id } }),
      fromHttp: ({ params }: AdminHttpInput): string => params.id ?? '',
      run: (parts, id): void => {
        if (!parts.faultRules.remove(id)) throw new ApiError('NOT_FOUND');
      },
    }),
    clear: op({
      ...NO_INPUT,
      method: 'DELETE',
      path: '/faults',
      status: 204,
      summary: 'Remove every fault rule (204)',
      run: (parts): void => parts.faultRules.clear(),
    }),
  },
  clock: {
    now: op({
      ...NO_INPUT,
      method: 'GET',
      path: '/clock',
      summary: "The fake's clock: {now, frozen}",
      run: (parts): ClockState => clockState(parts.clock),
      result: (body): string => body.now,
    }),
    set: op({
      method: 'PUT',
      path: '/clock',
      summary: 'Set the clock: {now?, frozen?}; answers the new {now, frozen}; scheduled tasks now due run',
      bodySchema: 'clock-setting.schema.json',
      input: (iso: string, options: { frozen?: boolean } = {}): { now?: string; frozen?: boolean } => ({ now: iso, ...options }),
      toHttp: (setting: { now?: string; frozen?: boolean }): AdminHttpRequest => ({ body: setting }),
      fromHttp: ({ body }: AdminHttpInput): { now?: string; frozen?: boolean } => (body ?? {}) as { now?: string; frozen?: boolean },
      run: (parts, setting): ClockState => {
        validOrThrow(checkFor('clock-setting.schema.json')(setting));
        const { clock } = parts;
        const now = setting.now === undefined ? clock.now() : parseInstant(setting.now);
        if (now === undefined) validOrThrow([{ field: 'now', message: 'Invalid datetime' }]);
        validClockInstantOrThrow(now as number, 'now');
        clock.set(now as number, setting.frozen ?? clock.isFrozen());
        return clockState(clock);
      },
    }),
    advance: op({
      method: 'POST',
      path: '/clock/advance',
      summary: 'Move the clock by {ms}; answers the new {now, frozen}; scheduled tasks now due run',
      bodySchema: 'clock-advance.schema.json',
      input: (ms: number): { ms: number } => ({ ms }),
      toHttp: (input: { ms: number }): AdminHttpRequest => ({ body: input }),
      fromHttp: ({ body }: AdminHttpInput): { ms: number } => ({ ms: (body as { ms?: unknown } | undefined)?.ms as number }),
      run: (parts, input): ClockState => {
        validOrThrow(checkFor('clock-advance.schema.json')(input));
        validClockInstantOrThrow(parts.clock.now() + input.ms, 'ms');
        parts.clock.advance(input.ms);
        return clockState(parts.clock);
      },
    }),
  },
  organisations: {
    list: op({
      ...NO_INPUT,
      method: 'GET',
      path: '/organisations',
      summary: 'The organisations the API keys belong to, each with the record count of every collection',
      run: (parts): { organisations: OrganisationSummary[] } => ({
        organisations: [...new Set(parts.apiKeys.map((k) => k.orgId))].map((orgId) => ({ orgId, ...countsOf(parts, orgId) })),
      }),
      result: (body): OrganisationSummary[] => body.organisations,
    }),
    records: op({
      method: 'GET',
      path: '/organisations/:orgId/:collection',
      summary:
        "One page of an organisation's records of a collection (clients, requests), answered by the collection's list operation with its query (page, limit, filters), without an API key; 404 for a collection without one",
      input: (orgId: string, collection: string, query: RecordsQuery['query'] = {}): RecordsQuery => ({ orgId, collection, query }),
      toHttp: ({ orgId, collection, query }: RecordsQuery): AdminHttpRequest => ({ params: { orgId, collection }, query }),
      fromHttp: ({ params, query }: AdminHttpInput): RecordsQuery => ({
        orgId: params.orgId ?? '',
        collection: params.collection ?? '',
        query: query as RecordsQuery['query'],
      }),
      run: listRecords,
    }),
  },
  state: {
    export: op({
      ...ORG_ID_INPUT,
      method: 'GET',
      path: '/state',
      summary: 'Export the records, all or ?orgId=, by collection ({clients: [...], ...})',
      run: (parts, { orgId }): StateSnapshot => exportState(parts, orgId),
      runJson: (parts, { orgId }) => exportStateJson(parts, orgId),
    }),
    import: op({
      method: 'PUT',
      path: '/state',
      summary:
        'Replace the records (all, or ?orgId=) from the exported shape; 422 and nothing changed when invalid. The body may be any size (not bound by --body-limit): it is parsed as it arrives',
      querySchema: 'orgId',
      bodySchema: STATE_SCHEMA,
      bodyOfAnySize: true,
      input: (data: StateInput, options?: { orgId?: string }) => ({ data: data as unknown, orgId: options?.orgId }),
      toHttp: ({ data, orgId }: { data: unknown; orgId?: string }): AdminHttpRequest => ({ body: data, query: { orgId } }),
      fromHttp: ({ body, query }: AdminHttpInput) => ({ data: body, orgId: orgIdOf(query) }),
      run: (parts, { data, orgId }: { data: unknown; orgId?: string }): Promise<CollectionCounts> => {
        validOrThrow(checkFor(STATE_SCHEMA)(data));
        return importState(parts, data as StateInput, orgId);
      },
    }),
  },
  openapi: httpOnly({
    method: 'GET',
    path: '/openapi.json',
    summary: 'This document: the OpenAPI 3.1 description of the admin API',
    run: (parts): Record<string, unknown> => adminOpenApi(flattenAdminOperations(parts.operations)),
  }),
};

/** Whether a tree entry is an operation rather than a branch. */
export function isAdminOperation<T extends { run: unknown }>(entry: T | object): entry is T {
  return typeof (entry as { run?: unknown }).run === 'function';
}

/** A resource's operations as core ones: under `/<resource>`, running on the resource's own API. */
function mountResourceTree(name: string, tree: ResourceAdminTree<unknown>): AdminOperationTree {
  return Object.fromEntries(
    Object.entries(tree).map(([key, entry]) => {
      if (!isAdminOperation<ResourceAdminOperation<unknown>>(entry))
        return [key, mountResourceTree(name, entry as ResourceAdminTree<unknown>)];
      const mounted: AnyAdminOperation = {
        ...entry,
        path: `/${name}${entry.path}`,
        deprecatedPaths: entry.deprecatedPaths?.map((path) => `/${name}${path}`),
        run: (parts: AdminParts, input: unknown) => {
          const resource = parts.resources.find((r) => r.module.name === name);
          if (resource === undefined) throw new ApiError('NOT_FOUND');
          return entry.run(resource.instance.api, input);
        },
      };
      return [key, mounted];
    }),
  );
}

/**
 * The admin operations of an app serving these resources: the core table, and each resource's
 * under its name.
 *
 * @example
 * const operations = adminOperationTree(RESOURCES); // operations.faults.add, operations.requests?.complete
 */
export function adminOperationTree(resources: readonly ResourceModule[]): AdminOperationTree {
  const tree: AdminOperationTree = { ...ADMIN_OPERATIONS };
  for (const resource of resources) {
    if (resource.admin === undefined) continue;
    if (resource.name in tree) throw new Error(`the resource ${resource.name} shadows the admin operation of that name`);
    tree[resource.name] = mountResourceTree(resource.name, resource.admin as ResourceAdminTree<unknown>);
  }
  return tree;
}

/** Every operation of a tree with its dotted name (`faults.add`), in declaration order. */
export function flattenAdminOperations(tree: AdminOperationTree, prefix = ''): [string, AnyAdminOperation][] {
  return Object.entries(tree).flatMap(([name, entry]) =>
    isAdminOperation<AnyAdminOperation>(entry)
      ? [[`${prefix}${name}`, entry] as [string, AnyAdminOperation]]
      : flattenAdminOperations(entry as AdminOperationTree, `${prefix}${name}.`),
  );
}

/** A handle's methods, typed from a table of operations (HTTP-only ones left out). */
export type AdminHandleOf<T> = {
  [K in keyof T as T[K] extends { httpOnly: true } ? never : K]: T[K] extends AdminOperation<
    infer Args,
    infer _Input,
    infer _Body,
    infer Result
  >
    ? (...args: Args) => Promise<Result>
    : AdminHandleOf<T[K]>;
};

/**
 * A handle's methods, typed from a resource's admin tree (see `ResourceAdminHandles`).
 *
 * @example
 * type RequestsHandle = ResourceAdminHandleOf<typeof REQUEST_ADMIN>; // { completeStep(id): Promise<...>, ... }
 */
export type ResourceAdminHandleOf<T> = {
  [K in keyof T]: T[K] extends { call(send: never, ...args: infer Args): infer Called }
    ? (...args: Args) => Called
    : T[K] extends { input(...args: infer Args): unknown; run(...args: never[]): infer Body }
      ? (...args: Args) => Promise<T[K] extends { result(body: never): infer Result } ? Result : Awaited<Body>>
      : ResourceAdminHandleOf<T[K]>;
};
