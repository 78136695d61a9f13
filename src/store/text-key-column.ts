// The text keys of a maintained order (a client's name for sort=name), by record number, off the
// heap: UTF-16 code units in append-only chunks that a copy shares, compared without decoding. A
// million keys held as strings made full garbage collections of a 1,000,000-client store pause for
// up to about 95 ms; held here they are a handful of typed arrays.

/** Code units per chunk; a longer key gets a chunk of its own. */
const CHUNK_UNITS = 1 << 18;
/** The length of a record without a key. */
const NONE = -1;

/**
 * Text keys by record number: set, read back, and compared as JavaScript compares strings (`<`,
 * by UTF-16 code unit), a record without a key after every record with one.
 *
 * @example
 * const keys = new TextKeyColumn();
 * keys.set(0, 'doe jane');
 * keys.set(1, 'appleseed john');
 * keys.compare(1, 0); // -1
 */
export class TextKeyColumn {
  #chunks: Uint16Array[] = [];
  /** Code units used of the last chunk. */
  #used = 0;
  /** Whether the next key goes to a new chunk (the last is shared with a copy). */
  #sealed = true;
  /** Each record's key: its chunk, where it starts there, and its length plus one (0 for none). */
  #chunk: Int32Array = new Int32Array(0);
  #at: Int32Array = new Int32Array(0);
  // Plus one: room made for records to come holds zeros, which needs no writing (nor memory, until used).
  #lengthPlusOne: Int32Array = new Int32Array(0);
  /** Code units of keys since replaced: written anew without them once they are most of what is held. */
  #deadUnits = 0;
  #liveUnits = 0;

  /** Makes room for records numbered below `capacity`. */
  reserve(capacity: number): void {
    if (capacity <= this.#lengthPlusOne.length) return;
    const grown = (column: Int32Array): Int32Array => {
      const longer = new Int32Array(capacity);
      longer.set(column);
      return longer;
    };
    this.#chunk = grown(this.#chunk);
    this.#at = grown(this.#at);
    this.#lengthPlusOne = grown(this.#lengthPlusOne);
  }

  /** The length of record `rec`'s key; {@link NONE} for none. */
  #lengthOf(rec: number): number {
    return (this.#lengthPlusOne[rec] ?? 0) - 1;
  }

  /** Gives record `rec` the key `key` (none with undefined). */
  set(rec: number, key: string | undefined): void {
    // Doubling: records set one by one past the reserved room grow the columns a few times, not each time.
    if (rec >= this.#lengthPlusOne.length) this.reserve(Math.max(rec + 1, this.#lengthPlusOne.length * 2, 1024));
    const before = this.#lengthOf(rec);
    if (before !== NONE) {
      this.#deadUnits += before;
      this.#liveUnits -= before;
    }
    if (key === undefined) {
      this.#lengthPlusOne[rec] = 0;
    } else {
      const { chunk, at } = this.#room(key.length);
      const units = this.#chunks[chunk] as Uint16Array;
      for (let i = 0; i < key.length; i++) units[at + i] = key.charCodeAt(i);
      this.#chunk[rec] = chunk;
      this.#at[rec] = at;
      this.#lengthPlusOne[rec] = key.length + 1;
      this.#liveUnits += key.length;
    }
    if (this.#deadUnits > CHUNK_UNITS && this.#deadUnits > this.#liveUnits) this.#rewrite();
  }

  /** Record `rec`'s key, decoded. */
  get(rec: number): string | undefined {
    const length = this.#lengthOf(rec);
    if (length === NONE) return undefined;
    const units = this.#chunks[this.#chunk[rec] as number] as Uint16Array;
    // Node decodes UTF-16 code unit by code unit: a lone surrogate comes back as it was.
    return Buffer.from(units.buffer, units.byteOffset + (this.#at[rec] as number) * 2, length * 2).toString('utf16le');
  }

  /** How records `a` and `b` order by key: negative, zero (the same key, or neither has one) or positive. */
  compare(a: number, b: number): number {
    const lengthA = this.#lengthOf(a);
    const lengthB = this.#lengthOf(b);
    if (lengthA === NONE || lengthB === NONE) return lengthA === lengthB ? 0 : lengthA === NONE ? 1 : -1;
    const unitsA = this.#chunks[this.#chunk[a] as number] as Uint16Array;
    const unitsB = this.#chunks[this.#chunk[b] as number] as Uint16Array;
    const atA = this.#at[a] as number;
    const atB = this.#at[b] as number;
    const common = Math.min(lengthA, lengthB);
    for (let i = 0; i < common; i++) {
      const difference = (unitsA[atA + i] as number) - (unitsB[atB + i] as number);
      if (difference !== 0) return difference < 0 ? -1 : 1;
    }
    return lengthA === lengthB ? 0 : lengthA < lengthB ? -1 : 1;
  }

  /** A copy that shares the keys written so far; it writes its own into chunks of its own (it starts sealed). */
  copy(): TextKeyColumn {
    const copy = new TextKeyColumn();
    copy.#chunks = this.#chunks.slice();
    copy.#chunk = this.#chunk.slice();
    copy.#at = this.#at.slice();
    copy.#lengthPlusOne = this.#lengthPlusOne.slice();
    copy.#deadUnits = this.#deadUnits;
    copy.#liveUnits = this.#liveUnits;
    return copy;
  }

  /** Room for `units` code units: the chunk to write them to, and where. */
  #room(units: number): { chunk: number; at: number } {
    const last = this.#chunks[this.#chunks.length - 1];
    if (this.#sealed || last === undefined || this.#used + units > last.length) {
      // A key longer than a chunk gets one of its own size.
      this.#chunks.push(new Uint16Array(Math.max(CHUNK_UNITS, units)));
      this.#used = 0;
      this.#sealed = false;
    }
    const at = this.#used;
    this.#used += units;
    return { chunk: this.#chunks.length - 1, at };
  }

  /** Writes every key anew into fresh chunks, leaving out the replaced ones. */
  #rewrite(): void {
    const old = { chunks: this.#chunks, chunk: this.#chunk, at: this.#at };
    this.#chunks = [];
    this.#sealed = true;
    this.#deadUnits = 0;
    this.#chunk = new Int32Array(this.#lengthPlusOne.length);
    this.#at = new Int32Array(this.#lengthPlusOne.length);
    for (let rec = 0; rec < this.#lengthPlusOne.length; rec++) {
      const length = this.#lengthOf(rec);
      if (length === NONE) continue;
      const from = old.at[rec] as number;
      const { chunk, at } = this.#room(length);
      (this.#chunks[chunk] as Uint16Array).set((old.chunks[old.chunk[rec] as number] as Uint16Array).subarray(from, from + length), at);
      this.#chunk[rec] = chunk;
      this.#at[rec] = at;
    }
  }
}
