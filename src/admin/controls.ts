// The operations a test suite drives the fake with: the admin API and the startFake() handle both call these.
import { ApiError } from '../errors.js';
import type { ClientStore } from '../store/client-store.js';
import { packageVersion } from '../version.js';

/** The health answer. */
export interface Health {
  status: 'ok';
  version: string;
  uptimeMs: number;
  clients: number;
}

/** Everything a test can do to the fake in-process (the admin API is a thin layer over this). */
export interface FakeControls {
  /** The health answer; throws the 503 `NOT_READY` error until the server listens. */
  health(): Health;
  /** Called by the server once it listens. */
  markReady(): void;
}

/** What the controls act on. */
export interface ControlsDeps {
  store: ClientStore;
  /** Monotonic milliseconds, for the uptime. */
  monotonicNow?: () => number;
}

/** Creates the controls over the app's parts. */
export function createControls({ store, monotonicNow = () => performance.now() }: ControlsDeps): FakeControls {
  const startedAt = monotonicNow();
  let ready = false;
  return {
    health() {
      if (!ready) throw new ApiError('NOT_READY');
      return {
        status: 'ok',
        version: packageVersion(),
        uptimeMs: Math.round(monotonicNow() - startedAt),
        clients: store.size,
      };
    },
    markReady() {
      ready = true;
    },
  };
}
