// startServer: loads fixtures and the store, builds the app and listens; close() stops it cleanly.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inProcessAdmin, type FakeAdmin } from './admin/handle.js';
import { collectionsOf, indexesOf } from './api/resource.js';
import { registerResourceSchemas, STORE_FILE_SCHEMA } from './api/schemas.js';
import { createApp, createParts, type AppDeps, type FakeApp } from './app.js';
import type { ApiKey } from './auth/api-keys.js';
import type { Config } from './config.js';
import { StartupError } from './errors.js';
import { createHttpServer, DEFAULT_TIMEOUTS, type ServerTimeouts } from './http/http-server.js';
import { loadApiKeys, loadFaultRules, loadOrganisations } from './fixtures.js';
import { RESOURCES } from './resources/index.js';
import { Store } from './store/store.js';
import { checkEntryDepth } from './validation/json-value.js';
import { checkFor } from './validation/validator.js';

export { DEFAULT_TIMEOUTS, type ServerTimeouts } from './http/http-server.js';

/**
 * Parts a caller may supply instead of the ones the config describes (by default the keys, seed
 * and fault rules are read from their files, and the store is opened from `config.store`).
 */
export type ServerDeps = Partial<AppDeps> & {
  /** Overrides of {@link DEFAULT_TIMEOUTS}. */
  timeouts?: Partial<ServerTimeouts>;
};

/** A running fake: its address, its keys, and the admin operations (reset, journal, faults, clock, state). */
export type FakeServer = FakeAdmin & FakeServerInfo;

/** What a running fake is besides its admin operations. */
export interface FakeServerInfo {
  /** Base URL, e.g. `http://127.0.0.1:4010`; the API is also under `${url}/v2/api`. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The keys the fake accepts, by label (e.g. `apiKeys.acme.key`). */
  readonly apiKeys: Readonly<Record<string, ApiKey>>;
  /** The app and its parts, for embedding and tests. */
  readonly fake: FakeApp;
  /**
   * Stops: no new requests (a request on an open connection gets a 503 and `Connection: close`),
   * idle connections closed at once, requests in flight given {@link ServerTimeouts.graceMs}, then
   * the store written; resolves when all is done.
   */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const problem =
        error.code === 'EADDRINUSE'
          ? `--port: ${host}:${port} is already in use`
          : error.code === 'EACCES'
            ? `--port: not allowed to listen on ${host}:${port}`
            : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
              ? `--host: ${host} is not an address of this machine`
              : `cannot listen on ${host}:${port} (${error.code ?? error.message})`;
      reject(new StartupError(problem));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * Starts a fake server from a checked config.
 *
 * @example
 * const server = await startServer(parseConfig({ port: 0, db: 'memory' }));
 * await fetch(`${server.url}/clients`, { headers: { 'X-Api-Key': server.apiKeys.acme.key } });
 * await server.close();
 */
export async function startServer(config: Config, deps: ServerDeps = {}): Promise<FakeServer> {
  const { clock, ids, random, logger } = createParts(config, deps);
  const resources = deps.resources ?? RESOURCES;
  registerResourceSchemas(resources);
  const apiKeys = deps.apiKeys ?? loadApiKeys(config.keysFile);
  const organisations = deps.organisations ?? loadOrganisations(config.keysFile);
  const faultRules = deps.faultRules ?? (config.faultsFile === undefined ? [] : loadFaultRules(config.faultsFile));
  const store =
    deps.store ??
    (await Store.open(
      config.store,
      collectionsOf(resources).map((c) => c.name),
      {
        durable: config.durable,
        onWriteError: (error) =>
          logger.error(
            `could not write the store file: ${error.message}; changes are refused until it can be written (tried every second)`,
          ),
        onWriteRecovered: () => logger.warn('the store file can be written again'),
        checkFile: (data) => {
          // Depth first: the schema's checks then meet only records every answer can hold.
          const tooDeep = checkEntryDepth(data);
          return tooDeep.length > 0 ? tooDeep : checkFor(STORE_FILE_SCHEMA)(data);
        },
        indexes: indexesOf(resources),
      },
    ));

  let fake: FakeApp;
  try {
    fake = createApp(config, {
      store,
      apiKeys,
      organisations,
      seed: deps.seed,
      clock,
      ids,
      random,
      logger,
      faultRules,
      delay: deps.delay,
      resources,
      realNow: deps.realNow,
      outbound: deps.outbound,
    });
    await fake.seedIfEmpty();
  } catch (error) {
    // The store's lock goes with the start that failed.
    await store.close().catch(() => undefined);
    throw error;
  }
  const timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
  const { server, stop } = createHttpServer(fake.app, timeouts, fake.messageClasses);
  try {
    await listen(server, config.port, config.host);
  } catch (error) {
    await store.close();
    throw error;
  }
  fake.markReady();
  store.indexInBackground();
  const port = (server.address() as AddressInfo).port;
  const urlHost = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const stopped = stop();
      // Requests that fault injection holds (hang, delay) would use up the whole grace period.
      fake.releaseHeld();
      await stopped;
      await store.close();
    })();
    return closing;
  };

  return {
    ...inProcessAdmin(fake.admin, () => closing !== undefined),
    url: `http://${urlHost}:${port}`,
    port,
    host: config.host,
    apiKeys: fake.keys.byLabel(),
    fake,
    close,
  };
}
