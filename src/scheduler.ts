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
  // A binary min-heap by instant, then scheduling order: many tasks (one per magic record) cost
  // O(log n) each to add and to run. Cancelled entries stay until they reach the top.
  let heap: Entry[] = [];
  let live = 0;
  let nextSeq = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running = false;

  const before = (a: Entry, b: Entry): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

  const push = (entry: Entry): void => {
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >>> 1;
      if (!before(heap[index] as Entry, heap[parent] as Entry)) break;
      [heap[index], heap[parent]] = [heap[parent] as Entry, heap[index] as Entry];
      index = parent;
    }
  };

  const pop = (): void => {
    const last = heap.pop() as Entry;
    if (heap.length === 0) return;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && before(heap[left] as Entry, heap[smallest] as Entry)) smallest = left;
      if (right < heap.length && before(heap[right] as Entry, heap[smallest] as Entry)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest] as Entry, heap[index] as Entry];
      index = smallest;
    }
  };

  /** The first task not cancelled, dropping cancelled ones from the top. */
  const first = (): Entry | undefined => {
    while (heap[0]?.cancelled) pop();
    return heap[0];
  };

  const arm = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const next = first();
    // A frozen clock only moves when a test moves it, and that runs the due tasks itself.
    if (next === undefined || stopped || clock.isFrozen()) return;
    timer = setTimeout(runDue, Math.min(MAX_TIMER_MS, Math.max(0, next.at - clock.now())));
    timer.unref();
  };

  function runDue(): void {
    // A task that schedules or moves the clock re-enters here: the outer loop picks up what it adds.
    if (running) return;
    running = true;
    try {
      for (;;) {
        const next = first();
        if (next === undefined || next.at > clock.now()) break;
        pop();
        next.cancelled = true;
        live--;
        try {
          next.task();
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

  const dropAll = (): void => {
    for (const entry of heap) entry.cancelled = true;
    heap = [];
    live = 0;
  };

  const at = (instant: number, task: () => void): ScheduledTask => {
    const entry: Entry = { at: instant, seq: nextSeq++, task, cancelled: false };
    if (stopped) entry.cancelled = true;
    else {
      push(entry);
      live++;
      if (heap[0] === entry) arm();
    }
    return {
      at: instant,
      cancel() {
        if (entry.cancelled) return;
        entry.cancelled = true;
        live--;
      },
    };
  };

  return {
    at,
    after: (ms, task) => at(clock.now() + ms, task),
    runDue,
    get pending() {
      return live;
    },
    clear() {
      dropAll();
      arm();
    },
    stop() {
      stopped = true;
      dropAll();
      arm();
    },
  };
}
