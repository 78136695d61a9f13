// The store: one record table per collection, read from indexes in memory and written as one
// document (lowdb), atomically, behind the requests (or before they answer, when durable); a large
// store appends its changes to a log instead, and is written whole now and then.
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { StartupError } from '../errors.js';
import type { Collection, CollectionIndexes } from './collection.js';
import type { LockProcesses, StoreLock } from './lock.js';
import { RecordTable, type TableChanges, type TableSnapshot } from './record-table.js';
import type { StoreContent, StoreFile, StoreFileCheck, StoreFileSystem } from './store-file.js';
import type { StoredRecord } from './stored-record.js';
import type { StoreWrites } from './write-behind.js';

/** Where the records live: a JSON file, or memory only. */
export type StoreLocation = { kind: 'file'; path: string } | { kind: 'memory' };

/** The indexes each collection's lists need, by collection name (see {@link CollectionIndexes}). */
// biome-ignore lint/suspicious/noExplicitAny: each collection's indexes read records of its own type.
export type StoreIndexes = Readonly<Record<string, CollectionIndexes<any> | undefined>>;

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
  /** The indexes the collections' lists need. */
  indexes?: StoreIndexes;
  /** A file at least this large keeps a log of changes beside it (32 MB by default; 0: always). */
  logAboveBytes?: number;
}

/** One change of a record: a new one, a new version of one already stored (same id), or the removal of one by id. */
export type Change =
  | { collection: string; insert: StoredRecord }
  | { collection: string; update: StoredRecord }
  | { collection: string; remove: string };

/** Records for {@link Store.replace}, by collection; a collection left out is not touched. */
export type RecordsByCollection = Readonly<Record<string, readonly StoredRecord[]>>;

const DEFAULT_FLUSH_INTERVAL_MS = 100;
/** A write with more changes than this writes the whole file rather than a log of them. */
const MOST_LOGGED_CHANGES = 50_000;
/** Dead record bytes worth copying live records out of their segments for. */
const COMPACT_ABOVE_BYTES = 64 << 20;

/** How a file store is kept: the file, its writes and its lock. */
interface FileParts {
  file: StoreFile;
  writes: StoreWrites;
  lock: StoreLock;
  /** Whether the file existed when the store was opened. */
  existed: boolean;
}

type Table = RecordTable<StoredRecord>;

/**
 * Holds every collection. Reads are served from indexes (by id, per organisation in creation order,
 * and the filters, orders and search texts the resources declared); changes are applied in memory
 * at once and written together, so that a change that touches two collections is never half on
 * disk. A change answered with an error is not kept: neither in memory nor in the file.
 *
 * @example
 * const store = await Store.open({ kind: 'memory' }, ['clients']);
 * await store.apply([{ collection: 'clients', insert: record }]);
 * store.collection('clients').get(record.id);
 */
export class Store {
  readonly #tables: ReadonlyMap<string, Table>;
  /** How the file is kept; none for a memory store. */
  readonly #file: FileParts | undefined;
  /** The seed, per table: a snapshot of the table as the seed's records left it (it shares their bytes). */
  readonly #seeded = new Map<Table, TableSnapshot<StoredRecord>>();
  /** How many changes (applied, replaced or restored) the tables have taken, failed ones included. */
  #changeCount = 0;
  /** {@link #changeCount} when a whole restore of the seed was last written; a restore with none since has nothing to do. */
  #restoredAtChange: number | undefined;

  private constructor(tables: ReadonlyMap<string, Table>, file: FileParts | undefined) {
    this.#tables = tables;
    this.#file = file;
  }

  /**
   * Opens the store with these collections; a file that exists is read and checked, one that does
   * not is created on first write. The file is locked for this process until {@link close}.
   */
  static async open(location: StoreLocation, names: readonly string[], options: StoreOptions = {}): Promise<Store> {
    if (location.kind === 'memory') return Store.inMemory(names, options.indexes);
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
      const file = new StoreFile(path, names, options.checkFile ?? (() => []), {
        ...(options.fileSystem === undefined ? {} : { fileSystem: options.fileSystem }),
        ...(options.logAboveBytes === undefined ? {} : { logAboveBytes: options.logAboveBytes }),
      });
      let tables = tablesOf(names, options.indexes);
      // A file the fake wrote is put into the tables as it is read, while the next reads are under way.
      const content = await file.read({
        take: (collection, buffer, lines, expectedLines) => {
          (tables.get(collection) as Table).adoptLines([buffer], [lines], false, expectedLines);
        },
        drop: () => {
          tables = tablesOf(names, options.indexes);
        },
      });
      if (content !== null) {
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
      if (content !== null) {
        const duplicate = loadContent(tables, content) ?? replayLog(tables, file);
        if (duplicate !== undefined) throw new StartupError(`store file ${path} holds the id ${duplicate} twice; it was left untouched`);
      }
      const db = new Low<StoreContent>(file, {});
      let store: Store | undefined;
      const writes = new StoreWrites(() => (store as Store).#write(db), {
        durable: options.durable ?? false,
        flushIntervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
        onWriteError: options.onWriteError ?? (() => undefined),
        onWriteRecovered: options.onWriteRecovered ?? (() => undefined),
      });
      store = new Store(tables, { file, writes, lock, existed: content !== null });
      // From now on: what was read (the log's changes included) is on disk already.
      for (const table of tables.values()) table.trackChanges();
      return store;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** A store that keeps nothing on disk (made at once: there is nothing to read). */
  static inMemory(names: readonly string[], indexes: StoreIndexes = {}): Store {
    return new Store(tablesOf(names, indexes), undefined);
  }

  /**
   * Starts putting the records read at start-up into their declared indexes, in slices between
   * other work (a list that needs them waits). Called once the server listens: each slice would
   * otherwise lengthen the start-up.
   */
  indexInBackground(): void {
    for (const table of this.#tables.values()) table.indexInBackground();
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
    return this.#table(name) as unknown as Collection<R>;
  }

  /** The JSON of a stored record, as the file holds it (so that an answer and the file share one serialisation). */
  jsonOf(collection: string, id: string): string | undefined {
    return this.#table(collection).jsonOf(id);
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
    for (const change of changes) {
      const table = this.#table(change.collection);
      if ('insert' in change) continue;
      const id = 'remove' in change ? change.remove : change.update.id;
      if (!table.has(id)) {
        throw new Error(`${change.collection} has no record ${id} to ${'remove' in change ? 'remove' : 'update'}`);
      }
    }
    this.#changeCount++;
    const undos = applyAll(changes, (change) => {
      const table = this.#table(change.collection);
      if ('insert' in change) return table.insert(change.insert, JSON.stringify(change.insert));
      if ('update' in change) return table.update(change.update, JSON.stringify(change.update));
      return table.remove(change.remove);
    });
    this.#compactIfWasteful();
    // Undone only after every later change was (newest first), so each step finds what it changed.
    await this.#file?.writes.changed(() => {
      for (const undo of undos.reverse()) undo();
    });
  }

  /**
   * Replaces the records of the collections given (all of them, or with `orgId` only that
   * organisation's: those of the records given that belong to it), and writes the file before
   * resolving. Fails without changing anything if an id would be stored twice, or (with a 503) if
   * the file cannot be written. `seed` says the records are the seed's: given for every
   * organisation, they are kept as a snapshot that {@link restoreSeed} restores.
   */
  async replace(records: RecordsByCollection, orgId?: string, options: { seed?: boolean } = {}): Promise<void> {
    // Checked before anything changes.
    const plan = Object.entries(records).map(([name, given]) => ({ table: this.#table(name), given }));
    for (const { table, given } of plan) {
      const ids = new Set<string>();
      for (const record of given) {
        if (orgId !== undefined && record.orgId !== orgId) continue;
        // Another organisation's record keeps its id when only one organisation is replaced.
        const heldElsewhere = orgId !== undefined && (table.orgIdOf(record.id) ?? orgId) !== orgId;
        if (ids.has(record.id) || heldElsewhere) throw new Error(`the id ${record.id} would be stored twice in ${table.name}`);
        ids.add(record.id);
      }
    }
    this.#changeCount++;
    const undos = applyAll(plan, ({ table, given }) => {
      const undo = table.replace(given, orgId);
      if (options.seed === true && orgId === undefined) this.#seeded.set(table, table.snapshot());
      return undo;
    });
    await this.#writeNow(undos);
  }

  /**
   * Restores the seed (or, with `orgId`, that organisation's part of it) that {@link replace} kept
   * for every collection, touching only the records changed since (nothing when nothing changed),
   * and writes the file before resolving. A whole restore with no change since the last one, which
   * was written, leaves memory and the file as they are (it only waits for a write that failed to
   * be tried again): tests reset between tests that often change nothing.
   */
  async restoreSeed(orgId?: string): Promise<void> {
    const plan = [...this.#tables.values()].map((table) => {
      const snapshot = this.#seeded.get(table);
      if (snapshot === undefined) throw new Error(`no seed is kept for ${table.name}`);
      return { table, snapshot };
    });
    if (orgId === undefined && this.#restoredAtChange === this.#changeCount) return this.flush();
    const change = ++this.#changeCount;
    const undos = applyAll(plan, ({ table, snapshot }) => table.restore(snapshot, orgId));
    await this.#writeNow(undos);
    // Once written, and only if nothing changed meanwhile, the tables are the seed as the file holds it.
    if (orgId === undefined && this.#changeCount === change) this.#restoredAtChange = change;
  }

  /** Writes the changes made now, undoing them (last first) if the write fails. */
  async #writeNow(undos: (() => void)[]): Promise<void> {
    await this.#file?.writes.changed(() => {
      for (const undo of undos.reverse()) undo();
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

  /** Writes pending changes (a large store: its whole file), stops background writes and releases the file's lock. */
  async close(): Promise<void> {
    if (this.#file === undefined) return;
    try {
      await this.#file.writes.close();
      if (this.#file.file.logging) await this.#writeWhole();
    } finally {
      await this.#file.lock.release();
    }
  }

  /**
   * One write: the changes since the last, appended to the log (a large store), or the whole
   * file (a compaction, for a large store). If it fails, the changes it took are taken again by the next.
   */
  async #write(db: Low<StoreContent>): Promise<'log' | 'whole' | 'compaction'> {
    const { file } = this.#file as FileParts;
    const taken = new Map<Table, TableChanges>();
    let count = 0;
    let whole = false;
    for (const table of this.#tables.values()) {
      whole ||= table.needsWhole;
      const changes = table.takeChanges();
      taken.set(table, changes);
      count += changes.records.size;
    }
    try {
      if (file.logging && !whole && !file.logFull && count <= MOST_LOGGED_CHANGES) {
        await file.append(this.#logLines(taken));
        return 'log';
      }
      const compaction = file.logging;
      db.data = this.#content();
      await db.write();
      return compaction ? 'compaction' : 'whole';
    } catch (error) {
      for (const [table, changes] of taken) table.putChangesBack(changes);
      throw error;
    }
  }

  /** Writes the whole file now (a large store when it stops: the log folded in). */
  async #writeWhole(): Promise<void> {
    const { file } = this.#file as FileParts;
    for (const table of this.#tables.values()) table.takeChanges();
    await file.write(this.#content());
  }

  #content(): StoreContent {
    return Object.fromEntries([...this.#tables].map(([name, table]) => [name, { parts: table.fileParts() }]));
  }

  /**
   * The log's lines for what changed: each changed record's JSON as it is now, or its removal, and
   * the organisations moved to the end of the stored order, in the order they happened.
   */
  #logLines(taken: ReadonlyMap<Table, TableChanges>): Buffer {
    const lines: string[] = [];
    for (const [table, { records, moves }] of taken) {
      const name = JSON.stringify(table.name);
      let done = 0;
      let next = 0;
      const movesUpTo = (count: number): void => {
        for (; next < moves.length && (moves[next]?.after ?? 0) <= count; next++) {
          lines.push(`[${name},"moved",${JSON.stringify(moves[next]?.orgId)}]\n`);
        }
      };
      for (const [rec, id] of records) {
        movesUpTo(done);
        const json = table.jsonOfRec(rec);
        lines.push(json === undefined ? `[${name},null,${JSON.stringify(id)}]\n` : `[${name},${json}]\n`);
        done++;
      }
      movesUpTo(Number.POSITIVE_INFINITY);
    }
    return Buffer.from(lines.join(''));
  }

  /** Copies live records out of mostly dead segments once enough bytes are dead (never while a change may be undone). */
  #compactIfWasteful(): void {
    for (const table of this.#tables.values()) {
      if (table.deadBytes < COMPACT_ABOVE_BYTES) continue;
      if (this.#file !== undefined && !this.#file.writes.idle) continue;
      table.compact();
    }
  }

  #table(name: string): Table {
    const table = this.#tables.get(name);
    if (table === undefined) throw new Error(`the store has no collection ${name}`);
    return table;
  }
}

function tablesOf(names: readonly string[], indexes: StoreIndexes = {}): Map<string, Table> {
  return new Map(names.map((name) => [name, new RecordTable<StoredRecord>(name, indexes[name])]));
}

/** Puts the file's records into the tables; answers an id found twice, if any. */
function loadContent(tables: ReadonlyMap<string, Table>, content: StoreContent): string | undefined {
  for (const [name, table] of tables) {
    const { parts, lines } = content[name] ?? { parts: [] };
    const duplicate = table.adoptLines(parts, lines ?? [], content[name]?.written !== true);
    if (duplicate !== undefined) return duplicate;
  }
  return undefined;
}

/** Applies the changes the log held at start-up. */
function replayLog(tables: ReadonlyMap<string, Table>, file: StoreFile): undefined {
  for (const change of file.takeLogged()) {
    const table = tables.get(change.collection) as Table;
    if ('moved' in change) {
      table.moveToEnd(change.moved);
    } else if ('removed' in change) {
      if (table.has(change.removed)) table.remove(change.removed);
    } else if (table.has(change.record.id)) {
      table.update(change.record, change.json);
    } else {
      table.insert(change.record, change.json);
    }
  }
  return undefined;
}

/**
 * Applies each step, keeping how to undo it; when one fails, undoes those before it (newest first)
 * and rethrows: a change that fails leaves every table as it was.
 */
function applyAll<T>(steps: readonly T[], apply: (step: T) => () => void): (() => void)[] {
  const undos: (() => void)[] = [];
  try {
    for (const step of steps) undos.push(apply(step));
  } catch (error) {
    for (const undo of [...undos].reverse()) undo();
    throw error;
  }
  return undos;
}
