// The operations a test suite drives the fake with: the admin API and the startFake() handle both call these.
import { ApiError } from '../errors.js';
import { checkFaultRule, type FaultRuleInput } from '../faults/fault-rule.js';
import type { FaultRules, ListedFaultRule } from '../faults/fault-rules.js';
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
  faults: {
    /** Adds a rule at the end of the list; throws a 422 `ApiError` when it is invalid. */
    add(rule: FaultRuleInput): ListedFaultRule;
    /** The rules in the order they are tried, with `remaining` and `hits`. */
    list(): ListedFaultRule[];
    /** Removes one rule; throws a 404 `ApiError` when there is none with that id. */
    remove(id: string): void;
    /** Removes every rule (start-up rules come back on reset). */
    clear(): void;
  };
}

/** What the controls act on. */
export interface ControlsDeps {
  store: ClientStore;
  faultRules: FaultRules;
  /** Monotonic milliseconds, for the uptime. */
  monotonicNow?: () => number;
}

/** Creates the controls over the app's parts. */
export function createControls({ store, faultRules, monotonicNow = () => performance.now() }: ControlsDeps): FakeControls {
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
    faults: {
      add(rule) {
        const errors = checkFaultRule(rule);
        if (errors.length > 0) throw new ApiError('VALIDATION_ERROR', { errors });
        return faultRules.add(rule);
      },
      list: () => faultRules.list(),
      remove(id) {
        if (!faultRules.remove(id)) throw new ApiError('NOT_FOUND');
      },
      clear: () => faultRules.clear(),
    },
  };
}
