// The operations a test suite drives the fake with: the admin API and the startFake() handle both
// call these, so the two can never drift apart. Inputs are checked here, whoever calls.
import type { ApiKey } from '../auth/api-keys.js';
import { seededClientRecord, type ClientSeed } from '../clients/records.js';
import { seedClients } from '../clients/seed.js';
import type { ControllableClock } from '../clock.js';
import { ApiError, type FieldError } from '../errors.js';
import { checkFaultRule, type FaultRuleInput } from '../faults/fault-rule.js';
import type { FaultRules, ListedFaultRule } from '../faults/fault-rules.js';
import { nextFreeId, type IdGenerator } from '../ids.js';
import type { Journal, JournalEntry, JournalFilter } from '../journal/journal.js';
import type { RandomSource } from '../random.js';
import type { RateLimits } from '../rate-limit/rate-limits.js';
import type { ClientRecord } from '../store/client-record.js';
import type { ClientStore } from '../store/client-store.js';
import { checkFor } from '../validation/validator.js';
import { packageVersion } from '../version.js';

/** The health answer. */
export interface Health {
  status: 'ok';
  version: string;
  uptimeMs: number;
  clients: number;
}

/** What a reset did. */
export interface ResetSummary {
  reset: string[];
  orgId?: string;
  /** Clients after the reset (of the organisation, for a per-organisation reset). */
  clients: number;
}

/** The clock as the admin API shows it. */
export interface ClockState {
  now: string;
  frozen: boolean;
}

/** Clients as exported and imported: the shape of the seed fixture. */
export interface StateSnapshot {
  clients: ClientRecord[];
}

/** Everything a test can do to the fake in-process (the admin API is a thin layer over this). */
export interface FakeControls {
  /** The health answer; throws the 503 `NOT_READY` error until the server listens. */
  health(): Health;
  /** Called by the server once it listens. */
  markReady(): void;
  /**
   * Back to the seeded state: clients from the seed fixture, journal, fault rules, rate-limit
   * counts, clock, id and random sequences. With `orgId`, only that organisation's clients,
   * journal entries and rate-limit counts. The store is written before this resolves.
   */
  reset(options?: { orgId?: string }): Promise<ResetSummary>;
  /** Journal entries, oldest first; throws a 422 `ApiError` for a bad filter. */
  requests(filter?: JournalFilter): JournalEntry[];
  /** How many journal entries match. */
  countRequests(match?: JournalFilter): number;
  clearRequests(): void;
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
  clock: {
    get(): ClockState;
    /** Jumps to `now` and/or freezes or releases the clock; a field left out keeps its value. */
    set(setting: { now?: string; frozen?: boolean }): ClockState;
    advance(ms: number): ClockState;
  };
  state: {
    /** Every client, or one organisation's, in stored order. */
    export(options?: { orgId?: string }): StateSnapshot;
    /**
     * Replaces every client (or one organisation's) with `data`, checked like API input; nothing
     * changes when it is invalid (422). Written to the store before it resolves.
     */
    import(data: unknown, options?: { orgId?: string }): Promise<{ clients: number }>;
  };
}

/** What the controls act on. */
export interface ControlsDeps {
  store: ClientStore;
  seed: readonly ClientSeed[];
  apiKeys: readonly ApiKey[];
  clock: ControllableClock;
  ids: IdGenerator;
  random: RandomSource;
  faultRules: FaultRules;
  rateLimits: RateLimits;
  journal: Journal;
  /** Monotonic milliseconds, for the uptime. */
  monotonicNow?: () => number;
}

function validOrThrow(errors: FieldError[]): void {
  if (errors.length > 0) throw new ApiError('VALIDATION_ERROR', { errors });
}

/** Creates the controls over the app's parts. */
export function createControls(deps: ControlsDeps): FakeControls {
  const { store, seed, apiKeys, clock, ids, random, faultRules, rateLimits, journal } = deps;
  const monotonicNow = deps.monotonicNow ?? (() => performance.now());
  const startedAt = monotonicNow();
  let ready = false;
  const checkFilter = checkFor('journal-filter.schema.json');
  const clockState = (): ClockState => ({ now: new Date(clock.now()).toISOString(), frozen: clock.isFrozen() });

  return {
    health() {
      if (!ready) throw new ApiError('NOT_READY');
      return { status: 'ok', version: packageVersion(), uptimeMs: Math.round(monotonicNow() - startedAt), clients: store.size };
    },

    markReady() {
      ready = true;
    },

    async reset({ orgId } = {}) {
      if (orgId !== undefined) {
        rateLimits.reset(apiKeys.filter((k) => k.orgId === orgId));
        journal.clear(orgId);
        const clients = await seedClients(store, seed, { clock, ids }, orgId);
        return { reset: ['clients', 'journal', 'rateLimits'], orgId, clients };
      }
      // The clock and id sequence first, so that the seeded clients get their start-up ids and times.
      clock.reset();
      ids.reset();
      random.reset();
      faultRules.reset();
      rateLimits.reset();
      journal.clear();
      const clients = await seedClients(store, seed, { clock, ids });
      return { reset: ['clients', 'journal', 'faults', 'rateLimits', 'clock', 'ids'], clients };
    },

    requests(filter = {}) {
      validOrThrow(checkFilter(filter));
      return journal.select(filter);
    },

    countRequests(match = {}) {
      validOrThrow(checkFilter(match));
      return journal.select({ ...match, limit: undefined }).length;
    },

    clearRequests() {
      journal.clear();
    },

    faults: {
      add(rule) {
        validOrThrow(checkFaultRule(rule));
        return faultRules.add(rule);
      },
      list: () => faultRules.list(),
      remove(id) {
        if (!faultRules.remove(id)) throw new ApiError('NOT_FOUND');
      },
      clear: () => faultRules.clear(),
    },

    clock: {
      get: clockState,
      set(setting) {
        validOrThrow(checkFor('clock-setting.schema.json')(setting));
        clock.set(setting.now === undefined ? clock.now() : Date.parse(setting.now), setting.frozen ?? clock.isFrozen());
        return clockState();
      },
      advance(ms) {
        validOrThrow(checkFor('clock-advance.schema.json')({ ms }));
        clock.advance(ms);
        return clockState();
      },
    },

    state: {
      export({ orgId } = {}) {
        return { clients: store.all(orgId) };
      },
      async import(data, { orgId } = {}) {
        validOrThrow(checkFor('clients-fixture.schema.json')(data));
        const entries = (data as { clients: ClientSeed[] }).clients;
        const problems: FieldError[] = [];
        const kept = orgId === undefined ? [] : store.all().filter((r) => r.orgId !== orgId);
        const taken = new Set(kept.map((r) => r.id));
        entries.forEach((entry, index) => {
          if (orgId !== undefined && entry.orgId !== orgId) {
            problems.push({ field: `clients.${index}.orgId`, message: `Invalid literal value, expected "${orgId}"` });
          }
          if (entry.id !== undefined) {
            if (taken.has(entry.id)) problems.push({ field: `clients.${index}.id`, message: `Duplicate id ${entry.id}` });
            taken.add(entry.id);
          }
        });
        validOrThrow(problems);
        const now = new Date(clock.now()).toISOString();
        const nextId = (): string => {
          const id = nextFreeId(ids, (candidate) => taken.has(candidate));
          taken.add(id);
          return id;
        };
        const records = entries.map((entry) => seededClientRecord(entry, { nextId, now }));
        await store.replace(records, orgId);
        return { clients: records.length };
      },
    },
  };
}
