// The store's writes: one at a time, each carrying every change made before it, behind the changes
// (write-behind) or before they resolve (durable); a failed write undoes exactly the changes that
// were waiting for it, so that memory stays what the file holds.
import { ApiError } from '../errors.js';

/** How the store's changes are written. */
export interface StoreWritesOptions {
  /** Every change waits for the write that carries it. */
  durable: boolean;
  /**
   * How long a change waits before it is written (write-behind), in milliseconds; at least ten
   * times the last write's duration, so that a large store spends at most a tenth of its time writing.
   */
  flushIntervalMs: number;
  /** Told when writes start failing (once, until one succeeds again). */
  onWriteError: (error: Error) => void;
  /** Told when a write succeeds after failures. */
  onWriteRecovered: () => void;
}

/** A write may take at most this share of the time between writes. */
const WRITE_SHARE = 10;
/** How soon a failed write is tried again. */
const RETRY_AFTER_FAILURE_MS = 1000;

/** The changes one write carries for callers that wait for it, and how to undo them. */
interface Batch {
  promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
  undos: (() => void)[];
}

function newBatch(): Batch {
  let settle: Pick<Batch, 'resolve' | 'reject'> | undefined;
  const promise = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A batch no caller waits for (a background write) must not reject unhandled.
  promise.catch(() => undefined);
  return { promise, undos: [], ...(settle as Pick<Batch, 'resolve' | 'reject'>) };
}

/**
 * The answer to a change the store cannot keep: 503 with the reason the file cannot be written.
 *
 * @example
 * throw storeUnavailable(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
 */
export function storeUnavailable(error: Error): ApiError {
  return error instanceof ApiError ? error : new ApiError('STORE_UNAVAILABLE', { fill: { reason: error.message } });
}

/**
 * Writes the store with `write` (which writes memory as it is when called), one write at a time.
 *
 * Write-behind, a change resolves at once and is written within the flush interval. Durable, a
 * change resolves once a write carrying it succeeded. While writes fail, write-behind changes wait
 * like durable ones: no change is acknowledged that is not on disk, so a full disk cannot widen the
 * window a crash may lose. When a write fails, every change waiting for it or made after it is
 * undone, newest first, and rejected with a 503: memory is then exactly what the file holds
 * (besides write-behind changes acknowledged before the failure, which stay and are tried again
 * every second).
 *
 * @example
 * const writes = new StoreWrites(() => db.write(), { durable: false, flushIntervalMs: 100, onWriteError, onWriteRecovered });
 * collection.add(record);
 * await writes.changed(() => collection.remove(record));
 */
export class StoreWrites {
  readonly #write: () => Promise<unknown>;
  readonly #options: StoreWritesOptions;
  /** Changes not yet carried by a write (or carried by one that failed). */
  #dirty = false;
  /** The write under way, and the callers waiting for it. */
  #writing: Batch | undefined;
  /** The callers waiting for the next write. */
  #next: Batch | undefined;
  #failure: Error | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastWriteMs = 0;
  #closed = false;

  /**
   * `write` writes memory as it is when called; when it answers `'compaction'` (a store that
   * otherwise appends to a log, written whole now and then), its length does not stretch the time
   * between writes.
   */
  constructor(write: () => Promise<unknown>, options: StoreWritesOptions) {
    this.#write = write;
    this.#options = options;
  }

  /** Whether no change waits for a write (none could still be undone). */
  get idle(): boolean {
    return this.#writing === undefined && this.#next === undefined;
  }

  /** Why the last write failed, while writes fail. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /**
   * Takes a change already made in memory, with the function that undoes it. Resolves at once
   * (write-behind), or once it is written; rejects with a 503 (the change undone) if that write fails.
   * `wait` makes a write-behind change wait too (a reset, an import).
   */
  changed(undo: () => void, wait = false): Promise<void> {
    this.#dirty = true;
    const waiting = (this.#writing?.undos.length ?? 0) + (this.#next?.undos.length ?? 0) > 0;
    // A change acknowledged on top of one still waiting could not be kept if that one is undone.
    if (!wait && !this.#options.durable && this.#failure === undefined && !waiting && !this.#closed) {
      this.#schedule(Math.max(this.#options.flushIntervalMs, WRITE_SHARE * this.#lastWriteMs));
      return Promise.resolve();
    }
    return this.#commit(undo);
  }

  /** Writes what is not written yet, now; rejects with a 503 if that write fails. */
  flush(): Promise<void> {
    return this.#dirty || this.#writing !== undefined || this.#next !== undefined ? this.#commit() : Promise.resolve();
  }

  /** Resolves if the file can be written: at once, or, after a failed write, once a new try succeeds. */
  async check(): Promise<void> {
    if (this.#failure !== undefined) await this.#commit();
  }

  /** Writes what is pending; from now on every change is written before it resolves. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#cancelTimer();
    await this.flush();
  }

  #commit(undo?: () => void): Promise<void> {
    this.#next ??= newBatch();
    const batch = this.#next;
    if (undo !== undefined) batch.undos.push(undo);
    this.#startNext();
    return batch.promise;
  }

  /** Starts the next write, unless one is under way (its end starts the next). */
  #startNext(): void {
    if (this.#writing !== undefined || this.#next === undefined) return;
    const batch = this.#next;
    this.#next = undefined;
    this.#writing = batch;
    this.#dirty = false;
    this.#cancelTimer();
    const started = performance.now();
    // Called now, so that the write carries memory as it is now.
    let written: Promise<unknown>;
    try {
      written = this.#write();
    } catch (error) {
      written = Promise.reject(error);
    }
    written.then(
      (kind) => {
        if (kind !== 'compaction') this.#lastWriteMs = performance.now() - started;
        this.#writing = undefined;
        if (this.#failure !== undefined) {
          this.#failure = undefined;
          this.#options.onWriteRecovered();
        }
        batch.resolve();
        this.#startNext();
      },
      (error: Error) => {
        this.#writing = undefined;
        const later = this.#next;
        this.#next = undefined;
        // Newest first: the changes waiting for the next write were made on top of this write's.
        for (const step of [...batch.undos, ...(later?.undos ?? [])].reverse()) step();
        this.#dirty = true;
        if (this.#failure === undefined) this.#options.onWriteError(error);
        this.#failure = error;
        const refusal = storeUnavailable(error);
        batch.reject(refusal);
        later?.reject(refusal);
        if (!this.#closed) this.#schedule(RETRY_AFTER_FAILURE_MS);
      },
    );
  }

  /** Arranges a background write in `delayMs`, unless one is arranged. */
  #schedule(delayMs: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#commit();
    }, delayMs);
    // A pending write never keeps the process alive: close() writes it.
    this.#timer.unref();
  }

  #cancelTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
