// What every stored record has, whatever its resource, and the order records are created in.

/** The fields the store indexes on. Records are never changed in place once stored: an update replaces the object. */
export interface StoredRecord {
  readonly id: string;
  readonly orgId: string;
  /** ISO 8601 UTC with milliseconds, so that text order is time order. */
  readonly createdAt: string;
}

/**
 * Creation order: `createdAt`, then `id` (ids made in one millisecond keep their order).
 *
 * @example
 * records.sort(compareByCreation); // oldest first
 */
export function compareByCreation(a: StoredRecord, b: StoredRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
