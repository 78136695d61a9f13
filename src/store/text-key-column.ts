// The text keys of a maintained order (a client's name for sort=name), by record number, off the
// heap: code units in append-only chunks that a copy shares, compared without decoding. A key whose
// units are all at most U+00FF (Latin-1) takes a byte a unit, any other two: a unit reads the same
// from either, so a comparison does not care which. A million keys held as strings made full
// garbage collections of a 1,000,000-client store pause for up to about 95 ms; held here they are
// a handful of typed arrays.
import { BEYOND_LATIN1 } from './search-text.js';

/** Code units per chunk; a longer key gets a chunk of its own. */
const CHUNK_UNITS = 1 << 18;
/** The length of a record without a key. */
const NONE = -1;

/** A chunk of keys: one byte a code unit, or two. */
type Units = Uint8Array | Uint16Array;

/** The chunk keys of one width go to, and how much of it is used. */
interface OpenChunk {
  chunk: number;
  used: number;
}

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
  #chunks: Units[] = [];
  /** The chunk of each width that keys go to; none after a copy shared them. */
  #open: { narrow?: OpenChunk; wide?: OpenChunk } = {};
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
      const { chunk, at } = this.#room(key.length, BEYOND_LATIN1.test(key));
      const units = this.#chunks[chunk] as Units;
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
    const units = this.#chunks[this.#chunk[rec] as number] as Units;
    const width = units.BYTES_PER_ELEMENT;
    const bytes = Buffer.from(units.buffer, units.byteOffset + (this.#at[rec] as number) * width, length * width);
    // Node decodes UTF-16 code unit by code unit: a lone surrogate comes back as it was.
    return bytes.toString(width === 1 ? 'latin1' : 'utf16le');
  }

  /** How records `a` and `b` order by key: negative, zero (the same key, or neither has one) or positive. */
  compare(a: number, b: number): number {
    const lengthA = this.#lengthOf(a);
    const lengthB = this.#lengthOf(b);
    if (lengthA === NONE || lengthB === NONE) return lengthA === lengthB ? 0 : lengthA === NONE ? 1 : -1;
    const unitsA = this.#chunks[this.#chunk[a] as number] as Units;
    const unitsB = this.#chunks[this.#chunk[b] as number] as Units;
    const atA = this.#at[a] as number;
    const atB = this.#at[b] as number;
    const common = Math.min(lengthA, lengthB);
    for (let i = 0; i < common; i++) {
      const difference = (unitsA[atA + i] as number) - (unitsB[atB + i] as number);
      if (difference !== 0) return difference < 0 ? -1 : 1;
    }
    return lengthA === lengthB ? 0 : lengthA < lengthB ? -1 : 1;
  }

  /** A copy that shares the keys written so far; from now on each writes into chunks of its own. */
  copy(): TextKeyColumn {
    const copy = new TextKeyColumn();
    copy.#chunks = this.#chunks.slice();
    copy.#chunk = this.#chunk.slice();
    copy.#at = this.#at.slice();
    copy.#lengthPlusOne = this.#lengthPlusOne.slice();
    copy.#deadUnits = this.#deadUnits;
    copy.#liveUnits = this.#liveUnits;
    this.#open = {};
    return copy;
  }

  /** Room for `units` code units, two bytes each when `wide`: the chunk to write them to, and where. */
  #room(units: number, wide: boolean): { chunk: number; at: number } {
    const width = wide ? 'wide' : 'narrow';
    let open = this.#open[width];
    if (open === undefined || open.used + units > (this.#chunks[open.chunk] as Units).length) {
      // A key longer than a chunk gets one of its own size.
      const length = Math.max(CHUNK_UNITS, units);
      open = { chunk: this.#chunks.length, used: 0 };
      this.#chunks.push(wide ? new Uint16Array(length) : new Uint8Array(length));
      this.#open[width] = open;
    }
    const at = open.used;
    open.used += units;
    return { chunk: open.chunk, at };
  }

  /** Writes every key anew into fresh chunks, leaving out the replaced ones. */
  #rewrite(): void {
    const old = { chunks: this.#chunks, chunk: this.#chunk, at: this.#at };
    this.#chunks = [];
    this.#open = {};
    this.#deadUnits = 0;
    this.#chunk = new Int32Array(this.#lengthPlusOne.length);
    this.#at = new Int32Array(this.#lengthPlusOne.length);
    for (let rec = 0; rec < this.#lengthPlusOne.length; rec++) {
      const length = this.#lengthOf(rec);
      if (length === NONE) continue;
      const from = old.at[rec] as number;
      const units = old.chunks[old.chunk[rec] as number] as Units;
      const { chunk, at } = this.#room(length, units.BYTES_PER_ELEMENT === 2);
      (this.#chunks[chunk] as Units).set(units.subarray(from, from + length), at);
      this.#chunk[rec] = chunk;
      this.#at[rec] = at;
    }
  }
}
