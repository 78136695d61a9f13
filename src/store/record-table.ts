// One collection of the store, held once: each record as its canonical JSON in large segments off
// the JavaScript heap, found through typed-array indexes (by id, per organisation in creation
// order, in stored order, and the filters, orders and search texts its resource declared).
import { CLOSE_BRACKET, COMMA, OPEN_BRACKET, QUOTE } from '../json-bytes.js';
import type { Collection, CollectionIndexes, FilterValue, ListPage, ListRequest } from './collection.js';
import { hashAscii, hashBytes, IdIndex } from './id-index.js';
import { IntList } from './int-list.js';
import type { RecordLines } from './record-lines.js';
import { SearchText, searchPattern, TEXT_SEPARATOR } from './search-text.js';
import { TextKeyColumn } from './text-key-column.js';
import { SEPARATOR_LENGTH, Segments } from './segments.js';
import { createdMsOf, type StoredRecord } from './stored-record.js';

/** How long a slice of long work (a first sort, a search, indexing after start-up) may hold the event loop. */
const SLICE_MS = 8;
/** Bytes per chunk of an export. */
const CHUNK_BYTES = 1 << 20;
/** Search hit arrays kept for searches to come (as many as run at once, usually). */
const SPARE_HITS = 2;
/** Where the id's characters start in a record's JSON that begins `{"id":"`. */
const ID_START = 7;
const ID_PREFIX = '{"id":"';

/**
 * Long work in slices: `pause()` lets other requests run once a slice has held the event loop for
 * {@link SLICE_MS}, and answers whether it did (what the work read may have changed meanwhile).
 */
class Slices {
  #started = performance.now();

  async pause(): Promise<boolean> {
    if (performance.now() - this.#started <= SLICE_MS) return false;
    await new Promise((resolve) => setImmediate(resolve));
    this.#started = performance.now();
    return true;
  }
}

/** Text-key order: key ascending (no key last, keys compared as `<` compares strings), then newest first. */
function compareKeyed(keys: TextKeyColumn, seq: Float64Array, a: number, b: number): number {
  const byKey = keys.compare(a, b);
  return byKey !== 0 ? byKey : (seq[b] as number) - (seq[a] as number);
}

type Column = Int32Array | Float64Array | Uint8Array;

/** A column of `capacity` records holding `column`'s (or none, with `keep` false: zeros). */
function grow<T extends Column>(column: T, capacity: number, keep = true): T {
  const grown = new (column.constructor as new (length: number) => T)(capacity);
  if (keep) grown.set(column);
  return grown;
}

/** Whether an id can be found through the record bytes: printable ASCII that JSON writes as it is. */
function isPlainId(id: string): boolean {
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === QUOTE || code === 0x5c) return false;
  }
  return true;
}

/** A declared filter: its values' codes and, by record number, each record's code. */
interface FilterIndex<R> {
  name: string;
  of: (record: R) => FilterValue;
  codes: Map<string, number>;
  column: Int32Array;
}

/** A declared text order's key, by record number. */
interface TextKeys<R> {
  name: string;
  of: (record: R) => string | undefined;
  keys: TextKeyColumn;
}

/** A declared count order's number, by record number. */
interface CountKeys<R> {
  name: string;
  of: (record: R) => number;
  column: Float64Array;
}

/** A maintained order by a text key; built on first use, in slices. */
interface TextOrder {
  recs: IntList | undefined;
  building: Promise<IntList> | undefined;
  /** Records changed while the order was being built: placed again once it is. */
  pending: Set<number> | undefined;
}

/** One organisation's records: in creation order, its search texts and its maintained orders. */
interface OrgState {
  /** Records, oldest first. */
  recs: IntList;
  text: SearchText | undefined;
  textOrders: Map<string, TextOrder>;
  /** Count orders made for the organisation's records as they were at `version`. */
  countOrders: Map<string, { version: number; recs: Int32Array }>;
  /** Whether the lists are a snapshot's too: copied before the first change (see `#writable`). */
  shared: boolean;
  /** The snapshot the state was restored from (or taken as), and the records changed since (unknown: undefined). */
  origin: object | undefined;
  changed: Set<number> | undefined;
}

interface Org {
  readonly orgId: string;
  readonly number: number;
  /** Bumps at every change of the organisation's records. */
  version: number;
  state: OrgState;
}

function emptyOrgState(): OrgState {
  return {
    recs: new IntList(),
    text: undefined,
    textOrders: new Map(),
    countOrders: new Map(),
    shared: false,
    origin: undefined,
    changed: undefined,
  };
}

/** The built text orders of a state, as new order objects over the same lists. */
function builtOrders(orders: ReadonlyMap<string, TextOrder>, copy: boolean): Map<string, TextOrder> {
  return new Map(
    [...orders].flatMap(([name, order]) =>
      order.recs === undefined ? [] : [[name, { recs: copy ? order.recs.copy() : order.recs, building: undefined, pending: undefined }]],
    ),
  );
}

/** Where an export's records lie: the table's own columns, or a copy taken before a change. */
interface ExportColumns {
  segment: Int32Array;
  offset: Int32Array;
  length: Int32Array;
  segments: Segments;
}

/** How far an export has got: `sent` records of `recs` (the table's stored order while undefined). */
interface ExportPlace {
  sent: number;
  recs: Int32Array | undefined;
  columns: ExportColumns | undefined;
}

/** What a record's columns held, to put back when a change is undone. */
interface SavedRec {
  rec: number;
  alive: number;
  segment: number;
  offset: number;
  length: number;
  stamp: number;
  seq: number;
  indexed: number;
  filters: number[];
  counts: number[];
  keys: (string | undefined)[];
  textEntry: number;
  hashed: boolean;
}

/**
 * A bottom-up merge sort of the positions 0..n-1 that yields to other work every few
 * milliseconds, so that sorting a million keys never holds the event loop for long.
 */
async function sortInSlices(n: number, compare: (a: number, b: number) => number): Promise<Int32Array> {
  let source = new Int32Array(n);
  for (let i = 0; i < n; i++) source[i] = i;
  let target = new Int32Array(n);
  const slices = new Slices();
  const RUN = 16;
  for (let from = 0; from < n; from += RUN) {
    const end = Math.min(n, from + RUN);
    for (let i = from + 1; i < end; i++) {
      const value = source[i] as number;
      let j = i - 1;
      while (j >= from && compare(source[j] as number, value) > 0) {
        source[j + 1] = source[j] as number;
        j--;
      }
      source[j + 1] = value;
    }
  }
  for (let width = RUN; width < n; width *= 2) {
    for (let left = 0; left < n; left += 2 * width) {
      const middle = Math.min(n, left + width);
      const right = Math.min(n, left + 2 * width);
      let i = left;
      let j = middle;
      let k = left;
      while (i < middle && j < right) {
        target[k++] = compare(source[i] as number, source[j] as number) <= 0 ? (source[i++] as number) : (source[j++] as number);
      }
      while (i < middle) target[k++] = source[i++] as number;
      while (j < right) target[k++] = source[j++] as number;
      await slices.pause();
    }
    [source, target] = [target, source];
  }
  return source;
}

/** Whether two lists of record numbers hold the same numbers in the same order. */
function sameValues(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What changed in a table since the store's last write. */
export interface TableChanges {
  /** Records by number, with their ids, in the order they first changed. */
  records: ReadonlyMap<number, string>;
  /** Organisations moved to the end of the stored order, each after the first `after` of those records changed. */
  moves: readonly { after: number; orgId: string }[];
}

/**
 * A collection held as record bytes plus typed-array indexes. Records are parsed when read, so
 * every reader gets its own objects. An update appends the new version and leaves the old bytes
 * dead until their segment is compacted; a record keeps its number for life, and a snapshot taken
 * for the seed shares the bytes and restores an organisation by putting back only what changed.
 *
 * @example
 * const table = new RecordTable('clients', indexes);
 * table.insert(record, JSON.stringify(record));
 * table.get(record.id);
 */
export class RecordTable<R extends StoredRecord> implements Collection<R> {
  readonly name: string;
  readonly #indexes: CollectionIndexes<R>;
  #segments = new Segments();
  #ids = new IdIndex();
  /** Ids that are not plain (see {@link isPlainId}), or whose JSON does not begin with them. */
  #oddIds = new Map<string, number>();
  /** Every live record in stored order: the file's order. */
  #order = new IntList();
  #orgs = new Map<string, Org>();
  #orgList: Org[] = [];
  #capacity = 0;
  /** Record numbers handed out (live or not). */
  #count = 0;
  #live = 0;
  // Columns, by record number.
  #segment = new Int32Array(0);
  #offset = new Int32Array(0);
  #length = new Int32Array(0);
  #org = new Int32Array(0);
  #createdMs = new Float64Array(0);
  /** Creation place within the organisation: larger is newer. */
  #seq = new Float64Array(0);
  #alive = new Uint8Array(0);
  /** Whether the record is in the declared indexes (records read at start-up wait for a background pass). */
  #indexed = new Uint8Array(0);
  #hashed = new Uint8Array(0);
  /** Unique per version of a record: equal stamps, equal bytes. */
  #stamp = new Float64Array(0);
  #nextStamp = 1;
  #textEntry = new Int32Array(0);
  readonly #filters: FilterIndex<R>[];
  readonly #textKeys: TextKeys<R>[];
  readonly #countKeys: CountKeys<R>[];
  /** Records not in the declared indexes yet, and the pass that puts them there. */
  #unindexed = 0;
  #indexing: Promise<void> | undefined;
  /** Shared by a table and the snapshots taken of it, until it is loaded anew. */
  #lineage: object = {};
  /** Records changed since the store last took them (for its log), with their ids; none kept for a memory store. */
  #changed: Map<number, string> | undefined;
  /** Organisations moved to the end of the stored order since then, each after the first `after` changed records. */
  #changes: { after: number; orgId: string }[] | undefined;
  #needsWhole = false;
  /** While a change that may be undone runs: what each record held before it. */
  #saving: Map<number, SavedRec> | undefined;
  /** Exports under way that still read the table's own order and columns (see {@link jsonChunks}). */
  readonly #exports = new Set<ExportPlace>();

  constructor(name: string, indexes: CollectionIndexes<R> = {}) {
    this.name = name;
    this.#indexes = indexes;
    this.#filters = Object.entries(indexes.filters ?? {}).map(([filter, of]) => ({
      name: filter,
      of,
      codes: new Map(),
      column: new Int32Array(0),
    }));
    this.#textKeys = Object.entries(indexes.textOrders ?? {}).map(([order, of]) => ({ name: order, of, keys: new TextKeyColumn() }));
    this.#countKeys = Object.entries(indexes.countOrders ?? {}).map(([order, of]) => ({ name: order, of, column: new Float64Array(0) }));
  }

  // ---- What resources read ----

  get size(): number {
    return this.#live;
  }

  has(id: string): boolean {
    return this.#find(id) !== -1;
  }

  get(id: string): R | undefined {
    const rec = this.#find(id);
    return rec === -1 ? undefined : this.#parse(rec);
  }

  /** The canonical JSON of the record with this id. */
  jsonOf(id: string): string | undefined {
    const rec = this.#find(id);
    return rec === -1 ? undefined : this.#text(rec);
  }

  versionOf(id: string): number | undefined {
    const rec = this.#find(id);
    return rec === -1 ? undefined : this.#stamp[rec];
  }

  forOrg(orgId: string): R[] {
    const org = this.#orgs.get(orgId);
    if (org === undefined) return [];
    return Array.from(org.state.recs.view(), (rec) => this.#parse(rec));
  }

  all(orgId?: string): R[] {
    const out: R[] = [];
    const number = orgId === undefined ? -1 : (this.#orgs.get(orgId)?.number ?? -2);
    if (number === -2) return out;
    for (const rec of this.#order.view()) if (number === -1 || this.#org[rec] === number) out.push(this.#parse(rec));
    return out;
  }

  count(orgId?: string): number {
    return orgId === undefined ? this.#live : (this.#orgs.get(orgId)?.state.recs.length ?? 0);
  }

  async list(orgId: string, request: ListRequest): Promise<ListPage<R>> {
    const org = this.#orgs.get(orgId);
    if (org === undefined) return { total: 0, records: [] };
    const { offset, limit } = request;
    const where = Object.entries(request.where ?? {});
    if (request.order === undefined && where.length === 0 && request.search === undefined) {
      // Newest first, read straight off the end of the creation order.
      const recs = org.state.recs;
      const total = recs.length;
      const end = total - offset;
      const records: R[] = [];
      for (let i = end - 1; i >= Math.max(0, end - limit); i--) records.push(this.#parse(recs.at(i)));
      return { total, records };
    }
    await this.#whenIndexed();
    const checks = where.map(([name, value]) => {
      const filter = this.#filters.find((f) => f.name === name);
      if (filter === undefined) throw new Error(`${this.name} has no filter ${name}`);
      return { column: filter.column, code: filter.codes.get(JSON.stringify(value)) ?? -1 };
    });
    const hits = request.search === undefined ? undefined : await this.#search(org, request.search);
    try {
      // The organisation as it is now: a search or a first sort may have let other requests change it.
      const order = await this.#ordered(org, request.order);
      const page: number[] = [];
      let total = 0;
      const take = (rec: number): void => {
        if (this.#alive[rec] !== 1) return;
        if (hits !== undefined && hits[rec] !== 1) return;
        for (const check of checks) if (check.column[rec] !== check.code) return;
        if (total >= offset && total < offset + limit) page.push(rec);
        total++;
      };
      if (request.order === undefined) for (let i = order.length - 1; i >= 0; i--) take(order[i] as number);
      else for (let i = 0; i < order.length; i++) take(order[i] as number);
      return { total, records: page.map((rec) => this.#parse(rec)) };
    } finally {
      if (hits !== undefined && this.#spareHits.length < SPARE_HITS) this.#spareHits.push(hits);
    }
  }

  /**
   * The JSON array of the records (of one organisation, with `orgId`) in stored order, exactly as
   * `JSON.stringify` writes it, in chunks of about a megabyte: the records as they are when it is
   * called, however long the chunks take to be read. The chunks share one buffer: each is valid
   * until the next is asked for (an export of a million records then allocates one megabyte, not
   * five hundred, which would each count towards a full garbage collection).
   */
  *jsonChunks(orgId?: string): Generator<Buffer> {
    const number = orgId === undefined ? -1 : (this.#orgs.get(orgId)?.number ?? -2);
    // The table's own order and columns are read until it is about to change (see #freezeExports):
    // copying them first would hold the event loop before the first chunk (16 MB at a million records).
    const place: ExportPlace = {
      sent: 0,
      recs: number === -1 ? undefined : this.#order.view().filter((rec) => this.#org[rec] === number),
      columns: undefined,
    };
    this.#exports.add(place);
    try {
      let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      let used = 0;
      chunk[used++] = OPEN_BRACKET;
      let first = true;
      for (;;) {
        const recs = place.recs ?? this.#order.view();
        const { segment, offset, length, segments } = place.columns ?? this.#exportColumns();
        let waiting = 0;
        for (; place.sent < recs.length; place.sent++) {
          const rec = recs[place.sent] as number;
          const start = offset[rec] as number;
          const end = start + (length[rec] as number);
          // Room for the record, its comma and the closing bracket.
          if (used + end - start + 2 > chunk.length) {
            waiting = end - start;
            break;
          }
          if (!first) chunk[used++] = COMMA;
          first = false;
          used += segments.buffer(segment[rec] as number).copy(chunk, used, start, end);
        }
        if (place.sent >= recs.length) break;
        yield chunk.subarray(0, used);
        if (waiting + 2 > chunk.length) chunk = Buffer.allocUnsafe(waiting + 2);
        used = 0;
      }
      chunk[used++] = CLOSE_BRACKET;
      // Every record is read: a change while the last chunk waits needs no copy for this export.
      this.#exports.delete(place);
      yield chunk.subarray(0, used);
    } finally {
      this.#exports.delete(place);
    }
  }

  #exportColumns(): ExportColumns {
    return { segment: this.#segment, offset: this.#offset, length: this.#length, segments: this.#segments };
  }

  /**
   * Before the table changes: each export under way takes a copy of the records it has still to
   * send and of where their bytes lie, and reads only those from then on.
   */
  #freezeExports(): void {
    if (this.#exports.size === 0) return;
    const columns: ExportColumns = {
      segment: this.#segment.slice(0, this.#count),
      offset: this.#offset.slice(0, this.#count),
      length: this.#length.slice(0, this.#count),
      // Bytes are never overwritten while their segment is held; the copy keeps every segment held.
      segments: this.#segments.share(),
    };
    for (const place of this.#exports) {
      place.recs = (place.recs ?? this.#order.view()).slice(place.sent);
      place.sent = 0;
      place.columns = columns;
    }
    this.#exports.clear();
  }

  // ---- What the store changes ----

  /** Adds a new record whose JSON is `json`; answers how to undo it. */
  insert(record: R, json: string): () => void {
    this.#freezeExports();
    const rec = this.#add(record, json);
    return this.#undo(() => this.#remove(rec));
  }

  /** Stores a new version of a record (same id, organisation and creation time); answers how to undo it. */
  update(record: R, json: string): () => void {
    const rec = this.#find(record.id);
    if (rec === -1) throw new Error(`${this.name} has no record ${record.id} to update`);
    const saved = this.#snapshotRec(rec);
    this.#freezeExports();
    this.#setVersion(rec, json, record);
    return this.#undo(() => this.#putBack([saved], true));
  }

  /** Removes the record with this id; answers how to undo it. */
  remove(id: string): () => void {
    const rec = this.#find(id);
    if (rec === -1) throw new Error(`${this.name} has no record ${id} to remove`);
    const at = this.#order.lastIndexOf(rec);
    const orgAt = (this.#orgList[this.#org[rec] as number] as Org).state.recs.lastIndexOf(rec);
    const saved = this.#snapshotRec(rec);
    this.#freezeExports();
    this.#remove(rec);
    return this.#undo(() => {
      this.#putBack([saved], true);
      const org = this.#orgList[this.#org[rec] as number] as Org;
      if (at === -1 || at >= this.#order.length) this.#order.push(rec);
      else this.#order.insert(at, rec);
      const recs = this.#writable(org).recs;
      if (orgAt === -1 || orgAt >= recs.length) recs.push(rec);
      else recs.insert(orgAt, rec);
      this.#touchOrg(org);
    });
  }

  /**
   * Replaces every record (or, with `orgId`, the organisation's) with those of `records` (of
   * that organisation). Answers how to undo it.
   */
  replace(records: readonly R[], orgId?: string, jsonOf: (record: R) => string = (r) => JSON.stringify(r)): () => void {
    this.#freezeExports();
    if (orgId === undefined) {
      const previous = this.#takeState();
      try {
        this.#clear(records.length);
        for (const record of records) this.#add(record, jsonOf(record));
      } catch (error) {
        // A change that fails leaves nothing changed.
        this.#putState(previous);
        throw error;
      }
      return this.#undo(() => this.#putState(previous));
    }
    return this.#undoable(() => {
      const org = this.#orgs.get(orgId);
      if (org !== undefined) for (const rec of this.#detach(org).recs.view()) this.#remove(rec);
      for (const record of records) if (record.orgId === orgId) this.#add(record, jsonOf(record));
    });
  }

  /** Whether the records were loaded from a snapshot of this table's line (so that it restores only what changed). */
  #sameLineage(snapshot: TableSnapshot<R>): boolean {
    return snapshot.table.#lineage === this.#lineage;
  }

  /** A frozen copy to restore from: it shares the record bytes, so it costs the indexes only. */
  snapshot(): TableSnapshot<R> {
    const copy = new RecordTable<R>(this.name, this.#indexes);
    copy.#assign(this);
    copy.#orgOrders = new Map();
    // Each organisation holds what the snapshot holds: a restore puts back only what changes from now on.
    for (const org of this.#orgList) {
      org.state.origin = copy;
      org.state.changed = new Set();
    }
    return new TableSnapshot(copy);
  }

  /**
   * Holds again what `snapshot` held (or, with `orgId`, that organisation's records), touching
   * only the records changed since it was taken. Answers how to undo it.
   */
  restore(snapshot: TableSnapshot<R>, orgId?: string): () => void {
    const from = snapshot.table;
    this.#freezeExports();
    if (!this.#sameLineage(snapshot)) {
      if (orgId !== undefined) return this.replace(from.all(orgId), orgId, (r) => from.jsonOf(r.id) as string);
      const previous = this.#takeState();
      this.#assign(from);
      return this.#undo(() => this.#putState(previous));
    }
    return this.#undoable(() => {
      const orgIds = orgId === undefined ? new Set([...this.#orgs.keys(), ...from.#orgs.keys()]) : [orgId];
      let revived = 0;
      for (const id of orgIds) revived += this.#restoreOrg(from, id);
      if (orgId === undefined) {
        // The log keeps records in place, appends the new and drops the removed: when that does not
        // give the snapshot's order, the next write writes the whole file.
        if (revived > 0 || !sameValues(this.#order.view(), from.#order.view())) this.#needsWhole = true;
        this.#order = from.#order.copy();
        this.#oddIds = new Map(from.#oddIds);
        return;
      }
      // The organisation's records go after every other record, in the snapshot's stored order.
      const org = this.#orgs.get(orgId);
      if (org === undefined) return;
      if (revived > 0) this.#needsWhole = true;
      const number = org.number;
      const count = org.state.recs.length;
      const order = this.#order.view();
      let atEnd = revived === 0 && order.length >= count;
      for (let i = order.length - count; atEnd && i < order.length; i++) atEnd = this.#org[order[i] as number] === number;
      if (atEnd) return;
      this.#order = this.#orderWithLast(number, from.#storedOrderOf(number));
      this.#changes?.push({ after: this.#changed?.size ?? 0, orgId });
    });
  }

  /**
   * Moves an organisation's records after every other record in the stored order, keeping their
   * order (what a restore of one organisation does, replayed from the log).
   */
  moveToEnd(orgId: string): void {
    const org = this.#orgs.get(orgId);
    if (org === undefined) return;
    this.#freezeExports();
    this.#order = this.#orderWithLast(org.number, this.#storedOrderOf(org.number));
  }

  /** The stored order with every record of organisation `number` taken out and `last` put after the others. */
  #orderWithLast(number: number, last: Int32Array): IntList {
    const order = this.#order.view();
    const next = new IntList(order.length);
    for (let i = 0; i < order.length; i++) if (this.#org[order[i] as number] !== number) next.push(order[i] as number);
    for (const rec of last) next.push(rec);
    return next;
  }

  /** Whether the next write must write the whole file: the log could not say what changed exactly. */
  get needsWhole(): boolean {
    return this.#needsWhole;
  }

  /** Keeps the records changed from now on, for {@link takeChanges} (a store that writes a file). */
  trackChanges(): void {
    this.#changed ??= new Map();
    this.#changes ??= [];
  }

  /**
   * What changed since the last call (for the store's log): records by number with their ids, in the
   * order they first changed, and the organisations moved to the end of the stored order meanwhile.
   */
  takeChanges(): TableChanges {
    const taken: TableChanges = { records: this.#changed ?? new Map(), moves: this.#changes ?? [] };
    if (this.#changed !== undefined) {
      this.#changed = new Map();
      this.#changes = [];
    }
    this.#needsWhole = false;
    return taken;
  }

  /**
   * Takes back what a failed write had taken. The changes it carried were undone, so the log can
   * no longer say exactly what changed: the next write writes the whole file.
   */
  putChangesBack(changes: TableChanges): void {
    if (this.#changed === undefined) return;
    this.#changed = new Map([...changes.records, ...this.#changed]);
    this.#changes = [];
    this.#needsWhole = true;
  }

  orgIdOf(id: string): string | undefined {
    const rec = this.#find(id);
    return rec === -1 ? undefined : this.#orgList[this.#org[rec] as number]?.orgId;
  }

  /** Whether the record (by number) is live; its JSON when it is. */
  jsonOfRec(rec: number): string | undefined {
    return this.#alive[rec] === 1 ? this.#text(rec) : undefined;
  }

  /**
   * The records' JSON in stored order, as the file holds them (`,\n` between records): slices of
   * the segments, one per run of records that lie side by side. Later changes never alter them.
   */
  fileParts(): Buffer[] {
    const parts: Buffer[] = [];
    let segment = -1;
    let start = 0;
    let end = 0;
    const comma = Buffer.from(',\n');
    for (const rec of this.#order.view()) {
      const at = this.#segment[rec] as number;
      const offset = this.#offset[rec] as number;
      if (at !== segment || offset !== end) {
        if (segment !== -1) {
          parts.push(this.#segments.buffer(segment).subarray(start, end - SEPARATOR_LENGTH), comma);
        }
        segment = at;
        start = offset;
      }
      end = offset + (this.#length[rec] as number) + SEPARATOR_LENGTH;
    }
    // No comma after the last record.
    if (segment !== -1) parts.push(this.#segments.buffer(segment).subarray(start, end - SEPARATOR_LENGTH));
    return parts;
  }

  /**
   * Adds the record lines read from the store file, each buffer kept as a segment as it is. A
   * file the fake wrote itself holds each id once (`checkIds` false): its ids go into the index
   * all together. Another file's are checked one by one against those before them. Answers an id
   * found twice, if any. Their declared indexes are made by a background pass that parses each once.
   */
  adoptLines(buffers: readonly Buffer[], lines: readonly RecordLines[], checkIds: boolean, expectedRecords = 0): string | undefined {
    let total = 0;
    for (const part of lines) total += part.count;
    this.#freezeExports();
    // Room for the records expected in all, when they come in parts: growing copies every column.
    this.#reserve(Math.max(this.#count + total, expectedRecords));
    this.#ids.reserve(Math.max(this.#ids.size + total, expectedRecords));
    const first = this.#count;
    for (let i = 0; i < lines.length; i++) {
      const duplicate = this.#adoptPart(buffers[i] as Buffer, lines[i] as RecordLines, checkIds);
      if (duplicate !== undefined) return duplicate;
    }
    if (!checkIds) {
      const hashes = new Uint32Array(total);
      let at = 0;
      for (const part of lines) {
        hashes.set(part.idHash.subarray(0, part.count), at);
        at += part.count;
      }
      this.#ids.insertAll(first, hashes, this.#hashed.subarray(first, first + total));
    }
    return undefined;
  }

  #adoptPart(buffer: Buffer, lines: RecordLines, checkIds: boolean): string | undefined {
    const segment = this.#segments.adopt(buffer);
    const orgs = lines.orgIds.map((orgId) => this.#orgOf(orgId));
    const first = this.#count;
    const count = lines.count;
    const end = first + count;
    // The columns the lines give as they are, copied whole.
    this.#segment.fill(segment, first, end);
    this.#offset.set(lines.offset.subarray(0, count), first);
    this.#length.set(lines.length.subarray(0, count), first);
    this.#createdMs.set(lines.createdMs.subarray(0, count), first);
    this.#alive.fill(1, first, end);
    this.#textEntry.fill(-1, first, end);
    this.#indexed.fill(0, first, end);
    for (let rec = first; rec < end; rec++) this.#stamp[rec] = this.#nextStamp++;
    this.#hashed.fill(1, first, end);
    if (checkIds) {
      const duplicate = this.#checkAndIndexIds(buffer, lines, first);
      if (duplicate !== undefined) return duplicate;
    } else {
      // The plain ids go into the index with the other parts' (see adoptLines).
      for (const [line, id] of lines.ids) {
        this.#hashed[first + line] = 0;
        this.#oddIds.set(id, first + line);
      }
    }
    for (let line = 0; line < count; line++) {
      const org = orgs[lines.org[line] as number] as Org;
      this.#org[first + line] = org.number;
      this.#placeByCreation(org, first + line);
    }
    this.#count = end;
    this.#live += count;
    this.#unindexed += count;
    this.#order.pushRange(first, count);
    for (const org of orgs) this.#touchOrg(org);
    return undefined;
  }

  /** Indexes the ids of lines adopted from `first` on, each checked against those before it; answers an id found twice. */
  #checkAndIndexIds(buffer: Buffer, lines: RecordLines, first: number): string | undefined {
    // One matcher for every line (no function made per line): it compares the line's id bytes.
    let offset = 0;
    let idEnd = -1;
    const sameId = (rec: number): boolean => this.#idEqualsBytes(rec, buffer, offset + ID_START, idEnd);
    for (let line = 0; line < lines.count; line++) {
      offset = lines.offset[line] as number;
      idEnd = lines.idEnd[line] as number;
      const id = idEnd === -1 ? (lines.ids.get(line) as string) : buffer.toString('latin1', offset + ID_START, idEnd);
      const found = idEnd === -1 ? this.#find(id) : this.#ids.find(lines.idHash[line] as number, sameId);
      if (found !== -1 || this.#oddIds.has(id)) return id;
      if (idEnd === -1) {
        this.#hashed[first + line] = 0;
        this.#oddIds.set(id, first + line);
      } else {
        this.#ids.insert(first + line, lines.idHash[line] as number);
      }
    }
    return undefined;
  }

  /** Starts indexing the records read at start-up in the background (a list that needs them waits). */
  indexInBackground(): void {
    void this.#whenIndexed();
  }

  /** Copies the live records out of mostly dead segments, so that those can be let go. */
  compact(): void {
    const wasteful = this.#segments.wasteful();
    if (wasteful.size === 0) return;
    // An export under way needs no copy: the bytes stay the same, and it reads where they lie at each chunk.
    for (const rec of this.#order.view()) {
      const segment = this.#segment[rec] as number;
      if (!wasteful.has(segment)) continue;
      const place = this.#segments.append(this.#text(rec));
      this.#segment[rec] = place.segment;
      this.#offset[rec] = place.offset;
    }
    for (const segment of wasteful) this.#segments.drop(segment);
  }

  /** Bytes of the records' segments that no record points at any more (see {@link compact}). */
  get deadBytes(): number {
    return this.#segments.deadBytes;
  }

  // ---- Inside ----

  /**
   * Runs a change of whole organisations, keeping what each record held before, and answers how
   * to undo it. The change gives each organisation it alters a new state (see {@link #detach}), so
   * that the old one is kept as it was.
   */
  #undoable(change: () => void): () => void {
    const saving = new Map<number, SavedRec>();
    // Only a store that writes a file can fail to keep a change: a memory store's is never undone.
    const order = this.#changed === undefined ? undefined : this.#order;
    if (order !== undefined) this.#order = order.copy();
    const orgStates = new Map(this.#orgList.map((org) => [org, org.state]));
    const oddIds = this.#oddIds;
    this.#oddIds = new Map(oddIds);
    const undo = (): void => {
      this.#putBack([...saving.values()], false);
      if (order !== undefined) this.#order = order;
      for (const org of this.#orgList) {
        org.state = orgStates.get(org) ?? emptyOrgState();
        this.#touchOrg(org);
      }
      this.#oddIds = oddIds;
    };
    this.#saving = saving;
    try {
      change();
    } catch (error) {
      // A change that fails leaves nothing changed.
      this.#saving = undefined;
      undo();
      throw error;
    } finally {
      this.#saving = undefined;
    }
    return this.#undo(undo);
  }

  /** An undo that lets the exports under way take their copy first (see {@link #freezeExports}). */
  #undo(undo: () => void): () => void {
    return () => {
      this.#freezeExports();
      undo();
    };
  }

  /** Gives an organisation an empty state for a change to fill, and answers the one it had (left as it was). */
  #detach(org: Org): OrgState {
    const old = org.state;
    org.state = emptyOrgState();
    this.#touchOrg(org);
    return old;
  }

  /**
   * Makes an organisation hold what it holds in `from` again: the records changed since it was
   * restored from (or taken as) `from` go back (all of its records are compared when that is not
   * known), and its lists are shared with `from` until the next change. Answers how many removed
   * records came back (they are at the end of the stored order).
   */
  #restoreOrg(from: RecordTable<R>, orgId: string): number {
    const mine = this.#orgs.get(orgId);
    const theirs = from.#orgs.get(orgId);
    if (mine === undefined && theirs === undefined) return 0;
    const org = mine ?? this.#orgOf(orgId);
    const old = this.#detach(org);
    let revived = 0;
    const putBack = (rec: number): void => {
      const theirsToo = rec < from.#count && from.#alive[rec] === 1 && from.#org[rec] === org.number;
      const alive = this.#alive[rec] === 1;
      if (theirsToo && alive && from.#stamp[rec] === this.#stamp[rec]) return;
      if (!theirsToo) {
        this.#remove(rec);
        return;
      }
      this.#copyRecFrom(from, rec);
      if (!alive) {
        // Removed since: back in, at the end of the stored order (as the file's log replays it).
        this.#order.push(rec);
        revived++;
      }
    };
    if (old.origin === from && old.changed !== undefined) {
      for (const rec of old.changed) putBack(rec);
    } else {
      for (const rec of old.recs.view()) putBack(rec);
      for (const rec of theirs?.state.recs.view() ?? []) if (this.#alive[rec] !== 1) putBack(rec);
    }
    const state = theirs?.state;
    org.state =
      state === undefined
        ? { ...emptyOrgState(), origin: from, changed: new Set() }
        : {
            recs: state.recs,
            text: state.text,
            textOrders: builtOrders(state.textOrders, false),
            countOrders: new Map(),
            shared: true,
            origin: from,
            changed: new Set(),
          };
    this.#touchOrg(org);
    return revived;
  }

  /** The organisation's state, its own to change: lists shared with a snapshot are copied first. */
  #writable(org: Org): OrgState {
    const state = org.state;
    if (!state.shared) return state;
    org.state = {
      recs: state.recs.copy(),
      text: state.text?.share(),
      textOrders: builtOrders(state.textOrders, true),
      countOrders: new Map(),
      shared: false,
      origin: state.origin,
      changed: state.changed,
    };
    return org.state;
  }

  /** One organisation's records in stored order (a snapshot keeps it, once made: a snapshot never changes). */
  #storedOrderOf(number: number): Int32Array {
    const kept = this.#orgOrders?.get(number);
    if (kept !== undefined) return kept;
    const all = this.#order.view();
    let count = 0;
    for (let i = 0; i < all.length; i++) if (this.#org[all[i] as number] === number) count++;
    const order = new Int32Array(count);
    let at = 0;
    for (let i = 0; i < all.length; i++) if (this.#org[all[i] as number] === number) order[at++] = all[i] as number;
    this.#orgOrders?.set(number, order);
    return order;
  }

  /** A snapshot's organisations in stored order, made on first use (undefined for a table that changes). */
  #orgOrders: Map<number, Int32Array> | undefined;

  /**
   * Search hits no list is reading, cleared and used again by the next search: a new array a
   * search is a byte a record of fresh memory (a megabyte at a million records), which the
   * allocator keeps after it is freed and this machine is slow to touch the first time.
   */
  #spareHits: Uint8Array[] = [];

  /** Makes record `rec` what it is in `from` (same number, same line): its place, indexes and liveness. */
  #copyRecFrom(from: RecordTable<R>, rec: number): void {
    this.#save(rec);
    const wasAlive = this.#alive[rec] === 1;
    if (wasAlive) this.#segments.release(this.#segment[rec] as number, this.#length[rec] as number);
    this.#segments.ensure(from.#segments, from.#segment[rec] as number);
    this.#segment[rec] = from.#segment[rec] as number;
    this.#offset[rec] = from.#offset[rec] as number;
    this.#length[rec] = from.#length[rec] as number;
    this.#segments.revive(this.#segment[rec] as number, this.#length[rec] as number);
    this.#stamp[rec] = from.#stamp[rec] as number;
    this.#createdMs[rec] = from.#createdMs[rec] as number;
    this.#seq[rec] = from.#seq[rec] as number;
    const unindexedBefore = wasAlive && this.#indexed[rec] === 0 ? 1 : 0;
    this.#indexed[rec] = from.#indexed[rec] as number;
    this.#unindexed += (this.#indexed[rec] === 0 ? 1 : 0) - unindexedBefore;
    this.#textEntry[rec] = from.#textEntry[rec] as number;
    this.#filters.forEach((filter, i) => {
      filter.column[rec] = (from.#filters[i] as FilterIndex<R>).column[rec] as number;
    });
    this.#countKeys.forEach((count, i) => {
      count.column[rec] = (from.#countKeys[i] as CountKeys<R>).column[rec] as number;
    });
    this.#textKeys.forEach((keys, i) => {
      keys.keys.set(rec, (from.#textKeys[i] as TextKeys<R>).keys.get(rec));
    });
    if (!wasAlive) {
      this.#alive[rec] = 1;
      this.#live++;
      if (from.#hashed[rec] === 1) this.#ids.insert(rec, this.#idHashAt(this.#segment[rec] as number, this.#offset[rec] as number));
      else this.#oddIds.set(from.#idOf(rec), rec);
      this.#hashed[rec] = from.#hashed[rec] as number;
    }
    this.#markChanged(rec);
  }

  /** The hash of the plain id of the record whose JSON is at this place, from its bytes. */
  #idHashAt(segment: number, offset: number): number {
    const buffer = this.#segments.buffer(segment);
    const start = offset + ID_START;
    return hashBytes(buffer, start, buffer.indexOf(QUOTE, start));
  }

  /** Keeps what a record holds now, once per undoable change. */
  #save(rec: number): void {
    if (this.#saving === undefined || this.#saving.has(rec)) return;
    this.#saving.set(rec, this.#snapshotRec(rec));
  }

  #snapshotRec(rec: number): SavedRec {
    return {
      rec,
      alive: this.#alive[rec] as number,
      segment: this.#segment[rec] as number,
      offset: this.#offset[rec] as number,
      length: this.#length[rec] as number,
      stamp: this.#stamp[rec] as number,
      seq: this.#seq[rec] as number,
      indexed: this.#indexed[rec] as number,
      filters: this.#filters.map((filter) => filter.column[rec] as number),
      counts: this.#countKeys.map((count) => count.column[rec] as number),
      keys: this.#textKeys.map((keys) => keys.keys.get(rec)),
      textEntry: this.#textEntry[rec] as number,
      hashed: this.#hashed[rec] === 1,
    };
  }

  /**
   * Puts records back as they were saved (newest change first). With `reindex`, the organisation's
   * current indexes take them out and in again; without, every column is put back as saved (the
   * organisation's state is put back too, by the caller).
   */
  #putBack(saved: readonly SavedRec[], reindex: boolean): void {
    for (const s of [...saved].reverse()) {
      const rec = s.rec;
      const org = this.#orgList[this.#org[rec] as number] as Org;
      const alive = this.#alive[rec] === 1;
      if (alive) {
        this.#segments.release(this.#segment[rec] as number, this.#length[rec] as number);
        if (reindex) this.#unindexRecord(org, rec);
        else if (this.#indexed[rec] === 0) this.#unindexed--;
      }
      if (alive && s.alive !== 1) {
        if (this.#hashed[rec] === 1) this.#ids.remove(rec);
        this.#live--;
      } else if (!alive && s.alive === 1) {
        if (s.hashed) this.#ids.insert(rec, this.#idHashAt(s.segment, s.offset));
        this.#live++;
      }
      this.#alive[rec] = s.alive;
      this.#segment[rec] = s.segment;
      this.#offset[rec] = s.offset;
      this.#length[rec] = s.length;
      this.#stamp[rec] = s.stamp;
      this.#seq[rec] = s.seq;
      this.#hashed[rec] = s.hashed ? 1 : 0;
      this.#markChanged(rec);
      if (s.alive !== 1) {
        this.#indexed[rec] = 1;
        continue;
      }
      this.#segments.revive(s.segment, s.length);
      if (reindex) {
        this.#indexRecord(rec, this.#parse(rec));
        continue;
      }
      this.#indexed[rec] = s.indexed;
      if (s.indexed === 0) this.#unindexed++;
      this.#textEntry[rec] = s.textEntry;
      this.#filters.forEach((filter, i) => {
        filter.column[rec] = s.filters[i] as number;
      });
      this.#countKeys.forEach((count, i) => {
        count.column[rec] = s.counts[i] as number;
      });
      this.#textKeys.forEach((keys, i) => {
        keys.keys.set(rec, s.keys[i]);
      });
    }
  }

  /** Everything the table holds, to put back after a change that replaced it all. */
  #takeState(): RecordTable<R> {
    const kept = new RecordTable<R>(this.name, this.#indexes);
    kept.#assign(this);
    return kept;
  }

  /** Puts back what {@link #takeState} kept (the next write then writes the whole file). */
  #putState(kept: RecordTable<R>): void {
    this.#assign(kept);
  }

  /** Takes a copy of `source`'s records and indexes, sharing its record bytes and lineage. */
  #assign(source: RecordTable<R>): void {
    this.#segments = source.#segments.share();
    this.#ids = source.#ids.copy();
    this.#oddIds = new Map(source.#oddIds);
    this.#order = source.#order.copy();
    this.#orgList = source.#orgList.map((org) => ({
      orgId: org.orgId,
      number: org.number,
      version: org.version + 1,
      state: {
        recs: org.state.recs.copy(),
        text: org.state.text?.share(),
        textOrders: builtOrders(org.state.textOrders, true),
        countOrders: new Map(),
        shared: false,
        origin: undefined,
        changed: undefined,
      },
    }));
    this.#orgs = new Map(this.#orgList.map((org) => [org.orgId, org]));
    this.#count = source.#count;
    this.#live = source.#live;
    this.#capacity = source.#capacity;
    // The records' part of each column; the room after it is left unwritten (it takes no memory).
    const copy = <T extends Column>(column: T): T => grow(column.subarray(0, source.#count) as T, source.#capacity);
    this.#segment = copy(source.#segment);
    this.#offset = copy(source.#offset);
    this.#length = copy(source.#length);
    this.#org = copy(source.#org);
    this.#createdMs = copy(source.#createdMs);
    this.#seq = copy(source.#seq);
    this.#alive = copy(source.#alive);
    this.#indexed = copy(source.#indexed);
    this.#hashed = copy(source.#hashed);
    this.#stamp = copy(source.#stamp);
    this.#nextStamp = Math.max(this.#nextStamp, source.#nextStamp);
    this.#textEntry = copy(source.#textEntry);
    this.#unindexed = source.#unindexed;
    this.#lineage = source.#lineage;
    this.#needsWhole = true;
    this.#filters.forEach((filter, i) => {
      const from = source.#filters[i] as FilterIndex<R>;
      filter.codes = new Map(from.codes);
      filter.column = copy(from.column);
    });
    this.#textKeys.forEach((keys, i) => {
      keys.keys = (source.#textKeys[i] as TextKeys<R>).keys.copy();
    });
    this.#countKeys.forEach((count, i) => {
      count.column = copy((source.#countKeys[i] as CountKeys<R>).column);
    });
  }

  /** Empties the table, with room for `count` records. */
  #clear(count = 0): void {
    this.#segments = new Segments();
    this.#ids = new IdIndex();
    this.#oddIds = new Map();
    this.#order = new IntList();
    this.#orgs = new Map();
    this.#orgList = [];
    this.#count = 0;
    this.#live = 0;
    // Columns of the size the next records need, not of the old ones' (which may be more).
    this.#reserve(count, true);
    this.#unindexed = 0;
    this.#lineage = {};
    // Every record is new: the file is written whole rather than logged record by record.
    this.#needsWhole = true;
    for (const filter of this.#filters) filter.codes = new Map();
  }

  /** Stores a new record: at the end of the stored order, in its organisation's creation order and every index. */
  #add(record: R, json: string): number {
    const rec = this.#append(json, record.id, record.orgId, createdMsOf(record));
    this.#order.push(rec);
    this.#indexRecord(rec, record);
    return rec;
  }

  /** A new record number holding `json`: in the id index and its organisation's creation order, not in the stored order yet. */
  #append(json: string, id: string, orgId: string, createdMs: number): number {
    const rec = this.#count++;
    this.#reserve(this.#count);
    const place = this.#segments.append(json);
    this.#segment[rec] = place.segment;
    this.#offset[rec] = place.offset;
    this.#length[rec] = place.length;
    this.#alive[rec] = 1;
    this.#stamp[rec] = this.#nextStamp++;
    this.#createdMs[rec] = createdMs;
    this.#textEntry[rec] = -1;
    this.#indexed[rec] = 0;
    if (isPlainId(id) && json.startsWith(ID_PREFIX) && json.charCodeAt(ID_START + id.length) === QUOTE && json.startsWith(id, ID_START)) {
      this.#hashed[rec] = 1;
      this.#ids.insert(rec, hashAscii(id));
    } else {
      this.#hashed[rec] = 0;
      this.#oddIds.set(id, rec);
    }
    this.#live++;
    const org = this.#orgOf(orgId);
    this.#org[rec] = org.number;
    this.#placeByCreation(org, rec);
    this.#markChanged(rec, id);
    // A change that may be undone takes the new record out again.
    this.#saving?.set(rec, { ...this.#snapshotRec(rec), alive: 0 });
    return rec;
  }

  /** A new version of a live record: new bytes, same number, same places in the orders that do not depend on it. */
  #setVersion(rec: number, json: string, record: R): void {
    this.#save(rec);
    const org = this.#orgList[this.#org[rec] as number] as Org;
    this.#unindexRecord(org, rec);
    this.#segments.release(this.#segment[rec] as number, this.#length[rec] as number);
    const place = this.#segments.append(json);
    this.#segment[rec] = place.segment;
    this.#offset[rec] = place.offset;
    this.#length[rec] = place.length;
    this.#stamp[rec] = this.#nextStamp++;
    this.#indexRecord(rec, record);
    this.#markChanged(rec, record.id);
  }

  /** Takes a live record out of every index and the stored order. */
  #remove(rec: number): void {
    if (this.#alive[rec] !== 1) return;
    this.#save(rec);
    const org = this.#orgList[this.#org[rec] as number] as Org;
    const id = this.#idOf(rec);
    this.#unindexRecord(org, rec);
    const recs = this.#writable(org).recs;
    org.state.changed?.add(rec);
    const at = recs.lastIndexOf(rec);
    if (at !== -1) recs.removeAt(at);
    const stored = this.#order.lastIndexOf(rec);
    if (stored !== -1) this.#order.removeAt(stored);
    if (this.#hashed[rec] === 1) this.#ids.remove(rec);
    else this.#oddIds.delete(id);
    this.#segments.release(this.#segment[rec] as number, this.#length[rec] as number);
    this.#alive[rec] = 0;
    this.#live--;
    this.#markChanged(rec, id);
  }

  #markChanged(rec: number, id?: string): void {
    if (this.#changed !== undefined && !this.#changed.has(rec)) this.#changed.set(rec, id ?? this.#idOf(rec));
  }

  #idOf(rec: number): string {
    if (this.#hashed[rec] === 1) {
      const buffer = this.#segments.buffer(this.#segment[rec] as number);
      const start = (this.#offset[rec] as number) + ID_START;
      return buffer.toString('latin1', start, buffer.indexOf(QUOTE, start));
    }
    for (const [id, at] of this.#oddIds) if (at === rec) return id;
    return (JSON.parse(this.#text(rec)) as StoredRecord).id;
  }

  #find(id: string): number {
    if (isPlainId(id)) {
      const rec = this.#ids.find(hashAscii(id), (candidate) => this.#idEquals(candidate, id));
      if (rec !== -1) return rec;
    }
    return this.#oddIds.get(id) ?? -1;
  }

  #idEquals(rec: number, id: string): boolean {
    const buffer = this.#segments.buffer(this.#segment[rec] as number);
    const start = (this.#offset[rec] as number) + ID_START;
    for (let i = 0; i < id.length; i++) if (buffer[start + i] !== id.charCodeAt(i)) return false;
    return buffer[start + id.length] === QUOTE;
  }

  #idEqualsBytes(rec: number, bytes: Buffer, start: number, end: number): boolean {
    const buffer = this.#segments.buffer(this.#segment[rec] as number);
    const from = (this.#offset[rec] as number) + ID_START;
    const length = end - start;
    return buffer[from + length] === QUOTE && buffer.compare(bytes, start, end, from, from + length) === 0;
  }

  #text(rec: number): string {
    return this.#segments.text(this.#segment[rec] as number, this.#offset[rec] as number, this.#length[rec] as number);
  }

  #parse(rec: number): R {
    return JSON.parse(this.#text(rec)) as R;
  }

  /** Makes the columns hold `count` records; `fresh` columns hold none of the old ones (after a clear). */
  #reserve(count: number, fresh = false): void {
    if (!fresh && count <= this.#capacity && this.#segment.length > 0) return;
    // Records loaded at once (a start, a seed, an import) get room for a quarter more: room never
    // written takes no memory, and the creates that follow grow no column (growing copies every
    // column into new memory: about 300 ms at a million records, on the event loop).
    const wanted = Math.max(1024, count + Math.ceil(count / 4));
    const capacity = fresh ? wanted : Math.max(this.#capacity * 2, wanted);
    const keep = !fresh;
    this.#segment = grow(this.#segment, capacity, keep);
    this.#offset = grow(this.#offset, capacity, keep);
    this.#length = grow(this.#length, capacity, keep);
    this.#org = grow(this.#org, capacity, keep);
    this.#createdMs = grow(this.#createdMs, capacity, keep);
    this.#seq = grow(this.#seq, capacity, keep);
    this.#alive = grow(this.#alive, capacity, keep);
    this.#indexed = grow(this.#indexed, capacity, keep);
    this.#hashed = grow(this.#hashed, capacity, keep);
    this.#stamp = grow(this.#stamp, capacity, keep);
    this.#textEntry = grow(this.#textEntry, capacity, keep);
    for (const filter of this.#filters) filter.column = grow(filter.column, capacity, keep);
    for (const keys of this.#textKeys) {
      if (fresh) keys.keys = new TextKeyColumn();
      keys.keys.reserve(capacity);
    }
    for (const count of this.#countKeys) count.column = grow(count.column, capacity, keep);
    this.#capacity = capacity;
  }

  #orgOf(orgId: string): Org {
    let org = this.#orgs.get(orgId);
    if (org === undefined) {
      org = { orgId, number: this.#orgList.length, version: 0, state: emptyOrgState() };
      this.#orgs.set(orgId, org);
      this.#orgList.push(org);
    }
    return org;
  }

  #touchOrg(org: Org): void {
    org.version++;
    org.state.countOrders.clear();
  }

  /**
   * Places a new record in its organisation's creation order: nearly always at the end. Records of
   * one millisecond keep their stored order (the creation sequence).
   */
  #placeByCreation(org: Org, rec: number): void {
    const state = this.#writable(org);
    state.changed?.add(rec);
    const recs = state.recs;
    const ms = this.#createdMs[rec] as number;
    const last = recs.length - 1;
    if (last === -1 || (this.#createdMs[recs.at(last)] as number) <= ms) {
      this.#seq[rec] = last === -1 ? 0 : (this.#seq[recs.at(last)] as number) + 1;
      recs.push(rec);
      return;
    }
    // A clock moved back: after every record of the same millisecond, by binary search.
    let low = 0;
    let high = last;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#createdMs[recs.at(middle)] as number) <= ms) low = middle + 1;
      else high = middle;
    }
    const next = this.#seq[recs.at(low)] as number;
    const previous = low === 0 ? next - 2 : (this.#seq[recs.at(low - 1)] as number);
    recs.insert(low, rec);
    const seq = (previous + next) / 2;
    if (seq > previous && seq < next) {
      this.#seq[rec] = seq;
      return;
    }
    // Out of room between them: number the organisation again (its orders keep their places). Which
    // records then differ from a snapshot is no longer known: a restore compares them all.
    state.changed = undefined;
    recs.view().forEach((r, i) => {
      this.#save(r);
      this.#seq[r] = i;
    });
  }

  /** Puts a record (new or a new version) into the declared indexes. */
  #indexRecord(rec: number, record: R): void {
    const org = this.#orgList[this.#org[rec] as number] as Org;
    const state = this.#writable(org);
    state.changed?.add(rec);
    this.#touchOrg(org);
    for (const filter of this.#filters) {
      const key = JSON.stringify(filter.of(record));
      let code = filter.codes.get(key);
      if (code === undefined) {
        code = filter.codes.size;
        filter.codes.set(key, code);
      }
      filter.column[rec] = code;
    }
    for (const count of this.#countKeys) count.column[rec] = count.of(record);
    for (const keys of this.#textKeys) keys.keys.set(rec, keys.of(record));
    for (const [name, order] of state.textOrders) {
      if (order.pending !== undefined) order.pending.add(rec);
      else if (order.recs !== undefined) this.#insertInOrder(order.recs, this.#textKeyCompare(name), rec);
    }
    const search = this.#indexes.search;
    if (search !== undefined) {
      const texts = search(record).filter((t): t is string => t !== null);
      state.text ??= new SearchText();
      this.#textEntry[rec] = texts.length === 0 ? -1 : state.text.add(rec, texts);
    }
    this.#indexed[rec] = 1;
  }

  /** Takes a record out of the declared indexes (before a new version, or its removal). */
  #unindexRecord(org: Org, rec: number): void {
    this.#touchOrg(org);
    const state = this.#writable(org);
    state.changed?.add(rec);
    if (this.#indexed[rec] !== 1) {
      this.#indexed[rec] = 1;
      this.#unindexed--;
      return;
    }
    for (const [name, order] of state.textOrders) {
      if (order.pending !== undefined) order.pending.add(rec);
      else if (order.recs !== undefined) {
        const recs = order.recs;
        const at = this.#findInOrder(recs, this.#textKeyCompare(name), rec);
        if (at !== -1) recs.removeAt(at);
      }
    }
    const entry = this.#textEntry[rec] as number;
    if (state.text !== undefined && entry !== -1) {
      state.text.kill(entry);
      this.#textEntry[rec] = -1;
      if (state.text.wasteful) this.#rewriteText(org);
    }
  }

  /** Writes an organisation's search texts again without their dead entries. */
  #rewriteText(org: Org): void {
    const old = org.state.text as SearchText;
    const text = new SearchText();
    for (const { rec, texts } of old.entries()) this.#textEntry[rec] = text.add(rec, texts);
    org.state.text = text;
  }

  /** The comparison of a maintained text order (see {@link compareKeyed}), on the records' current keys. */
  #textKeyCompare(name: string): (a: number, b: number) => number {
    const keys = (this.#textKeys.find((k) => k.name === name) as TextKeys<R>).keys;
    const seq = this.#seq;
    return (a, b) => compareKeyed(keys, seq, a, b);
  }

  #insertInOrder(recs: IntList, compare: (a: number, b: number) => number, rec: number): void {
    let low = 0;
    let high = recs.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(recs.at(middle), rec) <= 0) low = middle + 1;
      else high = middle;
    }
    recs.insert(low, rec);
  }

  #findInOrder(recs: IntList, compare: (a: number, b: number) => number, rec: number): number {
    let low = 0;
    let high = recs.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(recs.at(middle), rec) < 0) low = middle + 1;
      else high = middle;
    }
    return low < recs.length && recs.at(low) === rec ? low : recs.lastIndexOf(rec);
  }

  /** Resolves once every record is in the declared indexes (records read at start-up are indexed in slices). */
  #whenIndexed(): Promise<void> {
    if (this.#unindexed === 0) return Promise.resolve();
    this.#indexing ??= (async () => {
      try {
        const slices = new Slices();
        for (let rec = 0; rec < this.#count && this.#unindexed > 0; rec++) {
          if (this.#alive[rec] !== 1 || this.#indexed[rec] === 1) continue;
          this.#unindexed--;
          this.#indexRecord(rec, this.#parse(rec));
          await slices.pause();
        }
      } finally {
        this.#indexing = undefined;
      }
    })();
    return this.#indexing;
  }

  /** The records of an organisation in a declared order (creation order when none is named). */
  async #ordered(org: Org, name: string | undefined): Promise<Int32Array> {
    if (name === undefined) return org.state.recs.view();
    if (this.#textKeys.some((k) => k.name === name)) return (await this.#textOrder(org, name)).view();
    const count = this.#countKeys.find((k) => k.name === name);
    if (count === undefined) throw new Error(`${this.name} has no order ${name}`);
    const cached = org.state.countOrders.get(name);
    if (cached !== undefined && cached.version === org.version) return cached.recs;
    const recs = this.#byCount(org.state.recs.view(), count.column);
    org.state.countOrders.set(name, { version: org.version, recs });
    return recs;
  }

  /** Highest count first, ties newest first: one counting pass over the creation order. */
  #byCount(recs: Int32Array, column: Float64Array): Int32Array {
    const tally = new Map<number, number>();
    for (const rec of recs) {
      const key = column[rec] as number;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    const next = new Map<number, number>();
    let position = 0;
    for (const key of [...tally.keys()].sort((a, b) => b - a)) {
      next.set(key, position);
      position += tally.get(key) as number;
    }
    const out = new Int32Array(recs.length);
    for (let i = recs.length - 1; i >= 0; i--) {
      const rec = recs[i] as number;
      const key = column[rec] as number;
      const at = next.get(key) as number;
      out[at] = rec;
      next.set(key, at + 1);
    }
    return out;
  }

  /** The maintained text order of an organisation, built on first use in slices. */
  #textOrder(org: Org, name: string): Promise<IntList> {
    const existing = org.state.textOrders.get(name);
    if (existing?.recs !== undefined) return Promise.resolve(existing.recs);
    if (existing?.building !== undefined) return existing.building;
    const fresh: TextOrder = { recs: undefined, building: undefined, pending: new Set() };
    const orders = new Map(org.state.textOrders);
    orders.set(name, fresh);
    org.state.textOrders = orders;
    const state = org.state;
    const recs = org.state.recs.view().slice();
    // Keys and places as they are now: changes from here on are placed again once it is built.
    // Whole columns are copied (a copy of memory, not a loop over the records, so no long hold).
    const snapshotKeys = (this.#textKeys.find((k) => k.name === name) as TextKeys<R>).keys.copy();
    const snapshotSeq = this.#seq.slice();
    fresh.building = sortInSlices(recs.length, (a, b) =>
      compareKeyed(snapshotKeys, snapshotSeq, recs[a] as number, recs[b] as number),
    ).then((sorted) => {
      const list = IntList.of(sorted.map((i) => recs[i] as number));
      const pending = fresh.pending as Set<number>;
      fresh.building = undefined;
      fresh.pending = undefined;
      if (pending.size > 0) {
        list.retain((rec) => !pending.has(rec));
        const compare = this.#textKeyCompare(name);
        for (const rec of pending) {
          if (this.#alive[rec] === 1 && this.#org[rec] === org.number && org.state.recs.lastIndexOf(rec) !== -1) {
            this.#insertInOrder(list, compare, rec);
          }
        }
      }
      fresh.recs = list;
      // Replaced meanwhile (a reset, an undo): the order serves this request, not the organisation.
      if (org.state !== state || org.state.textOrders.get(name) !== fresh) {
        list.retain((rec) => this.#alive[rec] === 1 && this.#org[rec] === org.number);
      }
      return list;
    });
    return fresh.building;
  }

  /** Which records of an organisation the needle falls within a search text of (1 for a hit), by record number. */
  async #search(org: Org, needle: string): Promise<Uint8Array> {
    const search = this.#indexes.search;
    if (search === undefined) throw new Error(`${this.name} has no search`);
    let hits = this.#spareHits.pop();
    if (hits === undefined || hits.length < this.#count) hits = new Uint8Array(this.#count);
    else hits.fill(0);
    const slices = new Slices();
    if (needle.includes(TEXT_SEPARATOR)) {
      // The slow way, exact: the separator is part of the needle.
      for (const rec of org.state.recs.view().slice()) {
        if (this.#alive[rec] !== 1) continue;
        if (search(this.#parse(rec)).some((t) => t?.includes(needle))) hits[rec] = 1;
        await slices.pause();
      }
      return hits;
    }
    const pattern = searchPattern(needle);
    // Chunks never change below their end: a change meanwhile adds chunks (scanned too, before the
    // answer) or marks entries dead; the page is read from the records as they are at the end.
    let text = org.state.text;
    let chunk = 0;
    while (text !== undefined && chunk < text.chunkCount) {
      if (this.#count > hits.length) {
        const grown = new Uint8Array(this.#count);
        grown.set(hits);
        hits = grown;
      }
      text.scanChunk(chunk++, pattern, hits);
      if ((await slices.pause()) && org.state.text !== text) {
        // Written again (dead entries dropped) or replaced by a reset: scanned again from the start.
        text = org.state.text;
        chunk = 0;
        hits.fill(0);
      }
    }
    return hits;
  }
}

/**
 * A frozen copy of a table (the seed, say) that the table restores from, whole or one
 * organisation at a time. It shares the table's record bytes.
 */
export class TableSnapshot<R extends StoredRecord> {
  readonly table: RecordTable<R>;

  constructor(table: RecordTable<R>) {
    this.table = table;
  }
}
