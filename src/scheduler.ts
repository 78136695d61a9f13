// Tasks due at an instant of the fake's clock: they run when a test sets or advances the clock
// past it, and in real time by one timer that never keeps the process alive.
import type { ControllableClock } from './clock.js';

/** A scheduled task, to cancel it. */
export interface ScheduledTask {
  /** When it is due, in epoch milliseconds of the fake's clock. */
  readonly at: number;
  cancel(): void;
}

/** Runs tasks at instants of the fake's clock. */
export interface Scheduler {
  /** Runs `task` once the clock reaches `at` (at once, on the next check, if it already has). */
  at(at: number, task: () => void): ScheduledTask;
  /** Runs `task` `ms` from now by the fake's clock. */
  after(ms: number, task: () => void): ScheduledTask;
  /** Runs every task that is due now, in order of their instants (then of scheduling). */
  runDue(): void;
  /** Tasks waiting. */
  readonly pending: number;
  /** Drops every task (on reset) . */
  clear(): void;
  /** Drops every task and stops the timer (on close). */
  stop(): void;
}

interface Entry {
  at: number;
  seq: number;
  task: () => void;
  cancelled: boolean;
}

/** How late the real-time timer may be woken at most; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Creates the scheduler over the injected clock. A moved clock runs what fell due at once; a
 * running clock also wakes a timer at the next due instant.
 *
 * @example
 * const scheduler = createScheduler(clock, (error) => logger.error(String(error)));
 * scheduler.after(2000, () => expire(request));
 * clock.advance(2000); // runs it
 */
export function createScheduler(clock: ControllableClock, onTaskError: (error: unknown) => void): Scheduler {
  let entries: Entry[] = [];
  let nextSeq = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running = false;

  const arm = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const first = entries[0];
    // A frozen clock only moves when a test moves it, and that runs the due tasks itself.
    if (first === undefined || stopped || clock.isFrozen()) return;
    timer = setTimeout(runDue, Math.min(MAX_TIMER_MS, Math.max(0, first.at - clock.now())));
    timer.unref();
  };

  const insert = (entry: Entry): void => {
    // Kept sorted by instant, then by scheduling order; most tasks go at the end.
    let index = entries.length;
    while (index > 0 && (entries[index - 1] as Entry).at > entry.at) index--;
    entries.splice(index, 0, entry);
  };

  function runDue(): void {
    // A task that schedules or moves the clock re-enters here: the outer loop picks up what it adds.
    if (running) return;
    running = true;
    try {
      for (;;) {
        const first = entries[0];
        if (first === undefined || first.at > clock.now()) break;
        entries.shift();
        if (first.cancelled) continue;
        try {
          first.task();
        } catch (error) {
          onTaskError(error);
        }
      }
    } finally {
      running = false;
    }
    arm();
  }

  clock.onChange(runDue);

  const at = (instant: number, task: () => void): ScheduledTask => {
    const entry: Entry = { at: instant, seq: nextSeq++, task, cancelled: false };
    if (!stopped) {
      insert(entry);
      if (entries[0] === entry) arm();
    }
    return {
      at: instant,
      cancel() {
        entry.cancelled = true;
        entries = entries.filter((e) => e !== entry);
      },
    };
  };

  return {
    at,
    after: (ms, task) => at(clock.now() + ms, task),
    runDue,
    get pending() {
      return entries.length;
    },
    clear() {
      entries = [];
      arm();
    },
    stop() {
      stopped = true;
      entries = [];
      arm();
    },
  };
}
