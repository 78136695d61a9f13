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

type Column = Int32Array | Uint32Array | Float64Array;

/**
 * A column whose memory is not filled first: every entry is written before it is read (below
 * `count`), and a page the lines never reach is never touched. Filling 0.9 MB of columns for each
 * 8 MB read cost start-up at 1,000,000 clients about 0.25 s on this machine, where the first touch
 * of a page is slow.
 */
function unfilled<T extends Column>(kind: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return new kind(Buffer.allocUnsafeSlow(length * kind.BYTES_PER_ELEMENT).buffer);
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
    this.offset = unfilled(Int32Array, capacity);
    this.length = unfilled(Int32Array, capacity);
    this.createdMs = unfilled(Float64Array, capacity);
    this.org = unfilled(Int32Array, capacity);
    this.idEnd = unfilled(Int32Array, capacity);
    this.idHash = unfilled(Uint32Array, capacity);
  }

  /** Holds no line again, keeping its columns' memory for the lines to come. */
  clear(): void {
    this.count = 0;
    this.orgIds.length = 0;
    this.ids.clear();
    this.#orgNumbers.clear();
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
    const grow = <T extends Column>(column: T): T => {
      const grown = unfilled(column.constructor as { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, capacity);
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
