// A growable list of 32-bit integers in one typed array: record numbers in an order, off the
// garbage collector's graph of objects.

/**
 * A list of int32 values with insertion and removal by position.
 *
 * @example
 * const list = new IntList();
 * list.push(7);
 * list.insert(0, 3); // [3, 7]
 */
export class IntList {
  #data: Int32Array;
  #length = 0;

  constructor(capacity = 16) {
    this.#data = new Int32Array(Math.max(4, capacity));
  }

  /** A list holding these values. */
  static of(values: Int32Array): IntList {
    const list = new IntList(values.length);
    list.#data.set(values);
    list.#length = values.length;
    return list;
  }

  get length(): number {
    return this.#length;
  }

  at(index: number): number {
    return this.#data[index] as number;
  }

  set(index: number, value: number): void {
    this.#data[index] = value;
  }

  /** The values, as a view that the next change may invalidate. */
  view(): Int32Array {
    return this.#data.subarray(0, this.#length);
  }

  push(value: number): void {
    this.#reserve(1);
    this.#data[this.#length++] = value;
  }

  /** Pushes `first`, `first + 1`, ... `first + count - 1`. */
  pushRange(first: number, count: number): void {
    this.#reserve(count);
    for (let i = 0; i < count; i++) this.#data[this.#length++] = first + i;
  }

  insert(index: number, value: number): void {
    this.#reserve(1);
    this.#data.copyWithin(index + 1, index, this.#length);
    this.#data[index] = value;
    this.#length++;
  }

  removeAt(index: number): void {
    this.#data.copyWithin(index, index + 1, this.#length);
    this.#length--;
  }

  /** The last position of `value`, or -1. */
  lastIndexOf(value: number): number {
    return this.view().lastIndexOf(value);
  }

  /** Keeps only the values `keep` accepts, in order. */
  retain(keep: (value: number) => boolean): void {
    let to = 0;
    for (let from = 0; from < this.#length; from++) {
      const value = this.#data[from] as number;
      if (keep(value)) this.#data[to++] = value;
    }
    this.#length = to;
  }

  /** An independent copy. */
  copy(): IntList {
    return IntList.of(this.view());
  }

  #reserve(extra: number): void {
    if (this.#length + extra <= this.#data.length) return;
    const grown = new Int32Array(Math.max(this.#data.length * 2, this.#length + extra));
    grown.set(this.view());
    this.#data = grown;
  }
}
