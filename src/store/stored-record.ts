// What every stored record has, whatever its resource, and the order records are created in.

/** The fields the store indexes on. Records are never changed in place once stored: an update replaces the object. */
export interface StoredRecord {
  readonly id: string;
  readonly orgId: string;
  /** ISO 8601 UTC with milliseconds, so that text order is time order. */
  readonly createdAt: string;
}

/**
 * Creation time order: `createdAt` only. Records of the same millisecond compare equal: the store
 * keeps them in the order they were stored (their creation sequence, which the file, exports and
 * imports keep), never by id, whose random part says nothing once the clock has moved back.
 *
 * @example
 * records.sort(compareByCreation); // oldest first; a stable sort keeps ties in stored order
 */
export function compareByCreation(a: StoredRecord, b: StoredRecord): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}
