// Where the records of a buffer read from the store file are, and what their bytes say of them,
// as columns: start-up reads a million lines without making an object for each.

/** Lines as columns, one entry a line (see {@link RecordLines.append}). */
export interface AppendedLines {
  count: number;
  offset: Int32Array;
  length: Int32Array;
  createdMs: Float64Array;
  idEnd: Int32Array;
  idHash: Uint32Array;
}

/**
 * Record lines of one buffer, in file order.
 *
 * @example
 * const lines = new RecordLines();
 * lines.push(0, 120, Date.parse('2026-01-01T00:00:00.000Z'), lines.orgNumber('org_acme'), 20, hash);
 */
export class RecordLines {
  count = 0;
  offset: Int32Array;
  length: Int32Array;
  createdMs: Float64Array;
  /** The organisation, as a number into {@link orgIds}. */
  org: Int32Array;
  /** Where a plain id ends (the line begins `{"id":"` and the id runs to the next quote), or -1. */
  idEnd: Int32Array;
  /** The hash of a plain id's bytes (see id-index.ts). */
  idHash: Uint32Array;
  readonly orgIds: string[] = [];
  /** The ids of lines whose id is not plain, by line. */
  readonly ids = new Map<number, string>();
  readonly #orgNumbers = new Map<string, number>();

  /** Room for `capacity` lines before the columns grow. */
  constructor(capacity = 1024) {
    this.offset = new Int32Array(capacity);
    this.length = new Int32Array(capacity);
    this.createdMs = new Float64Array(capacity);
    this.org = new Int32Array(capacity);
    this.idEnd = new Int32Array(capacity);
    this.idHash = new Uint32Array(capacity);
  }

  /** The number of an organisation in {@link orgIds}. */
  orgNumber(orgId: string): number {
    let number = this.#orgNumbers.get(orgId);
    if (number === undefined) {
      number = this.orgIds.length;
      this.orgIds.push(orgId);
      this.#orgNumbers.set(orgId, number);
    }
    return number;
  }

  push(offset: number, length: number, createdMs: number, org: number, idEnd: number, idHash: number, id?: string): void {
    if (this.count === this.offset.length) this.#grow();
    const line = this.count++;
    this.offset[line] = offset;
    this.length[line] = length;
    this.createdMs[line] = createdMs;
    this.org[line] = org;
    this.idEnd[line] = idEnd;
    this.idHash[line] = idHash;
    if (id !== undefined) this.ids.set(line, id);
  }

  /**
   * Adds lines given as columns (their organisations left for the caller to set in {@link org});
   * answers the number of the first.
   */
  append(columns: AppendedLines): number {
    const first = this.count;
    while (this.offset.length < first + columns.count) this.#grow();
    this.offset.set(columns.offset, first);
    this.length.set(columns.length, first);
    this.createdMs.set(columns.createdMs, first);
    this.idEnd.set(columns.idEnd, first);
    this.idHash.set(columns.idHash, first);
    this.count += columns.count;
    return first;
  }

  #grow(): void {
    // At least one more: lines made with no room (a capacity of 0) still grow.
    const capacity = Math.max(16, this.offset.length * 2);
    const grow = <T extends Int32Array | Uint32Array | Float64Array>(column: T): T => {
      const grown = new (column.constructor as new (length: number) => T)(capacity);
      grown.set(column);
      return grown;
    };
    this.offset = grow(this.offset);
    this.length = grow(this.length);
    this.createdMs = grow(this.createdMs);
    this.org = grow(this.org);
    this.idEnd = grow(this.idEnd);
    this.idHash = grow(this.idHash);
  }
}
