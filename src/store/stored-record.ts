// What every stored record has, whatever its resource, and the time its creation order is kept by.

/** The fields the store indexes on. A stored record is never changed in place: an update stores a new version. */
export interface StoredRecord {
  readonly id: string;
  readonly orgId: string;
  /** ISO 8601 UTC with milliseconds, so that text order is time order. */
  readonly createdAt: string;
}

/**
 * The milliseconds of a record's `createdAt`, by which the store keeps each organisation's
 * creation order (records of one millisecond in the order they were stored: their creation
 * sequence, never their ids). 0 for a time that does not parse.
 *
 * @example
 * createdMsOf({ id: 'clt_1', orgId: 'org_acme', createdAt: '2026-01-01T00:00:00.000Z' }); // 1767225600000
 */
export function createdMsOf(record: StoredRecord): number {
  const ms = Date.parse(record.createdAt);
  return Number.isNaN(ms) ? 0 : ms;
}
