// The store as it was before it held records as bytes with typed-array indexes: record objects in
// arrays, by id and per organisation in creation order. Kept verbatim (renamed) as the reference the
// randomized comparison checks the store against.
import type { StoredRecord } from '../../src/store/stored-record.js';

/** Creation time order: `createdAt` only; records of one millisecond compare equal (a stable sort keeps them in stored order). */
function compareByCreation(a: StoredRecord, b: StoredRecord): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}

/** A collection as the store kept it before it held records as bytes: the objects themselves, in arrays. */
export class ReferenceCollection<R extends StoredRecord> {
  readonly name: string;
  readonly #byId = new Map<string, R>();
  /** Every record in stored order: the file's order, handed to each write without a copy. */
  #ordered: R[] = [];
  readonly #byOrg = new Map<string, R[]>();

  constructor(name: string) {
    this.name = name;
  }

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): R | undefined {
    return this.#byId.get(id);
  }

  forOrg(orgId: string): readonly R[] {
    return this.#byOrg.get(orgId) ?? [];
  }

  all(orgId?: string): R[] {
    return orgId === undefined ? [...this.#ordered] : this.#ordered.filter((r) => r.orgId === orgId);
  }

  count(orgId?: string): number {
    return orgId === undefined ? this.size : this.forOrg(orgId).length;
  }

  /** The stored-order array itself, for the file writer (never changed by it). */
  get ordered(): readonly R[] {
    return this.#ordered;
  }

  /** Whether the collection holds exactly these record objects, in this order. */
  holdsExactly(records: readonly R[]): boolean {
    return records.length === this.#ordered.length && records.every((record, index) => record === this.#ordered[index]);
  }

  /** Replaces every record; answers the first id given twice (and then holds nothing), if any. */
  load(records: readonly R[]): string | undefined {
    this.#byId.clear();
    this.#byOrg.clear();
    this.#ordered = [];
    for (const record of records) {
      if (this.#byId.has(record.id)) {
        this.load([]);
        return record.id;
      }
      this.add(record);
    }
    return undefined;
  }

  add(record: R): void {
    this.#byId.set(record.id, record);
    this.#ordered.push(record);
    let list = this.#byOrg.get(record.orgId);
    if (list === undefined) {
      list = [];
      this.#byOrg.set(record.orgId, list);
    }
    const last = list[list.length - 1];
    // Records nearly always arrive newest last; a clock moved back places one by binary search,
    // after every record of the same millisecond: ties keep their creation sequence.
    if (last === undefined || compareByCreation(last, record) <= 0) {
      list.push(record);
      return;
    }
    let low = 0;
    let high = list.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareByCreation(list[middle] as R, record) <= 0) low = middle + 1;
      else high = middle;
    }
    list.splice(low, 0, record);
  }

  /** Removes the record; answers where it stood in stored order (for {@link restore}), -1 if it was not there. */
  remove(record: R): number {
    this.#byId.delete(record.id);
    const drop = (list: R[] | undefined): number => {
      const at = list?.lastIndexOf(record) ?? -1;
      if (at !== -1) list?.splice(at, 1);
      return at;
    };
    const at = drop(this.#ordered);
    drop(this.#byOrg.get(record.orgId));
    return at;
  }

  /** Puts a removed record back where it stood in stored order (`at` from {@link remove}). */
  restore(record: R, at: number): void {
    this.add(record);
    if (at === -1 || at >= this.#ordered.length - 1) return;
    this.#ordered.pop();
    this.#ordered.splice(at, 0, record);
  }

  /**
   * Puts each `next` where its `previous` was, like {@link swap} for many records at once: one pass
   * over the lists instead of one search per record.
   */
  swapMany(pairs: readonly (readonly [previous: R, next: R])[]): void {
    // By id: strings keep their hash, objects would each need one made.
    const replacement = new Map<string, { previous: R; next: R }>();
    const orgs = new Set<string>();
    for (const [previous, next] of pairs) {
      replacement.set(previous.id, { previous, next });
      orgs.add(previous.orgId);
      this.#byId.set(next.id, next);
    }
    const put = (list: R[] | undefined): void => {
      if (list === undefined) return;
      for (let i = 0; i < list.length; i++) {
        const record = list[i] as R;
        const swapped = replacement.get(record.id);
        if (swapped !== undefined && swapped.previous === record) list[i] = swapped.next;
      }
    };
    put(this.#ordered);
    for (const orgId of orgs) put(this.#byOrg.get(orgId));
  }

  /**
   * Puts `next` where `previous` was, in every index (same id, organisation and creation time:
   * an update never moves a record). Recent records are searched first, as they change most.
   */
  swap(previous: R, next: R): void {
    this.#byId.set(next.id, next);
    const put = (list: R[] | undefined): void => {
      const at = list?.lastIndexOf(previous) ?? -1;
      if (list !== undefined && at !== -1) list[at] = next;
    };
    put(this.#ordered);
    put(this.#byOrg.get(previous.orgId));
  }
}
