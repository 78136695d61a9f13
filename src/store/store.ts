// The store: one collection per resource in one lowdb document, read from indexes in memory and
// written as a whole, atomically, behind the requests (or before they answer, when durable).
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low, Memory, type Adapter } from 'lowdb';
import { StartupError } from '../errors.js';
import { IndexedCollection, type Collection } from './collection.js';
import type { StoreData, StoreFileCheck } from './store-file.js';
import type { StoredRecord } from './stored-record.js';
import type { WriteBehind } from './write-behind.js';

/** Where the records live: a JSON file, or memory only. */
export type StoreLocation = { kind: 'file'; path: string } | { kind: 'memory' };

/** How the store persists. */
export interface StoreOptions {
  /** Write the file before a change resolves, instead of shortly after. */
  durable?: boolean;
  /** How long a change waits before it is written (write-behind), in milliseconds. */
  flushIntervalMs?: number;
  /** Told about failed background writes. */
  onWriteError?: (error: Error) => void;
  /** Checks a store file's content before it is loaded (the generated store-file schema). */
  checkFile?: StoreFileCheck;
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

/**
 * Holds every collection. Reads are served from indexes (by id, and per organisation in creation
 * order); changes are applied in memory at once and written as one atomic file write, so a change
 * that touches two collections is never half on disk.
 *
 * @example
 * const store = await Store.open({ kind: 'memory' }, ['clients']);
 * await store.apply([{ collection: 'clients', insert: record }]);
 * store.collection('clients').get(record.id);
 */
export class Store {
  readonly #db: Low<StoreData>;
  readonly #collections: ReadonlyMap<string, IndexedCollection<StoredRecord>>;
  /** The file adapter, for a file store: it makes (and keeps) the records' JSON. */
  readonly #file: { jsonOf(record: StoredRecord): string } | undefined;
  /** The write-behind decorator, when writes are not durable. */
  readonly #writeBehind: WriteBehind<StoreData> | undefined;

  private constructor(
    db: Low<StoreData>,
    names: readonly string[],
    file: { jsonOf(record: StoredRecord): string } | undefined,
    writeBehind: WriteBehind<StoreData> | undefined,
  ) {
    this.#db = db;
    this.#collections = new Map(names.map((name) => [name, new IndexedCollection<StoredRecord>(name)]));
    this.#file = file;
    this.#writeBehind = writeBehind;
  }

  /**
   * Opens the store with these collections; a file that exists is read and checked, one that does
   * not is created on first write.
   */
  static async open(location: StoreLocation, names: readonly string[], options: StoreOptions = {}): Promise<Store> {
    if (location.kind === 'memory') return Store.inMemory(names);
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
    const [{ StoreFile }, { WriteBehind }] = await Promise.all([import('./store-file.js'), import('./write-behind.js')]);
    const file = new StoreFile(location.path, names, options.checkFile ?? (() => []));
    const writeBehind = options.durable
      ? undefined
      : new WriteBehind(file, {
          flushIntervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
          onWriteError: options.onWriteError ?? (() => undefined),
        });
    const adapter: Adapter<StoreData> = writeBehind ?? file;
    const db = new Low(adapter, emptyData(names));
    await db.read();
    const store = new Store(db, names, file, writeBehind);
    for (const collection of store.#collections.values()) {
      const duplicate = collection.load(db.data[collection.name] ?? []);
      if (duplicate !== undefined) {
        throw new StartupError(`store file ${location.path} holds the id ${duplicate} twice; it was left untouched`);
      }
    }
    return store;
  }

  /** A store that keeps nothing on disk (made at once: there is nothing to read). */
  static inMemory(names: readonly string[]): Store {
    return new Store(new Low(new Memory<StoreData>(), emptyData(names)), names, undefined, undefined);
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
    return this.#file?.jsonOf(record) ?? JSON.stringify(record);
  }

  /**
   * Applies changes to one or more collections together: all are in memory at once, and on disk
   * in one write. Durable mode resolves once they are written, and keeps none of them if the write
   * fails, so that a client that retries cannot store a record twice.
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
    const undo: (() => void)[] = [];
    for (const [collection, record] of inserts) {
      collection.add(record);
      undo.push(() => collection.remove(record));
    }
    for (const [collection, pairs] of updates) {
      if (pairs.length === 1) collection.swap(...(pairs[0] as [StoredRecord, StoredRecord]));
      else collection.swapMany(pairs);
      // Undone only where this change's version is still the stored one: a change that came after
      // it (durable writes overlap) is not overwritten with an older version.
      undo.push(() => {
        const current = pairs.filter(([, next]) => collection.get(next.id) === next).map(([previous, next]) => [next, previous] as const);
        if (current.length === 1) collection.swap(...(current[0] as [StoredRecord, StoredRecord]));
        else if (current.length > 1) collection.swapMany(current);
      });
    }
    for (const [collection, record] of removals) {
      const at = collection.remove(record);
      undo.push(() => collection.restore(record, at));
    }
    try {
      await this.#write();
    } catch (error) {
      for (const step of undo.reverse()) step();
      throw error;
    }
  }

  /**
   * Replaces the records of the collections given (all of them, or with `orgId` only that
   * organisation's), and writes the file before resolving. Fails without changing anything if an
   * id would be stored twice.
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
    for (const [collection, all] of next) collection.load(all);
    // Nothing changed: the file already says so (unless a write is pending, which flush() does).
    if (next.size > 0) await this.#write();
    await this.flush();
  }

  /** Writes pending changes now. */
  async flush(): Promise<void> {
    await this.#writeBehind?.flush();
  }

  /** Writes pending changes and stops background writes. */
  async close(): Promise<void> {
    await this.#writeBehind?.close();
  }

  #indexed(name: string): IndexedCollection<StoredRecord> {
    const collection = this.#collections.get(name);
    if (collection === undefined) throw new Error(`the store has no collection ${name}`);
    return collection;
  }

  #write(): Promise<void> {
    this.#db.data = Object.fromEntries([...this.#collections.values()].map((c) => [c.name, c.ordered]));
    return this.#db.write();
  }
}
