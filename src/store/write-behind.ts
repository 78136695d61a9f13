// Write-behind as a decorator of a lowdb adapter: a write is taken at once and reaches the inner
// adapter shortly after, coalesced with the writes that follow it.
import type { Adapter } from 'lowdb';

/** How writes are delayed. */
export interface WriteBehindOptions {
  /**
   * How long a change waits before it is written, in milliseconds; at least ten times the last
   * write's duration, so that a large store spends at most a tenth of its time writing.
   */
  flushIntervalMs: number;
  /** Told about failed background writes (which are tried again). */
  onWriteError: (error: Error) => void;
}

/** A write may take at most this share of the time between writes. */
const WRITE_SHARE = 10;
const RETRY_AFTER_FAILURE_MS = 1000;

/**
 * Takes writes without waiting and hands the newest data to `inner` within the flush interval.
 * `flush()` writes now; after `close()` every write goes straight through.
 *
 * @example
 * const db = new Low(new WriteBehind(new StoreFile(path, names, check), { flushIntervalMs: 100, onWriteError }), {});
 */
export class WriteBehind<T> implements Adapter<T> {
  readonly #inner: Adapter<T>;
  readonly #options: WriteBehindOptions;
  #pending: T | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastWrite: Promise<void> = Promise.resolve();
  #lastWriteMs = 0;
  #closed = false;

  constructor(inner: Adapter<T>, options: WriteBehindOptions) {
    this.#inner = inner;
    this.#options = options;
  }

  read(): Promise<T | null> {
    return this.#inner.read();
  }

  write(data: T): Promise<void> {
    this.#pending = data;
    if (this.#closed) return this.flush();
    this.#schedule(Math.max(this.#options.flushIntervalMs, WRITE_SHARE * this.#lastWriteMs));
    return Promise.resolve();
  }

  /** Writes what is pending now, and waits for a write already under way. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const data = this.#pending;
    if (data !== undefined) {
      this.#pending = undefined;
      const started = performance.now();
      this.#lastWrite = this.#inner.write(data).then(
        () => {
          this.#lastWriteMs = performance.now() - started;
        },
        (error: unknown) => {
          // Keep the change pending (unless a newer one came) so that the next flush tries again.
          this.#pending ??= data;
          throw error;
        },
      );
    }
    await this.#lastWrite;
  }

  /** Writes what is pending and stops background writes. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  /** Arranges a background write in `delayMs`, unless one is arranged; a failed one is tried again. */
  #schedule(delayMs: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch((error: Error) => {
        this.#options.onWriteError(error);
        // The change is still pending: try again, no sooner than a second later.
        if (!this.#closed) this.#schedule(Math.max(RETRY_AFTER_FAILURE_MS, delayMs));
      });
    }, delayMs);
    // A pending write never keeps the process alive: close() writes it.
    this.#timer.unref();
  }
}
