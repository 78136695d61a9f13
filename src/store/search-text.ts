// The search texts of one organisation's records, off the heap, in append-only chunks that a copy
// shares and a search scans a chunk at a time. A record's texts go in one byte a character when
// every code unit is at most U+00FF (Latin-1: most names and addresses, half the memory of UTF-16),
// otherwise in UTF-16 (so that every string, lone surrogates included, matches as JavaScript's
// `includes` does). Either way a byte match is exactly a match of code units: a needle with a unit
// above U+00FF cannot fall within a Latin-1 text, and is searched in the UTF-16 chunks only.
import { IntList } from './int-list.js';

/** Bytes per chunk; a longer entry gets a chunk of its own size. */
const CHUNK_BYTES = 1 << 20;
/** Between the texts of one record and after each entry: a needle holding it is searched the slow way. */
export const TEXT_SEPARATOR = '\u0000';

/** How a chunk holds its texts: one byte a code unit, or two. */
type TextEncoding = 'latin1' | 'utf16le';

/** Bytes a code unit, by encoding. */
const WIDTH: Readonly<Record<TextEncoding, 1 | 2>> = { latin1: 1, utf16le: 2 };

/** Any code unit above U+00FF: a text holding one needs two bytes a unit (here and for sort keys). */
export const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/** One chunk: its bytes, and where each entry starts and whose it is (-1 once dead). */
interface Chunk {
  /** Its place among the chunks (entries name it). */
  index: number;
  encoding: TextEncoding;
  bytes: Buffer;
  used: number;
  starts: IntList;
  recs: IntList;
}

/** A needle as the chunks compare it: its bytes in each encoding (no Latin-1 bytes when it has a unit above U+00FF). */
export interface SearchPattern {
  latin1: Buffer | undefined;
  utf16le: Buffer;
}

/**
 * The bytes a chunk of either encoding is searched for, for a needle without the separator.
 *
 * @example
 * text.scanChunk(0, searchPattern('smith'), hits);
 */
export function searchPattern(needle: string): SearchPattern {
  return { latin1: BEYOND_LATIN1.test(needle) ? undefined : Buffer.from(needle, 'latin1'), utf16le: Buffer.from(needle, 'utf16le') };
}

/**
 * Entries of text by record number, with the records a needle falls within.
 *
 * @example
 * const text = new SearchText();
 * const entry = text.add(7, ['jane', 'jane@example.com']);
 * text.matching('example'); // [7]
 */
export class SearchText {
  #chunks: Chunk[] = [];
  /** The chunk of each encoding that appends go to; none after a copy shared them. */
  #open: Partial<Record<TextEncoding, Chunk>> = {};
  #dead = 0;
  #entries = 0;

  /** Adds a record's texts; answers the entry (chunk and index, packed) for {@link kill}. */
  add(rec: number, texts: readonly string[]): number {
    const text = texts.join(TEXT_SEPARATOR) + TEXT_SEPARATOR;
    const encoding: TextEncoding = BEYOND_LATIN1.test(text) ? 'utf16le' : 'latin1';
    const bytes = text.length * WIDTH[encoding];
    let chunk = this.#open[encoding];
    if (chunk === undefined || chunk.used + bytes > chunk.bytes.length) {
      chunk = {
        index: this.#chunks.length,
        encoding,
        bytes: Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, bytes)),
        used: 0,
        starts: new IntList(256),
        recs: new IntList(256),
      };
      this.#chunks.push(chunk);
      this.#open[encoding] = chunk;
    }
    chunk.bytes.write(text, chunk.used, bytes, encoding);
    chunk.starts.push(chunk.used);
    chunk.recs.push(rec);
    chunk.used += bytes;
    this.#entries++;
    return chunk.index * 0x100000 + (chunk.recs.length - 1);
  }

  /** Marks an entry dead (its record was replaced or removed). */
  kill(entry: number): void {
    const chunk = this.#chunks[Math.floor(entry / 0x100000)];
    if (chunk === undefined) return;
    const index = entry % 0x100000;
    if (chunk.recs.at(index) !== -1) {
      chunk.recs.set(index, -1);
      this.#dead++;
    }
  }

  /** Whether more than half the entries are dead, and enough of them to be worth writing again. */
  get wasteful(): boolean {
    return this.#dead > 4096 && this.#dead * 2 > this.#entries;
  }

  /**
   * A copy that shares the chunks' bytes: the copy and this append to chunks of their own from
   * now on; each keeps its own marks of dead entries.
   */
  share(): SearchText {
    const copy = new SearchText();
    copy.#chunks = this.#chunks.map((chunk) => ({ ...chunk, starts: chunk.starts, recs: chunk.recs.copy() }));
    copy.#dead = this.#dead;
    copy.#entries = this.#entries;
    this.#open = {};
    return copy;
  }

  /** How many chunks there are (a search scans them one at a time). */
  get chunkCount(): number {
    return this.#chunks.length;
  }

  /** The live entries' texts as they were added, in chunk order, with their records (to write them again). */
  *entries(): Generator<{ rec: number; texts: string[] }> {
    for (const chunk of this.#chunks) {
      for (let index = 0; index < chunk.recs.length; index++) {
        const rec = chunk.recs.at(index);
        if (rec === -1) continue;
        const end = index + 1 < chunk.starts.length ? chunk.starts.at(index + 1) : chunk.used;
        // Without the separator that ends the entry.
        yield {
          rec,
          texts: chunk.bytes.toString(chunk.encoding, chunk.starts.at(index), end - WIDTH[chunk.encoding]).split(TEXT_SEPARATOR),
        };
      }
    }
  }

  /** Marks, in `hits`, the records of one chunk's entries that `needle` (from {@link searchPattern}) falls within. */
  scanChunk(chunkIndex: number, needle: SearchPattern, hits: Uint8Array): void {
    const chunk = this.#chunks[chunkIndex] as Chunk;
    const pattern = needle[chunk.encoding];
    if (pattern === undefined) return;
    const view = chunk.bytes.subarray(0, chunk.used);
    const entries = chunk.recs.length;
    if (pattern.length === 0) {
      for (let index = 0; index < entries; index++) {
        const rec = chunk.recs.at(index);
        if (rec !== -1) hits[rec] = 1;
      }
      return;
    }
    let from = 0;
    for (;;) {
      const at = view.indexOf(pattern, from);
      if (at === -1) return;
      if (at % WIDTH[chunk.encoding] === 1) {
        // Half a character off: not a match of whole UTF-16 units.
        from = at + 1;
        continue;
      }
      const index = entryAt(chunk.starts, at, entries);
      const rec = chunk.recs.at(index);
      if (rec !== -1) hits[rec] = 1;
      from = index + 1 < entries ? chunk.starts.at(index + 1) : chunk.used;
    }
  }
}

/** The entry whose text holds byte `at`: the last start at or before it. */
function entryAt(starts: IntList, at: number, entries: number): number {
  let low = 0;
  let high = entries - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (starts.at(middle) <= at) low = middle;
    else high = middle - 1;
  }
  return low;
}
