// The clients store: in-memory indexes over a lowdb database that is written behind the requests.
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low, Memory } from 'lowdb';
import { StartupError } from '../errors.js';
import { compareByCreation, type ClientRecord } from './client-record.js';
import type { ClientsFile, StoreData } from './clients-file.js';

/** Where the clients live: a JSON file, or memory only. */
export type StoreLocation = { kind: 'file'; path: string } | { kind: 'memory' };

/** How the store persists. */
export interface StoreOptions {
  /** Write the file before an insert answers, instead of shortly after. */
  durable?: boolean;
  /**
   * How long a change waits before it is written, in milliseconds; at least ten times the last
   * write's duration, so that a large store spends at most a tenth of its time writing.
   */
  flushIntervalMs?: number;
  /** Told about failed background writes. */
  onWriteError?: (error: Error) => void;
}

const DEFAULT_FLUSH_INTERVAL_MS = 100;
/** A write may take at most this share of the time between writes. */
const WRITE_SHARE = 10;
const RETRY_AFTER_FAILURE_MS = 1000;

/**
 * Holds every organisation's clients. Reads are served from indexes (by id, and per organisation in
 * creation order); a change marks the store dirty and one coalesced atomic write follows within the
 * flush interval, or at once in durable mode. `flush()` and `close()` force the write.
 *
 * @example
 * const store = await ClientStore.open({ kind: 'file', path: './.athenty-fake/db.json' });
 * await store.insert(record);
 * await store.close();
 */
export class ClientStore {
  readonly #db: Low<StoreData>;
  /** The file adapter, for a file store. */
  readonly #file: ClientsFile | undefined;
  readonly #durable: boolean;
  readonly #flushIntervalMs: number;
  readonly #onWriteError: (error: Error) => void;
  readonly #byId = new Map<string, ClientRecord>();
  /** Every record in stored order: the file's order, handed to each write without a copy. */
  #ordered: ClientRecord[] = [];
  readonly #byOrg = new Map<string, ClientRecord[]>();
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #lastWrite: Promise<void> = Promise.resolve();
  #lastWriteMs = 0;
  #closed = false;

  private constructor(db: Low<StoreData>, file: ClientsFile | undefined, options: StoreOptions) {
    this.#db = db;
    this.#file = file;
    this.#durable = options.durable ?? false;
    this.#flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.#onWriteError = options.onWriteError ?? (() => undefined);
  }

  /** Opens the store; a file that exists is read and checked, one that does not is created on first write. */
  static async open(location: StoreLocation, options: StoreOptions = {}): Promise<ClientStore> {
    const empty: StoreData = { clients: [] };
    if (location.kind === 'memory') {
      return new ClientStore(new Low(new Memory<StoreData>(), empty), undefined, options);
    }
    try {
      await mkdir(dirname(location.path), { recursive: true });
    } catch (error) {
      throw new StartupError(
        `store file ${location.path}: cannot create its folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    try {
      // Checked now: otherwise the first write after start-up would be the one to fail.
      await access(dirname(location.path), constants.W_OK);
    } catch {
      throw new StartupError(`store file ${location.path}: its folder ${dirname(location.path)} is not writable`);
    }
    // Loaded only for a file store: a memory store starts without lowdb's file adapters.
    const { ClientsFile } = await import('./clients-file.js');
    const file = new ClientsFile(location.path);
    const db = new Low(file, empty);
    await db.read();
    const store = new ClientStore(db, file, options);
    const duplicate = store.#load(db.data.clients);
    if (duplicate !== undefined) {
      throw new StartupError(
        `store file ${location.path} holds the id ${duplicate} twice; it was left untouched`,
      );
    }
    return store;
  }

  /** Number of clients across all organisations. */
  get size(): number {
    return this.#byId.size;
  }

  /** The client with this id, whatever its organisation. */
  get(id: string): ClientRecord | undefined {
    return this.#byId.get(id);
  }

  /** An organisation's clients in creation order (oldest first). The array must not be changed. */
  forOrg(orgId: string): readonly ClientRecord[] {
    return this.#byOrg.get(orgId) ?? [];
  }

  /** Every client (of one organisation when `orgId` is given), in the order they were stored. */
  all(orgId?: string): ClientRecord[] {
    return orgId === undefined ? [...this.#ordered] : this.#ordered.filter((r) => r.orgId === orgId);
  }

  /**
   * Stores a new client; resolves once it is on disk in durable mode, at once otherwise. `json`,
   * the record already serialised (for an answer), saves serialising it again for the file.
   */
  async insert(record: ClientRecord, json?: string): Promise<void> {
    this.#index(record);
    if (json !== undefined) this.#file?.remember(record, json);
    try {
      await this.#changed();
    } catch (error) {
      // Durable mode promises that an acknowledged create is on disk: one that could not be
      // written is not kept either, so a retry cannot store it twice.
      this.#unindex(record);
      throw error;
    }
  }

  /**
   * Replaces every client (or, with `orgId`, that organisation's clients) by `records`, and writes
   * the file before resolving. Fails without changing anything if an id would be stored twice.
   */
  async replace(records: readonly ClientRecord[], orgId?: string): Promise<void> {
    const kept = orgId === undefined ? [] : this.#ordered.filter((r) => r.orgId !== orgId);
    const next = [...kept, ...records];
    if (this.#holdsExactly(next)) {
      // A reset of an unchanged store: nothing to index again, and the file already says so
      // (unless a write is still pending, which flush() then does).
      await this.flush();
      return;
    }
    const ids = new Set<string>();
    for (const record of next) {
      if (ids.has(record.id)) throw new Error(`the id ${record.id} would be stored twice`);
      ids.add(record.id);
    }
    this.#byId.clear();
    this.#byOrg.clear();
    this.#ordered = [];
    this.#load(next);
    this.#dirty = true;
    await this.flush();
  }

  /** Writes pending changes now. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#dirty && this.#file !== undefined) {
      this.#dirty = false;
      this.#db.data = { clients: this.#ordered };
      const started = performance.now();
      // steno queues a write behind one in progress and settles it with the newest data.
      this.#lastWrite = this.#db.write().then(
        () => {
          this.#lastWriteMs = performance.now() - started;
        },
        (error: unknown) => {
          // Keep the change pending so that the next flush tries again.
          this.#dirty = true;
          throw error;
        },
      );
    }
    // Also waits for a background write already under way.
    await this.#lastWrite;
  }

  /** Writes pending changes and stops background writes. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  /** Whether the store holds exactly these record objects, in this order. */
  #holdsExactly(records: readonly ClientRecord[]): boolean {
    return records.length === this.#ordered.length && records.every((record, index) => record === this.#ordered[index]);
  }

  #load(records: readonly ClientRecord[]): string | undefined {
    for (const record of records) {
      if (this.#byId.has(record.id)) return record.id;
      this.#index(record);
    }
    return undefined;
  }

  #index(record: ClientRecord): void {
    this.#byId.set(record.id, record);
    this.#ordered.push(record);
    let list = this.#byOrg.get(record.orgId);
    if (list === undefined) {
      list = [];
      this.#byOrg.set(record.orgId, list);
    }
    const last = list[list.length - 1];
    // Records nearly always arrive newest last; a clock moved back places one by binary search.
    if (last === undefined || compareByCreation(last, record) <= 0) {
      list.push(record);
      return;
    }
    let low = 0;
    let high = list.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareByCreation(list[middle] as ClientRecord, record) <= 0) low = middle + 1;
      else high = middle;
    }
    list.splice(low, 0, record);
  }

  #unindex(record: ClientRecord): void {
    this.#byId.delete(record.id);
    const remove = (list: ClientRecord[] | undefined): void => {
      const at = list?.lastIndexOf(record) ?? -1;
      if (at !== -1) list?.splice(at, 1);
    };
    remove(this.#ordered);
    remove(this.#byOrg.get(record.orgId));
  }

  async #changed(): Promise<void> {
    if (this.#file === undefined) return;
    this.#dirty = true;
    if (this.#durable || this.#closed) {
      await this.flush();
      return;
    }
    this.#schedule(Math.max(this.#flushIntervalMs, WRITE_SHARE * this.#lastWriteMs));
  }

  /** Arranges a background write in `delayMs`, unless one is arranged; a failed one is tried again. */
  #schedule(delayMs: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch((error: Error) => {
        this.#onWriteError(error);
        // The change is still pending: try again, no sooner than a second later.
        if (!this.#closed) this.#schedule(Math.max(RETRY_AFTER_FAILURE_MS, delayMs));
      });
    }, delayMs);
    // A pending write never keeps the process alive: close() writes it.
    this.#timer.unref();
  }
}
