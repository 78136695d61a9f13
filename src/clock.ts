// The fake's clock: the system time, or a frozen instant, movable by tests.

/** Anything that tells the time in epoch milliseconds. */
export interface Clock {
  now(): number;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/i;

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Reads an ISO 8601 instant with its offset (`2026-01-01T00:00:00.000Z`, as RFC 3339 writes it) into
 * epoch milliseconds; undefined for anything else, a date the calendar does not have
 * (`2026-02-30`) included. The one reader of the clock's instants, at start-up and in the admin API.
 *
 * @example
 * parseInstant('2026-01-01T00:00:00Z'); // 1767225600000
 * parseInstant('2026-02-30T00:00:00Z'); // undefined
 */
export function parseInstant(text: string): number | undefined {
  const match = ISO_INSTANT.exec(text);
  if (match === null) return undefined;
  type Fields = [number, number, number, number, number, number, number, number];
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match.slice(1).map((part) => Number(part ?? 0)) as Fields;
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysIn(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59;
  const at = valid ? Date.parse(text) : NaN;
  return Number.isFinite(at) ? at : undefined;
}

/** How the clock starts: following the system time, or frozen at an instant (epoch ms). */
export type ClockSetting = { mode: 'system' } | { mode: 'frozen'; at: number };

/** A clock a test can set, freeze, move and put back to its start setting. */
export interface ControllableClock extends Clock {
  isFrozen(): boolean;
  /** Jump to `now`; a running clock keeps running from there, a frozen one stays there. */
  set(now: number, frozen: boolean): void;
  /** Move forward (or back, with a negative value) by `ms`. */
  advance(ms: number): void;
  /** Back to the setting the clock was created with. */
  reset(): void;
  /** Calls `listener` after every set, advance and reset (the scheduler runs what fell due). */
  onChange(listener: () => void): void;
}

/**
 * The instants the clock may show: four-digit years, so that every timestamp stays ISO 8601 text
 * of the `date-time` format the schemas (and the store file check) read, with a year to spare for
 * times records compute ahead of the clock (a request expires at most 90 days after creation).
 */
export const CLOCK_RANGE = {
  earliest: Date.parse('0000-01-01T00:00:00.000Z'),
  latest: Date.parse('9998-12-31T23:59:59.999Z'),
} as const;

/**
 * Why the clock cannot show `ms`, or undefined when it can: every clock move is checked with it.
 *
 * @example
 * clockRangeProblem(Date.parse('9999-06-01T00:00:00Z')); // 'The clock must stay from 0000-01-01T00:00:00.000Z to 9998-12-31T23:59:59.999Z'
 */
export function clockRangeProblem(ms: number): string | undefined {
  if (ms >= CLOCK_RANGE.earliest && ms <= CLOCK_RANGE.latest) return undefined;
  return `The clock must stay from ${new Date(CLOCK_RANGE.earliest).toISOString()} to ${new Date(CLOCK_RANGE.latest).toISOString()}`;
}

/** Throws when the clock cannot show `ms` (callers that answer users check first). */
function assertInRange(ms: number): void {
  const problem = clockRangeProblem(ms);
  if (problem !== undefined) throw new RangeError(`${problem}; got ${ms} ms`);
}

/**
 * Creates the clock every timestamp and the rate-limit window read. A move outside
 * {@link CLOCK_RANGE} throws a RangeError and leaves the clock as it was.
 *
 * @example
 * const clock = createClock({ mode: 'frozen', at: Date.parse('2026-01-01T00:00:00.000Z') });
 * clock.advance(1000);
 * new Date(clock.now()).toISOString(); // '2026-01-01T00:00:01.000Z'
 */
export function createClock(setting: ClockSetting, systemNow: () => number = Date.now): ControllableClock {
  // A running clock is the system time plus an offset; a frozen one is a fixed value.
  let frozenAt: number | undefined;
  let offset = 0;
  const listeners: (() => void)[] = [];
  const changed = (): void => {
    for (const listener of listeners) listener();
  };
  const start = (): void => {
    frozenAt = setting.mode === 'frozen' ? setting.at : undefined;
    offset = 0;
  };
  if (setting.mode === 'frozen') assertInRange(setting.at);
  start();
  return {
    now: () => (frozenAt === undefined ? systemNow() + offset : frozenAt),
    isFrozen: () => frozenAt !== undefined,
    set(now, frozen) {
      assertInRange(now);
      if (frozen) {
        frozenAt = now;
      } else {
        frozenAt = undefined;
        offset = now - systemNow();
      }
      changed();
    },
    advance(ms) {
      assertInRange((frozenAt ?? systemNow() + offset) + ms);
      if (frozenAt === undefined) offset += ms;
      else frozenAt += ms;
      changed();
    },
    reset() {
      start();
      changed();
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
