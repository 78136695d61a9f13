// The store: one collection per resource in one lowdb document, read from indexes in memory and
// written as a whole, atomically, behind the requests (or before they answer, when durable).
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { StartupError } from '../errors.js';
import { IndexedCollection, type Collection } from './collection.js';
import type { LockProcesses, StoreLock } from './lock.js';
import type { StoreData, StoreFileCheck, StoreFileSystem } from './store-file.js';
import type { StoredRecord } from './stored-record.js';
import type { StoreWrites } from './write-behind.js';

/** Where the records live: a JSON file, or memory only. */
export type StoreLocation = { kind: 'file'; path: string } | { kind: 'memory' };

/** How the store persists. */
export interface StoreOptions {
  /** Write the file before a change resolves, instead of shortly after. */
  durable?: boolean;
  /** How long a change waits before it is written (write-behind), in milliseconds. */
  flushIntervalMs?: number;
  /** Told when writes of the file start failing. */
  onWriteError?: (error: Error) => void;
  /** Told when a write succeeds after failures. */
  onWriteRecovered?: () => void;
  /** Checks a store file's content before it is loaded (the generated store-file schema). */
  checkFile?: StoreFileCheck;
  /** The file system the file is written through (Node's by default). */
  fileSystem?: StoreFileSystem;
  /** The processes the file's lock is checked against (this machine's by default). */
  processes?: LockProcesses;
}

/** One change of a record: a new one, a new version of one already stored (same id), or the removal of one by id. */
export type Change =
  | { collection: string; insert: StoredRecord }
  | { collection: string; update: StoredRecord }
  | { collection: string; remove: string };

/** Records for {@link Store.replace}, by collection; a collection left out is not touched. */
export type RecordsByCollection = Readonly<Record<string, readonly StoredRecord[]>>;

const DEFAULT_FLUSH_INTERVAL_MS = 100;

function emptyData(names: readonly string[]): StoreData {
  return Object.fromEntries(names.map((name) => [name, []]));
}

/** How a file store is kept: the file's adapter, its writes and its lock. */
interface FileParts {
  file: { jsonOf(record: StoredRecord): string };
  writes: StoreWrites;
  lock: StoreLock;
  /** Whether the file existed when the store was opened. */
  existed: boolean;
}

/**
 * Holds every collection. Reads are served from indexes (by id, and per organisation in creation
 * order); changes are applied in memory at once and written as one atomic file write, so a change
 * that touches two collections is never half on disk. A change answered with an error is not kept:
 * neither in memory nor in the file.
 *
 * @example
 * const store = await Store.open({ kind: 'memory' }, ['clients']);
 * await store.apply([{ collection: 'clients', insert: record }]);
 * store.collection('clients').get(record.id);
 */
export class Store {
  readonly #collections: ReadonlyMap<string, IndexedCollection<StoredRecord>>;
  /** How the file is kept; none for a memory store. */
  readonly #file: FileParts | undefined;

  private constructor(collections: ReadonlyMap<string, IndexedCollection<StoredRecord>>, file: FileParts | undefined) {
    this.#collections = collections;
    this.#file = file;
  }

  /**
   * Opens the store with these collections; a file that exists is read and checked, one that does
   * not is created on first write. The file is locked for this process until {@link close}.
   */
  static async open(location: StoreLocation, names: readonly string[], options: StoreOptions = {}): Promise<Store> {
    if (location.kind === 'memory') return Store.inMemory(names);
    const { path } = location;
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (error) {
      throw new StartupError(
        `store file ${path}: cannot create its folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    try {
      // Checked now: otherwise the first write after start-up would be the one to fail.
      await access(dirname(path), constants.W_OK);
    } catch {
      throw new StartupError(`store file ${path}: its folder ${dirname(path)} is not writable`);
    }
    // Loaded only for a file store: a memory store starts without lowdb's file adapters.
    const [{ StoreFile }, { StoreWrites }, { lockStoreFile }] = await Promise.all([
      import('./store-file.js'),
      import('./write-behind.js'),
      import('./lock.js'),
    ]);
    const lock = await lockStoreFile(path, options.processes);
    try {
      const file = new StoreFile(path, names, options.checkFile ?? (() => []), options.fileSystem);
      const data = await file.read();
      if (data !== null) {
        try {
          // Replaced by each write (a temporary file and a rename), a file the fake may not write
          // would silently become its own.
          await access(path, constants.W_OK);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code;
          throw new StartupError(`store file ${path} cannot be written (${why}); it was left untouched`);
        }
      }
      const collections = new Map(names.map((name) => [name, new IndexedCollection<StoredRecord>(name)]));
      for (const collection of collections.values()) {
        const duplicate = collection.load(data?.[collection.name] ?? []);
        if (duplicate !== undefined) throw new StartupError(`store file ${path} holds the id ${duplicate} twice; it was left untouched`);
      }
      const db = new Low<StoreData>(file, emptyData(names));
      const writes = new StoreWrites(
        () => {
          db.data = Object.fromEntries([...collections.values()].map((c) => [c.name, c.ordered]));
          return db.write();
        },
        {
          durable: options.durable ?? false,
          flushIntervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
          onWriteError: options.onWriteError ?? (() => undefined),
          onWriteRecovered: options.onWriteRecovered ?? (() => undefined),
        },
      );
      return new Store(collections, { file, writes, lock, existed: data !== null });
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** A store that keeps nothing on disk (made at once: there is nothing to read). */
  static inMemory(names: readonly string[]): Store {
    return new Store(new Map(names.map((name) => [name, new IndexedCollection<StoredRecord>(name)])), undefined);
  }

  /** Whether the store was opened on a file that already existed (a new file or memory: false). */
  get existed(): boolean {
    return this.#file?.existed ?? false;
  }

  /** Why the file cannot be written, while it cannot (the last write failed). */
  get failure(): Error | undefined {
    return this.#file?.writes.failure;
  }

  /** The collection of this name (one the store was opened with). */
  collection<R extends StoredRecord>(name: string): Collection<R> {
    return this.#indexed(name) as unknown as Collection<R>;
  }

  /**
   * The JSON of a record: made once and kept by the file adapter for its next write, so that an
   * answer and the file share one serialisation.
   */
  jsonOf(record: StoredRecord): string {
    return this.#file?.file.jsonOf(record) ?? JSON.stringify(record);
  }

  /**
   * Applies changes to one or more collections together: all are in memory at once, and on disk
   * in one write. Durable mode resolves once they are written; if the write fails they are undone
   * (with every change made after them) and it rejects with a 503, so that a client that retries
   * cannot store a record twice. Write-behind mode resolves at once, unless the file cannot be
   * written: then it waits for the write like durable mode.
   */
  async apply(changes: readonly Change[]): Promise<void> {
    // Everything is checked before anything changes: a change that cannot apply leaves the store as it was.
    const inserts: [IndexedCollection<StoredRecord>, StoredRecord][] = [];
    // Many updates of one collection (a batch expiry, say) are swapped in one pass over its lists.
    const updates = new Map<IndexedCollection<StoredRecord>, [StoredRecord, StoredRecord][]>();
    const removals: [IndexedCollection<StoredRecord>, StoredRecord][] = [];
    for (const change of changes) {
      const collection = this.#indexed(change.collection);
      if ('insert' in change) {
        inserts.push([collection, change.insert]);
        continue;
      }
      if ('remove' in change) {
        const stored = collection.get(change.remove);
        if (stored === undefined) throw new Error(`${change.collection} has no record ${change.remove} to remove`);
        removals.push([collection, stored]);
        continue;
      }
      const previous = collection.get(change.update.id);
      if (previous === undefined) throw new Error(`${change.collection} has no record ${change.update.id} to update`);
      let pairs = updates.get(collection);
      if (pairs === undefined) {
        pairs = [];
        updates.set(collection, pairs);
      }
      pairs.push([previous, change.update]);
    }
    for (const [collection, record] of inserts) collection.add(record);
    for (const [collection, pairs] of updates) {
      if (pairs.length === 1) collection.swap(...(pairs[0] as [StoredRecord, StoredRecord]));
      else collection.swapMany(pairs);
    }
    const removed: [IndexedCollection<StoredRecord>, StoredRecord, number][] = [];
    for (const [collection, record] of removals) removed.push([collection, record, collection.remove(record)]);
    // Undone only after every later change was (newest first), so each step finds what it changed.
    await this.#file?.writes.changed(() => {
      for (const [collection, record, at] of removed.reverse()) collection.restore(record, at);
      for (const [collection, pairs] of updates) {
        const back = pairs.map(([previous, next]) => [next, previous] as const);
        if (back.length === 1) collection.swap(...(back[0] as [StoredRecord, StoredRecord]));
        else collection.swapMany(back);
      }
      for (const [collection, record] of inserts) collection.remove(record);
    });
  }

  /**
   * Replaces the records of the collections given (all of them, or with `orgId` only that
   * organisation's), and writes the file before resolving. Fails without changing anything if an
   * id would be stored twice, or (with a 503) if the file cannot be written.
   */
  async replace(records: RecordsByCollection, orgId?: string): Promise<void> {
    const next = new Map<IndexedCollection<StoredRecord>, readonly StoredRecord[]>();
    for (const [name, given] of Object.entries(records)) {
      const collection = this.#indexed(name);
      const all = orgId === undefined ? given : [...collection.ordered.filter((r) => r.orgId !== orgId), ...given];
      // A reset of an unchanged collection has nothing to check or index again.
      if (collection.holdsExactly(all)) continue;
      const ids = new Set<string>();
      for (const record of all) {
        if (ids.has(record.id)) throw new Error(`the id ${record.id} would be stored twice in ${name}`);
        ids.add(record.id);
      }
      next.set(collection, all);
    }
    // Nothing changed: the file already says so (unless a write is pending, which flush() does).
    if (next.size === 0) return this.flush();
    const previous = [...next.keys()].map((collection) => [collection, collection.ordered] as const);
    for (const [collection, all] of next) collection.load(all);
    await this.#file?.writes.changed(() => {
      for (const [collection, old] of previous) collection.load(old);
    }, true);
  }

  /** Writes pending changes now; rejects with a 503 if the file cannot be written. */
  async flush(): Promise<void> {
    await this.#file?.writes.flush();
  }

  /**
   * Resolves if the store can be written: at once, or, after a failed write, once a new try
   * succeeds; rejects with a 503 saying why otherwise.
   */
  async check(): Promise<void> {
    await this.#file?.writes.check();
  }

  /** Writes pending changes, stops background writes and releases the file's lock. */
  async close(): Promise<void> {
    if (this.#file === undefined) return;
    try {
      await this.#file.writes.close();
    } finally {
      await this.#file.lock.release();
    }
  }

  #indexed(name: string): IndexedCollection<StoredRecord> {
    const collection = this.#collections.get(name);
    if (collection === undefined) throw new Error(`the store has no collection ${name}`);
    return collection;
  }
}
