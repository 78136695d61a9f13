// The search texts of one organisation's records, off the heap: each record's texts in UTF-16 (so
// that every string, lone surrogates included, matches as JavaScript's `includes` does), in
// append-only chunks that a copy shares and a search scans a chunk at a time.
import { IntList } from './int-list.js';

/** Bytes per chunk; a longer entry gets a chunk of its own size. */
const CHUNK_BYTES = 1 << 20;
/** Between the texts of one record and after each entry: a needle holding it is searched the slow way. */
export const TEXT_SEPARATOR = '\u0000';

/** One chunk: its bytes, and where each entry starts and whose it is (-1 once dead). */
interface Chunk {
  bytes: Buffer;
  used: number;
  starts: IntList;
  recs: IntList;
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
  /** Whether appends go to a new chunk (the last is shared with a copy). */
  #sealed = true;
  #dead = 0;
  #entries = 0;

  /** Adds a record's texts; answers the entry (chunk and index, packed) for {@link kill}. */
  add(rec: number, texts: readonly string[]): number {
    const text = texts.join(TEXT_SEPARATOR) + TEXT_SEPARATOR;
    const bytes = text.length * 2;
    let chunk = this.#chunks[this.#chunks.length - 1];
    if (this.#sealed || chunk === undefined || chunk.used + bytes > chunk.bytes.length) {
      chunk = {
        bytes: Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, bytes)),
        used: 0,
        starts: new IntList(256),
        recs: new IntList(256),
      };
      this.#chunks.push(chunk);
      this.#sealed = false;
    }
    chunk.bytes.write(text, chunk.used, bytes, 'utf16le');
    chunk.starts.push(chunk.used);
    chunk.recs.push(rec);
    chunk.used += bytes;
    this.#entries++;
    return (this.#chunks.length - 1) * 0x100000 + (chunk.recs.length - 1);
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
    this.#sealed = true;
    return copy;
  }

  /** How many chunks there are (a search scans them one at a time). */
  get chunkCount(): number {
    return this.#chunks.length;
  }

  /** The live entries' texts as they were added, in order, with their records (to write them again). */
  *entries(): Generator<{ rec: number; texts: string[] }> {
    for (const chunk of this.#chunks) {
      for (let index = 0; index < chunk.recs.length; index++) {
        const rec = chunk.recs.at(index);
        if (rec === -1) continue;
        const end = index + 1 < chunk.starts.length ? chunk.starts.at(index + 1) : chunk.used;
        // Without the separator that ends the entry.
        yield { rec, texts: chunk.bytes.toString('utf16le', chunk.starts.at(index), end - 2).split(TEXT_SEPARATOR) };
      }
    }
  }

  /** Marks, in `hits`, the records of one chunk's entries that `pattern` (UTF-16LE bytes, no separator) falls within. */
  scanChunk(chunkIndex: number, pattern: Buffer, hits: Uint8Array): void {
    const chunk = this.#chunks[chunkIndex] as Chunk;
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
      if (at % 2 === 1) {
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
