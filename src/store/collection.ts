// What a resource may read of a collection, and the indexes it may ask the store to keep. Resources
// read through the Collection interface only, so that the representation behind it (see
// record-table.ts) can change without them noticing.
import type { StoredRecord } from './stored-record.js';

/** A value a filter compares by equality (as JSON: `true` and `'true'` differ). */
export type FilterValue = string | number | boolean | null;

/**
 * The indexes a resource wants kept for its collection, so that a list never scans or sorts a
 * whole organisation's records per request. Every function gets a stored record and must depend
 * on nothing else.
 *
 * @example
 * const indexes: CollectionIndexes<ClientRecord> = {
 *   filters: { active: (c) => c.active },
 *   textOrders: { name: (c) => c.businessName?.toLowerCase() },
 *   countOrders: { request_count: (c) => c.requestCount },
 *   search: (c) => [c.email?.toLowerCase() ?? null],
 * };
 */
export interface CollectionIndexes<R> {
  /** Fields a list may filter on by equality. */
  filters?: Readonly<Record<string, (record: R) => FilterValue>>;
  /** Orders by a text key, ascending (by UTF-16 code units, as `<` compares); records without a key go last. */
  textOrders?: Readonly<Record<string, (record: R) => string | undefined>>;
  /** Orders by a number, highest first. */
  countOrders?: Readonly<Record<string, (record: R) => number>>;
  /** The texts a search looks in: a record matches when the needle falls within one of them. */
  search?: (record: R) => readonly (string | null)[];
}

/** One page of a list: which records, in which order. */
export interface ListRequest {
  /** Equality filters on declared `filters`. */
  where?: Readonly<Record<string, FilterValue>>;
  /** A needle that must fall within one of a record's `search` texts (compared as given). */
  search?: string;
  /** A declared order; newest first when left out. In every order, ties go newest first. */
  order?: string;
  offset: number;
  limit: number;
}

/** A page and the number of records that matched. */
export interface ListPage<R> {
  total: number;
  records: R[];
}

/** What a resource may read of a collection. Returned arrays are the caller's. */
export interface Collection<R extends StoredRecord> {
  readonly name: string;
  /** Records across all organisations. */
  readonly size: number;
  /** Whether a record has this id, whatever its organisation. */
  has(id: string): boolean;
  /** The record with this id, whatever its organisation. */
  get(id: string): R | undefined;
  /** The organisation of the record with this id, without reading the record. */
  orgIdOf(id: string): string | undefined;
  /** An organisation's records in creation order (oldest first; one millisecond's in stored order). */
  forOrg(orgId: string): R[];
  /** Every record (of one organisation when `orgId` is given), in stored order. */
  all(orgId?: string): R[];
  /**
   * The JSON of `all(orgId)` as `JSON.stringify` writes it, in chunks, so that a collection larger
   * than a string can hold is exported (the records as they were when it was called). A chunk is
   * valid until the next is asked for.
   */
  jsonChunks(orgId?: string): Iterable<Buffer>;
  /** How many records an organisation holds, or all of them. */
  count(orgId?: string): number;
  /** The canonical JSON of the record with this id (what an answer sends and the file holds). */
  jsonOf(id: string): string | undefined;
  /**
   * A number that changes whenever the record with this id does (a new version, a reset): equal
   * numbers, same record. Every read hands out a new object, so this is how a reader tells whether
   * a record it read earlier is still the one stored.
   */
  versionOf(id: string): number | undefined;
  /**
   * A page of an organisation's records through the declared indexes. A large organisation's search
   * or first sort runs in slices between other requests, hence the promise.
   */
  list(orgId: string, request: ListRequest): Promise<ListPage<R>>;
}
