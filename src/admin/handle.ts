// The admin operations as one asynchronous, typed interface: the in-process handle of startFake()
// and the HTTP client of connectFake() both implement it, so test code can switch between them.
import type { FaultRuleInput } from '../faults/fault-rule.js';
import type { ListedFaultRule } from '../faults/fault-rules.js';
import type { JournalEntry, JournalFilter } from '../journal/journal.js';
import type { ClockState, FakeControls, Health, ResetSummary, StateSnapshot } from './controls.js';

/** What a test suite does to a fake, in-process or over HTTP. */
export interface FakeAdmin {
  /** Back to the seeded state; with `orgId`, only that organisation's clients, journal and rate-limit counts. */
  reset(options?: { orgId?: string }): Promise<ResetSummary>;
  /** The request journal, oldest first. */
  requests(filter?: JournalFilter): Promise<JournalEntry[]>;
  /** How many journaled requests match. */
  countRequests(match?: Omit<JournalFilter, 'limit'>): Promise<number>;
  clearRequests(): Promise<void>;
  faults: {
    add(rule: FaultRuleInput): Promise<ListedFaultRule>;
    list(): Promise<ListedFaultRule[]>;
    remove(id: string): Promise<void>;
    clear(): Promise<void>;
  };
  clock: {
    /** The fake's current time, ISO 8601. */
    now(): Promise<string>;
    /** Jumps to `iso`; `frozen` (default: stay as it is) stops or releases the clock. */
    set(iso: string, options?: { frozen?: boolean }): Promise<ClockState>;
    /** Moves the clock by `ms` (negative moves it back). */
    advance(ms: number): Promise<ClockState>;
  };
  state: {
    export(options?: { orgId?: string }): Promise<StateSnapshot>;
    import(data: StateSnapshot | { clients: unknown[] }, options?: { orgId?: string }): Promise<{ clients: number }>;
  };
  health(): Promise<Health>;
}

/** The in-process implementation, straight over the controls. */
export function inProcessAdmin(controls: FakeControls): FakeAdmin {
  return {
    reset: (options) => controls.reset(options),
    requests: async (filter) => controls.requests(filter),
    countRequests: async (match) => controls.countRequests(match),
    clearRequests: async () => controls.clearRequests(),
    faults: {
      add: async (rule) => controls.faults.add(rule),
      list: async () => controls.faults.list(),
      remove: async (id) => controls.faults.remove(id),
      clear: async () => controls.faults.clear(),
    },
    clock: {
      now: async () => controls.clock.get().now,
      set: async (iso, options = {}) => controls.clock.set({ now: iso, ...options }),
      advance: async (ms) => controls.clock.advance(ms),
    },
    state: {
      export: async (options) => controls.state.export(options),
      import: (data, options) => controls.state.import(data, options),
    },
    health: async () => controls.health(),
  };
}
