// The composition root: createApp wires the injected parts into one express app (it never listens).
import express, { type Express } from 'express';
import { createControls, type FakeControls } from './admin/controls.js';
import { adminRoutes, createAdminRouter } from './admin/routes.js';
import { ApiKeyRing, type ApiKey } from './auth/api-keys.js';
import { authenticate } from './auth/authenticate.js';
import { createClientsRouter } from './clients/routes.js';
import { createClientsService } from './clients/service.js';
import { createClock, type ControllableClock } from './clock.js';
import type { Config } from './config.js';
import { parseJsonBody } from './http/body.js';
import { handleErrors, notFound } from './http/error-handler.js';
import { logRequests } from './http/request-log.js';
import { createClientIdGenerator, type IdGenerator } from './ids.js';
import { createLogger, type Logger } from './logger.js';
import { createRandom } from './random.js';
import type { ClientStore } from './store/client-store.js';

/** What the app is built from. The store and keys are required; the rest have defaults. */
export interface AppDeps {
  store: ClientStore;
  apiKeys: readonly ApiKey[];
  clock?: ControllableClock;
  ids?: IdGenerator;
  logger?: Logger;
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
}

/** Paths the clients API is served at: the root, and the real API's base path. */
export const CLIENTS_PATHS = ['/clients', '/v2/api/clients'];

/**
 * Builds the fake's express app.
 *
 * @example
 * const store = await ClientStore.open({ kind: 'memory' });
 * const { app } = createApp(parseConfig({}, {}, PROGRAMMATIC_DEFAULTS), { store, apiKeys: loadApiKeys(file) });
 * app.listen(0);
 */
export function createApp(config: Config, deps: AppDeps): FakeApp {
  const clock = deps.clock ?? createClock({ mode: 'system' });
  const ids = deps.ids ?? createClientIdGenerator(clock, createRandom());
  const logger = deps.logger ?? createLogger(config.logLevel, (line) => console.error(line));
  const keys = new ApiKeyRing(deps.apiKeys);
  const clients = createClientsService({ store: deps.store, clock, ids, strict: config.strict });
  const controls = createControls({ store: deps.store });

  const app = express();
  app.disable('x-powered-by');
  // ETags would cost a hash per answer and make clients' conditional requests behave unlike the real API.
  app.set('etag', false);
  app.set('query parser', 'simple');

  // The middleware chain, in the order a request meets it:
  // 1. one log line per request, when info lines are wanted
  if (logger.enabled('info')) app.use(logRequests(logger));
  // 2. JSON bodies (400 malformed, 413 too large, 415 not JSON)
  app.use(parseJsonBody(config.bodyLimitBytes));
  // 3. the admin API (no API key; the admin token when one is set)
  app.use('/__admin', createAdminRouter(adminRoutes(controls), config.adminToken));
  // 4. the API key, then the clients routes, at the root and under /v2/api
  app.use(CLIENTS_PATHS, authenticate(keys), createClientsRouter(clients));
  // 5. anything else is a 404 in the envelope
  app.use(notFound);
  // 6. every error becomes the envelope
  app.use(handleErrors(logger));

  return { app, clock, ids, keys, logger, controls };
}
