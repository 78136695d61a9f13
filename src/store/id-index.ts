// Records by id without a JavaScript string per record: an open-addressing hash table of record
// numbers, keyed by a hash of the id's bytes, that compares ids against the record bytes themselves.

const EMPTY = 0;
const TOMBSTONE = -1;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;

/**
 * Mixes every bit of a hash into its low bits (MurmurHash3's finaliser): the table takes a slot
 * from the low bits, and ids that differ only in their last characters would otherwise crowd
 * neighbouring slots.
 */
function mix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of bytes `start` to `end` of `bytes`, mixed. */
export function hashBytes(bytes: Buffer, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) {
    hash ^= bytes[i] as number;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return mix(hash);
}

/** FNV-1a of an ASCII string's characters (its bytes in UTF-8), mixed: the same as {@link hashBytes} of those bytes. */
export function hashAscii(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return mix(hash);
}

/**
 * Whether `used` slots of `capacity` are more than the table is let fill (two thirds) before it
 * grows to be at most half full. Linear probing then takes about two probes to find an id and five
 * to miss one. Grown to be a quarter full instead, the table took twice the memory, every page of it
 * touched at start-up: 16 MB at a million records (idle RSS 609 MB, now 600 MB).
 */
function overFull(used: number, capacity: number): boolean {
  return used * 3 > capacity * 2;
}

/**
 * Record numbers by the hash of their id; the caller says whether a record's id is the one sought.
 * Slots hold the record number plus one (0 is empty, -1 a removed entry).
 *
 * @example
 * const index = new IdIndex();
 * index.insert(rec, hashAscii(id));
 * index.find(hashAscii(id), (rec) => idOf(rec) === id);
 */
export class IdIndex {
  #slots = new Int32Array(1024);
  /** The hash of each record's id, by record number (kept to grow the table without the ids). */
  #hashes = new Uint32Array(1024);
  #size = 0;
  #used = 0;

  get size(): number {
    return this.#size;
  }

  find(hash: number, matches: (rec: number) => boolean): number {
    const mask = this.#slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const value = this.#slots[slot] as number;
      if (value === EMPTY) return -1;
      if (value !== TOMBSTONE && this.#hashes[value - 1] === hash && matches(value - 1)) return value - 1;
    }
  }

  /** Makes room for `count` records at least, so that adding them grows nothing. */
  reserve(count: number): void {
    if (count > this.#hashes.length) {
      const grown = new Uint32Array(Math.max(count, this.#hashes.length * 2));
      grown.set(this.#hashes);
      this.#hashes = grown;
    }
    if (overFull(count + 1, this.#slots.length)) this.#rehash(count);
  }

  insert(rec: number, hash: number): void {
    if (rec >= this.#hashes.length) {
      const grown = new Uint32Array(Math.max(this.#hashes.length * 2, rec + 1));
      grown.set(this.#hashes);
      this.#hashes = grown;
    }
    this.#hashes[rec] = hash;
    if (overFull(this.#used + 1, this.#slots.length)) this.#rehash();
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    while (this.#slots[slot] !== EMPTY && this.#slots[slot] !== TOMBSTONE) slot = (slot + 1) & mask;
    if (this.#slots[slot] === EMPTY) this.#used++;
    this.#slots[slot] = rec + 1;
    this.#size++;
  }

  /** Inserts records `first` onwards, whose ids' hashes are `hashes`, where `inserted` is 1. */
  insertAll(first: number, hashes: Uint32Array, inserted: Uint8Array): void {
    const count = hashes.length;
    this.reserve(first + count);
    // Removed entries still take slots: they count towards the table's fill.
    if (overFull(this.#used + count + 1, this.#slots.length)) this.#rehash(this.#size + count);
    this.#hashes.set(hashes, first);
    const slots = this.#slots;
    const mask = slots.length - 1;
    for (let line = 0; line < count; line++) {
      if (inserted[line] !== 1) continue;
      let slot = (hashes[line] as number) & mask;
      while (slots[slot] !== EMPTY && slots[slot] !== TOMBSTONE) slot = (slot + 1) & mask;
      if (slots[slot] === EMPTY) this.#used++;
      slots[slot] = first + line + 1;
      this.#size++;
    }
  }

  remove(rec: number): void {
    const mask = this.#slots.length - 1;
    for (let slot = (this.#hashes[rec] as number) & mask; ; slot = (slot + 1) & mask) {
      const value = this.#slots[slot] as number;
      if (value === EMPTY) return;
      if (value === rec + 1) {
        this.#slots[slot] = TOMBSTONE;
        this.#size--;
        return;
      }
    }
  }

  /** An independent copy. */
  copy(): IdIndex {
    const copy = new IdIndex();
    copy.#slots = this.#slots.slice();
    copy.#hashes = this.#hashes.slice();
    copy.#size = this.#size;
    copy.#used = this.#used;
    return copy;
  }

  /** Grows the table (or clears its removed entries) so that `room` records fill at most half of it. */
  #rehash(room = this.#size): void {
    const old = this.#slots;
    let capacity = this.#slots.length;
    while (capacity < (room + 1) * 2) capacity *= 2;
    this.#slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let i = 0; i < old.length; i++) {
      const value = old[i] as number;
      if (value === EMPTY || value === TOMBSTONE) continue;
      let slot = (this.#hashes[value - 1] as number) & mask;
      while (this.#slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.#slots[slot] = value;
    }
    this.#used = this.#size;
  }
}
