// The composition root: createApp wires the injected parts and the resources into one express app
// (it never listens).
import type { RequestListener } from 'node:http';
import express from 'express';
import { adminOperationTree, type AdminParts } from './admin/operations.js';
import { serveInspector } from './admin/inspector.js';
import { ADMIN_BASE, createAdminRouter, readsItsOwnBody } from './admin/router.js';
import { createSeeder, isEmpty, type StateInput } from './admin/state.js';
import { createApiDispatcher } from './api/dispatcher.js';
import { collectionsOf, indexesOf, type OrganisationProfile, type ResourceModule, type RunningResource } from './api/resource.js';
import { registerResourceSchemas } from './api/schemas.js';
import { ApiKeyRing, type ApiKey } from './auth/api-keys.js';
import { authenticate } from './auth/authenticate.js';
import { createClock, type ControllableClock } from './clock.js';
import type { Config } from './config.js';
import { StartupError } from './errors.js';
import { loadApiKeys, loadOrganisations, loadSeed, seedFromValue } from './fixtures.js';
import { createEventBus, type EventBus } from './events.js';
import type { FaultRuleInput } from './faults/fault-rule.js';
import { FaultRules } from './faults/fault-rules.js';
import { apiSegmentsOf, checkFaultRuleFires } from './faults/reachable.js';
import { createFaultInjector } from './faults/inject.js';
import { parseJsonBody } from './http/body.js';
import { compose } from './http/compose.js';
import { allowCrossOrigin } from './http/cors.js';
import { handleErrors, notFound } from './http/error-handler.js';
import { requireHost } from './http/host.js';
import { DEFAULT_OUTBOUND, type OutboundOptions } from './http/outbound.js';
import { createOutboundQueues } from './http/outbound-queues.js';
import { messageClassesOf, type MessageClasses } from './http/message-classes.js';
import { logRequests } from './http/request-log.js';
import { sendJson } from './http/respond.js';
import { createIds, type Ids } from './ids.js';
import { Journal } from './journal/journal.js';
import { recordRequests } from './journal/record-requests.js';
import { createLogger, type Logger } from './logger.js';
import { apiOpenApi } from './openapi/openapi.js';
import { createRandomStreams, type RandomStreams } from './random.js';
import { createRateLimits } from './rate-limit/rate-limits.js';
import { RESOURCES } from './resources/index.js';
import { createScheduler, type Scheduler } from './scheduler.js';
import { Store } from './store/store.js';

/** What the app is built from; what is left out comes from the config (a memory store by default). */
export interface AppDeps {
  store?: Store;
  /** The keys the fake accepts; default the config's keys file. */
  apiKeys?: readonly ApiKey[];
  /** The organisations' profiles, by orgId; default the config's keys file's. */
  organisations?: Readonly<Record<string, OrganisationProfile>>;
  /** The records a reset restores, by collection (checked like a seed file, and copied); default the config's seed file. */
  seed?: StateInput;
  clock?: ControllableClock;
  /** Id generators by prefix. */
  ids?: Ids;
  /** Random streams by name (ids, fault probabilities, resources' synthetic data). */
  random?: RandomStreams;
  logger?: Logger;
  /** Start-up fault rules besides the config's (e.g. from --faults FILE). */
  faultRules?: readonly FaultRuleInput[];
  /** Waits for fault delays; tests inject one that does not really wait. */
  delay?: (ms: number) => Promise<void>;
  /** The resources to serve; default every resource of `src/resources/`. */
  resources?: readonly ResourceModule[];
  /** The system's time (signature timestamps of webhooks); default `Date.now`. */
  realNow?: () => number;
  /** How requests go out of the fake (webhooks): overrides of {@link DEFAULT_OUTBOUND}, e.g. a short timeout. */
  outbound?: Partial<OutboundOptions>;
}

/** The built app and the parts a server or a test drives it through. */
export interface FakeApp {
  /**
   * The app, as a request listener: pass it to `http.createServer`, or mount it in an express app
   * with `use`. (Typed with node:http's types only, so that users need no express types.)
   */
  app: RequestListener;
  /** The classes a server of `app` creates requests and answers with (see message-classes.ts). */
  messageClasses: MessageClasses;
  clock: ControllableClock;
  ids: Ids;
  keys: ApiKeyRing;
  logger: Logger;
  events: EventBus;
  scheduler: Scheduler;
  /** What the admin operations act on (the in-process handle runs on these). */
  admin: AdminParts;
  /** Says the app is serving: `/__admin/health` answers 503 until then. */
  markReady(): void;
  /**
   * Puts the seed into a new store that holds no record (a store file that did not exist, or
   * memory): a store file that exists keeps what it holds, even nothing, and gets only what the
   * options ask for that it lacks (the `--webhook` subscriptions). Either way the resources then
   * take up their stored records (their scheduled tasks, say).
   */
  seedIfEmpty(): Promise<void>;
  /**
   * Ends requests that fault injection holds open (hang, delay), scheduled tasks, the resources'
   * background work and outgoing requests, for a prompt close.
   */
  releaseHeld(): void;
  /** Lines the resources add to the command line's start-up banner (a generated webhook secret, say). */
  startupNotes(): string[];
}

/** Where the OpenAPI document of the API is served: like the API, at both bases. */
const OPENAPI_PATHS = ['/openapi.json', '/v2/api/openapi.json'];

/**
 * What express serves a path as, besides the API: the admin API or the OpenAPI document. Express
 * matches routes ignoring case and a trailing slash, so this does too (`/__ADMIN/health/` is the
 * health check).
 */
function servedAs(path: string): 'health' | 'admin' | 'document' | undefined {
  const route = path.toLowerCase().replace(/\/+$/, '');
  if (route === '/__admin/health') return 'health';
  if (route === '/__admin' || route.startsWith('/__admin/')) return 'admin';
  return OPENAPI_PATHS.includes(route) ? 'document' : undefined;
}

/** The stateful parts the config describes, for those the caller did not supply. */
export function createParts(
  config: Config,
  given: Pick<AppDeps, 'clock' | 'ids' | 'random' | 'logger'> = {},
): Required<Pick<AppDeps, 'clock' | 'ids' | 'random' | 'logger'>> {
  const clock = given.clock ?? createClock(config.clock);
  const random = given.random ?? createRandomStreams(config.randomSeed);
  return {
    clock,
    random,
    ids: given.ids ?? createIds(clock, random),
    logger: given.logger ?? createLogger(config.logLevel, (line) => console.error(line)),
  };
}

/** Whether a seed (by collection) holds any entry. */
function hasEntries(seed: Readonly<Record<string, readonly unknown[] | undefined>>): boolean {
  return Object.values(seed).some((entries) => (entries?.length ?? 0) > 0);
}

/**
 * Builds the fake's express app, to mount in an app of your own (startFake() is the way to run one).
 *
 * @example
 * const fake = createApp(parseConfig({ seed: 'none' }, {}, PROGRAMMATIC_DEFAULTS));
 * await fake.seedIfEmpty();
 * myApp.use(fake.app);
 * fake.markReady();
 */
export function createApp(config: Config, given: AppDeps = {}): FakeApp {
  const { clock, ids, random, logger } = createParts(config, given);
  const modules = given.resources ?? RESOURCES;
  registerResourceSchemas(modules);
  // The seed file's entries go to the seeder alone, which lets them go once the store keeps the seed.
  const { seed: givenSeed, ...givenParts } = given;
  const seedFile = givenSeed === undefined ? (config.seedFile === undefined ? {} : loadSeed(config.seedFile)) : seedFromValue(givenSeed);
  const seedFileHasEntries = hasEntries(seedFile);
  const deps = {
    ...givenParts,
    store:
      given.store ??
      Store.inMemory(
        collectionsOf(modules).map((c) => c.name),
        indexesOf(modules),
      ),
    apiKeys: given.apiKeys ?? loadApiKeys(config.keysFile),
    organisations: given.organisations ?? loadOrganisations(config.keysFile),
  };
  const keys = new ApiKeyRing(deps.apiKeys);
  const events = createEventBus(deps.store, (error) =>
    logger.error(`an event listener failed: ${(error as Error)?.stack ?? String(error)}`),
  );
  const scheduler = createScheduler(clock, (error) => logger.error(`a scheduled task failed: ${(error as Error)?.stack ?? String(error)}`));
  const outbound = createOutboundQueues({ ...DEFAULT_OUTBOUND, ...deps.outbound }, (error) =>
    logger.error(`the outbound requests' worker failed: ${(error as Error)?.stack ?? String(error)}`),
  );
  const orgIds = [...new Set([...deps.apiKeys.map((k) => k.orgId), ...Object.keys(deps.organisations)])];
  const resources: RunningResource[] = modules.map((module) => ({
    module,
    instance: module.create({
      store: deps.store,
      clock,
      ids: ids.for(module.collections[0]?.idPrefix ?? `${module.name}_`),
      idsFor: (prefix) => ids.for(prefix),
      realNow: deps.realNow ?? Date.now,
      outbound,
      config,
      orgIds,
      random: (name) => random.stream(`${module.name}:${name}`),
      scheduler,
      events,
      logger,
      organisation: (orgId) => (Object.hasOwn(deps.organisations, orgId) ? deps.organisations[orgId] : undefined),
      magicDelayMs: config.magicDelayMs,
    }),
  }));
  const rateLimits = createRateLimits({ limit: config.rateLimit, windowSeconds: config.rateWindowSeconds }, deps.apiKeys, clock);
  const startupRules = [...config.faultRules, ...(deps.faultRules ?? [])];
  const segments = apiSegmentsOf(modules);
  for (const rule of startupRules) {
    const never = checkFaultRuleFires(rule, deps.apiKeys, segments)[0];
    if (never !== undefined) throw new StartupError(`fault rule ${JSON.stringify(rule)}: ${never.field}: ${never.message}`);
  }
  const faultRules = new FaultRules(startupRules, random.stream('faults'));
  const faults = createFaultInjector({ rules: faultRules, rateLimits, clock, delay: deps.delay });
  const journal = new Journal({ capacity: config.journalSize, maxBytes: config.journalBytes });
  const seed = createSeeder({ resources, store: deps.store, clock, ids }, seedFile);
  const startedAt = performance.now();
  const readiness = { ready: false, uptimeMs: () => performance.now() - startedAt };
  const admin: AdminParts = {
    resources,
    store: deps.store,
    apiKeys: deps.apiKeys,
    clock,
    ids,
    random,
    scheduler,
    faultRules,
    rateLimits,
    journal,
    seed,
    readiness,
    operations: adminOperationTree(modules),
  };

  const app = express();
  const messageClasses = messageClassesOf(app);
  app.disable('x-powered-by');
  // ETags would cost a hash per answer and make clients' conditional requests behave unlike the real API.
  app.set('etag', false);
  app.set('query parser', 'simple');

  // The middleware chain, in the order a request meets it. The steps of the hot path run as one
  // express layer (see compose.ts); the admin API and the document are ordinary express routes.
  app.use(
    compose(
      // 1. one log line per request, when info lines are wanted
      //    (health probes at debug)
      ...(logger.enabled('info') ? [logRequests(logger, (path) => servedAs(path) === 'health')] : []),
      // 2. the request journal (every call but the admin API's and the OpenAPI document's)
      recordRequests({ journal, clock, skip: (path) => servedAs(path) !== undefined }),
      // 3. a Host header, as HTTP/1.1 requires (400)
      requireHost,
      // 4. CORS headers, and the answer to preflights, unless --no-cors
      ...(config.cors ? [allowCrossOrigin()] : []),
      // 5. JSON bodies (400 malformed or too deep, 413 too large, 415 not JSON), but those of any
      //    size (a state import), which their admin route reads once the admin token is checked
      ...parseJsonBody(config.bodyLimitBytes, readsItsOwnBody(admin.operations)),
      // 6. every resource's operations at the root and under /v2/api: the API key (401), injected
      //    failures (magic keys, Prefer: code=, fault rules; never counted), the rate limit (429,
      //    when on), then the operation (404, 405, 422, or its answer)
      createApiDispatcher({
        resources,
        strict: config.strict,
        stages: [authenticate(keys), faults.middleware, ...(rateLimits.active ? [rateLimits.middleware] : [])],
      }),
    ),
  );
  // 7. the inspector page's files (no data: the page reads it from the admin API with the token)
  app.use('/__admin/ui', serveInspector());
  // 8. the admin API (no API key; the admin token when one is set)
  app.use(ADMIN_BASE, createAdminRouter(admin.operations, admin, config.adminToken));
  // 9. the OpenAPI document of the API (no API key)
  app.get(OPENAPI_PATHS, (_req, res) => sendJson(res, 200, apiOpenApi(modules)));
  // 10. anything else is a 404 in the envelope
  app.use(notFound);
  // 11. every error becomes the envelope
  app.use(handleErrors(logger));

  return {
    app,
    messageClasses,
    clock,
    ids,
    keys,
    logger,
    events,
    scheduler,
    admin,
    markReady() {
      readiness.ready = true;
    },
    async seedIfEmpty() {
      const seeded = seedFileHasEntries || resources.some(({ instance }) => hasEntries(instance.state.seedEntries?.() ?? {}));
      if (!deps.store.existed && isEmpty(admin) && seeded) await seed();
      else {
        for (const { instance } of resources) await instance.state.ensureOnStart?.();
        for (const { instance } of resources) instance.state.afterLoad?.();
      }
    },
    releaseHeld() {
      faults.releaseHeld();
      scheduler.stop();
      for (const { instance } of resources) instance.stop?.();
      outbound.close();
    },
    startupNotes() {
      return resources.flatMap(({ instance }) => instance.startupNotes?.() ?? []);
    },
  };
}
