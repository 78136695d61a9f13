// Record bytes off the JavaScript heap: each record's canonical JSON, followed by ",\n", in large
// buffers laid out like the store file, so that a run of records is written as one slice and a file
// read in large chunks is kept as it was read.

/** Bytes per segment; a larger record gets a segment of its own size. */
const SEGMENT_BYTES = 1 << 20;
/** What follows every record appended to a segment, as between records in the file. */
const SEPARATOR = ',\n';
/** Bytes of the separator after a record's JSON. */
export const SEPARATOR_LENGTH = 2;

/** Where a record's JSON is: segment, offset and length in bytes (without what follows it). */
export interface Place {
  segment: number;
  offset: number;
  length: number;
}

/**
 * Append-only segments. A segment is never written again below its end, so a slice handed to a
 * file write, or a copy made by {@link share}, stays valid whatever is appended after it. Bytes no
 * record points at any more are only counted; {@link release} frees nothing, so that a change can
 * be undone until {@link drop} lets a segment go.
 *
 * @example
 * const segments = new Segments();
 * const place = segments.append('{"id":"clt_1"}');
 * segments.text(place.segment, place.offset, place.length); // '{"id":"clt_1"}'
 */
export class Segments {
  #buffers: (Buffer | undefined)[] = [];
  /** Bytes used in each segment. */
  #used: number[] = [];
  /** Bytes no record points at any more, per segment (replaced or dropped records), and over the segments held. */
  #dead: number[] = [];
  #deadHeld = 0;
  /** Whether appends go to a new segment (one shared with a copy, or adopted from a file, is sealed). */
  #sealed = true;

  /** Appends `json` and its separator; answers where the JSON is. */
  append(json: string): Place {
    const length = Buffer.byteLength(json);
    const needed = length + SEPARATOR_LENGTH;
    let segment = this.#buffers.length - 1;
    const last = this.#buffers[segment];
    if (this.#sealed || last === undefined || (this.#used[segment] as number) + needed > last.length) {
      segment = this.#buffers.length;
      // Off the heap: a buffer this large is its own ArrayBuffer, never in V8's pool.
      this.#buffers.push(Buffer.allocUnsafeSlow(Math.max(SEGMENT_BYTES, needed)));
      this.#used.push(0);
      this.#dead.push(0);
      this.#sealed = false;
    }
    const buffer = this.#buffers[segment] as Buffer;
    const offset = this.#used[segment] as number;
    buffer.write(json, offset, length, 'utf8');
    buffer.write(SEPARATOR, offset + length, SEPARATOR_LENGTH, 'latin1');
    this.#used[segment] = offset + needed;
    return { segment, offset, length };
  }

  /** Takes a buffer read from a file as a segment of its own, as it is; answers its number. */
  adopt(buffer: Buffer): number {
    this.#buffers.push(buffer);
    this.#used.push(buffer.length);
    this.#dead.push(0);
    this.#sealed = true;
    return this.#buffers.length - 1;
  }

  /** The JSON at a place, as a string. */
  text(segment: number, offset: number, length: number): string {
    return (this.#buffers[segment] as Buffer).toString('utf8', offset, offset + length);
  }

  /** The buffer of a segment (bytes below its end never change). */
  buffer(segment: number): Buffer {
    return this.#buffers[segment] as Buffer;
  }

  /** Notes that a record no longer points at `length` bytes of `segment`. */
  release(segment: number, length: number): void {
    this.#dead[segment] = (this.#dead[segment] as number) + length + SEPARATOR_LENGTH;
    this.#deadHeld += length + SEPARATOR_LENGTH;
  }

  /** Notes that a record points at `length` bytes of `segment` again (an undone release). */
  revive(segment: number, length: number): void {
    this.#dead[segment] = (this.#dead[segment] as number) - length - SEPARATOR_LENGTH;
    this.#deadHeld -= length + SEPARATOR_LENGTH;
  }

  /** Lets a segment go: no record points there any more. */
  drop(segment: number): void {
    this.#buffers[segment] = undefined;
    this.#deadHeld -= this.#dead[segment] as number;
  }

  /**
   * Holds segment `segment` of `other` again if this let it go (a record restored from a snapshot
   * points there): nothing in it is counted live until revived.
   */
  ensure(other: Segments, segment: number): void {
    if (this.#buffers[segment] !== undefined) return;
    this.#buffers[segment] = other.#buffers[segment];
    this.#dead[segment] = this.#used[segment] as number;
    this.#deadHeld += this.#dead[segment] as number;
  }

  /** Segments (other than the one appended to) that are mostly dead: worth copying their live records out. */
  wasteful(): Set<number> {
    const found = new Set<number>();
    const open = this.#sealed ? -1 : this.#buffers.length - 1;
    for (let segment = 0; segment < this.#buffers.length; segment++) {
      if (segment === open || this.#buffers[segment] === undefined) continue;
      if ((this.#dead[segment] as number) * 2 > (this.#used[segment] as number)) found.add(segment);
    }
    return found;
  }

  /** Bytes no record points at, across segments still held (kept as they change: read at every change of the store). */
  get deadBytes(): number {
    return this.#deadHeld;
  }

  /**
   * A copy that shares every byte written so far: both append to segments of their own from now
   * on, so that neither ever sees the other's records.
   */
  share(): Segments {
    const copy = new Segments();
    copy.#buffers = [...this.#buffers];
    copy.#used = [...this.#used];
    copy.#dead = [...this.#dead];
    copy.#deadHeld = this.#deadHeld;
    this.#sealed = true;
    return copy;
  }
}
