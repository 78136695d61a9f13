// The composition root: createApp wires the injected parts into one express app (it never listens).
import express, { type Express } from 'express';
import { createControls, type FakeControls } from './admin/controls.js';
import { adminRoutes, createAdminRouter } from './admin/routes.js';
import { ApiKeyRing, type ApiKey } from './auth/api-keys.js';
import { authenticate } from './auth/authenticate.js';
import { createClientsRoutes, forClientsPaths } from './clients/routes.js';
import { createClientsService } from './clients/service.js';
import { createClock, type ControllableClock } from './clock.js';
import type { Config } from './config.js';
import type { FaultRuleInput } from './faults/fault-rule.js';
import { FaultRules } from './faults/fault-rules.js';
import { createFaultInjector } from './faults/inject.js';
import { parseJsonBody } from './http/body.js';
import { compose } from './http/compose.js';
import { allowCrossOrigin } from './http/cors.js';
import { requireHost } from './http/host.js';
import { handleErrors, notFound } from './http/error-handler.js';
import { logRequests } from './http/request-log.js';
import { sendJson } from './http/respond.js';
import { clientsOpenApi } from './openapi/openapi.js';
import { createClientIdGenerator, type IdGenerator } from './ids.js';
import { createLogger, type Logger } from './logger.js';
import { createRandom, deriveSeed, type RandomSource } from './random.js';
import { createRateLimits } from './rate-limit/rate-limits.js';
import type { ClientSeed } from './clients/records.js';
import { Journal, recordRequests } from './journal/journal.js';
import type { ClientStore } from './store/client-store.js';

/** What the app is built from. The store and keys are required; the rest default from the config. */
export interface AppDeps {
  store: ClientStore;
  apiKeys: readonly ApiKey[];
  /** The starting clients a reset restores. */
  seed?: readonly ClientSeed[];
  clock?: ControllableClock;
  ids?: IdGenerator;
  /** The random source of fault probabilities. */
  random?: RandomSource;
  logger?: Logger;
  /** Start-up fault rules besides the config's (e.g. from --faults FILE). */
  faultRules?: readonly FaultRuleInput[];
  /** Waits for fault delays; tests inject one that does not really wait. */
  delay?: (ms: number) => Promise<void>;
}

/** The built app and the parts a server or a test drives it through. */
export interface FakeApp {
  /** The express app: pass it to `http.createServer` or `app.listen`. */
  app: Express;
  clock: ControllableClock;
  ids: IdGenerator;
  keys: ApiKeyRing;
  logger: Logger;
  controls: FakeControls;
  /** Ends requests that fault injection holds open (hang, delay), for a prompt close. */
  releaseHeld(): void;
}

/** Where the OpenAPI document of the clients API is served: like the API, at both bases. */
const OPENAPI_PATHS = ['/openapi.json', '/v2/api/openapi.json'];

/** The stateful parts the config describes, for those the caller did not supply. */
export function createParts(
  config: Config,
  given: Pick<AppDeps, 'clock' | 'ids' | 'random' | 'logger'> = {},
): Required<Pick<AppDeps, 'clock' | 'ids' | 'random' | 'logger'>> {
  const seed = config.randomSeed;
  // Ids and fault draws use separate streams, so that one never shifts the other.
  const stream = (n: number): RandomSource => createRandom(seed === undefined ? undefined : deriveSeed(seed, n));
  const clock = given.clock ?? createClock(config.clock);
  return {
    clock,
    ids: given.ids ?? createClientIdGenerator(clock, stream(1)),
    random: given.random ?? stream(2),
    logger: given.logger ?? createLogger(config.logLevel, (line) => console.error(line)),
  };
}

/**
 * Builds the fake's express app.
 *
 * @example
 * const store = await ClientStore.open({ kind: 'memory' });
 * const { app } = createApp(parseConfig({}, {}, PROGRAMMATIC_DEFAULTS), { store, apiKeys: loadApiKeys(file) });
 * app.listen(0);
 */
export function createApp(config: Config, deps: AppDeps): FakeApp {
  const { clock, ids, random, logger } = createParts(config, deps);
  const keys = new ApiKeyRing(deps.apiKeys);
  const clients = createClientsService({ store: deps.store, clock, ids, strict: config.strict });
  const rateLimits = createRateLimits(
    { limit: config.rateLimit, windowSeconds: config.rateWindowSeconds },
    deps.apiKeys,
    clock,
  );
  const faultRules = new FaultRules([...config.faultRules, ...(deps.faultRules ?? [])], random);
  const faults = createFaultInjector({ rules: faultRules, rateLimits, clock, delay: deps.delay });
  const journal = new Journal(config.journalSize);
  const controls = createControls({
    store: deps.store,
    seed: deps.seed ?? [],
    apiKeys: deps.apiKeys,
    clock,
    ids,
    random,
    faultRules,
    rateLimits,
    journal,
  });

  const app = express();
  app.disable('x-powered-by');
  // ETags would cost a hash per answer and make clients' conditional requests behave unlike the real API.
  app.set('etag', false);
  app.set('query parser', 'simple');

  // The middleware chain, in the order a request meets it. The steps of the hot path run as one
  // express layer (see compose.ts); the admin API and the document are ordinary express routes.
  app.use(
    compose(
      // 1. one log line per request, when info lines are wanted
      ...(logger.enabled('info') ? [logRequests(logger)] : []),
      // 2. the request journal (every call but the admin API's and the OpenAPI document's)
      recordRequests({ journal, clock, skip: (path) => path.startsWith('/__admin') || OPENAPI_PATHS.includes(path) }),
      // 3. a Host header, as HTTP/1.1 requires (400)
      requireHost,
      // 4. CORS headers, and the answer to preflights, unless --no-cors
      ...(config.cors ? [allowCrossOrigin()] : []),
      // 5. JSON bodies (400 malformed or too deep, 413 too large, 415 not JSON)
      ...parseJsonBody(config.bodyLimitBytes),
      // 6. the clients API at the root and under /v2/api: the API key (401), injected failures
      //    (magic keys, Prefer: code=, fault rules; never counted), the rate limit (429, when on),
      //    the routes
      forClientsPaths(
        compose(
          authenticate(keys),
          faults.middleware,
          ...(rateLimits.active ? [rateLimits.middleware] : []),
          createClientsRoutes(clients),
        ),
      ),
    ),
  );
  // 7. the admin API (no API key; the admin token when one is set)
  app.use('/__admin', createAdminRouter(adminRoutes(controls), config.adminToken));
  // 8. the OpenAPI document of the clients API (no API key)
  app.get(OPENAPI_PATHS, (_req, res) => sendJson(res, 200, clientsOpenApi()));
  // 9. anything else is a 404 in the envelope
  app.use(notFound);
  // 10. every error becomes the envelope
  app.use(handleErrors(logger));

  return { app, clock, ids, keys, logger, controls, releaseHeld: faults.releaseHeld };
}
