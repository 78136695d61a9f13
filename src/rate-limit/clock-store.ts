// An express-rate-limit store whose fixed windows run on the fake's injected clock, so a test can
// move time instead of waiting (the library's MemoryStore reads Date.now()).
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import type { Clock } from '../clock.js';

interface Window {
  totalHits: number;
  /** Epoch ms at which the window ends. */
  resetTime: number;
}

/**
 * Counts hits per key in fixed windows that start with a key's first hit.
 *
 * @example
 * rateLimit({ windowMs: 60_000, limit: 100, store: new ClockStore(clock) });
 */
export class ClockStore implements Store {
  readonly localKeys = true;
  readonly #clock: Clock;
  readonly #windows = new Map<string, Window>();
  #windowMs = 60_000;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  init(options: Options): void {
    this.#windowMs = options.windowMs;
  }

  get(key: string): ClientRateLimitInfo | undefined {
    const window = this.#current(key);
    return window && { totalHits: window.totalHits, resetTime: new Date(window.resetTime) };
  }

  increment(key: string): IncrementResponse {
    let window = this.#current(key);
    if (window === undefined) {
      window = { totalHits: 0, resetTime: this.#clock.now() + this.#windowMs };
      this.#windows.set(key, window);
    }
    window.totalHits++;
    return { totalHits: window.totalHits, resetTime: new Date(window.resetTime) };
  }

  decrement(key: string): void {
    const window = this.#current(key);
    if (window !== undefined && window.totalHits > 0) window.totalHits--;
  }

  resetKey(key: string): void {
    this.#windows.delete(key);
  }

  resetAll(): void {
    this.#windows.clear();
  }

  /**
   * The key's window, if one is open at the clock's current time. A clock moved back before the
   * window opened would leave it open for the whole jump: it ends one window length from now at
   * the latest.
   */
  #current(key: string): Window | undefined {
    const window = this.#windows.get(key);
    if (window === undefined) return undefined;
    const now = this.#clock.now();
    if (window.resetTime <= now) {
      this.#windows.delete(key);
      return undefined;
    }
    if (window.resetTime > now + this.#windowMs) window.resetTime = now + this.#windowMs;
    return window;
  }
}
