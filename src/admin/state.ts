// Reset, seeding, export and import over every resource: each contributes its collection and its
// state hooks, and these functions treat them all alike.
import type { RecordsFromEntries, ResourceCollection, RunningResource } from '../api/resource.js';
import type { Clock } from '../clock.js';
import { ApiError, type FieldError } from '../errors.js';
import { nextFreeId, type Ids } from '../ids.js';
import type { Collection } from '../store/collection.js';
import type { Store } from '../store/store.js';
import type { StoredRecord } from '../store/stored-record.js';

/**
 * Records by collection, as seed files hold them and the admin API exports them. Each resource adds
 * its collection to this interface (by module augmentation, beside its record type), so that a
 * snapshot is typed for every resource while this code names none.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by each resource's module augmentation.
export interface StateSnapshot {}

/** A snapshot to import: any collection may be left out (then it is emptied). */
export type StateInput = { [K in keyof StateSnapshot]?: readonly unknown[] };

/** Record counts by collection (of one organisation, or all). */
export type CollectionCounts = { [K in keyof StateSnapshot]: number };

/** The shape the code here works with, whatever the resources. */
type AnySnapshot = Record<string, readonly unknown[] | undefined>;

/** What seeding, export and import act on. */
export interface StateParts {
  resources: readonly RunningResource[];
  store: Store;
  clock: Clock;
  ids: Ids;
}

/** Entries as far as the generic code reads them: every entry names its organisation, some their id. */
interface Entry {
  orgId: string;
  id?: string;
  createdAt?: string;
}

/**
 * Lets each resource settle what its records say about other collections' (e.g. counts), then
 * replaces the stored records (all, or one organisation's) and tells the resources.
 */
async function storeSettled(
  parts: Pick<StateParts, 'resources' | 'store'>,
  built: Record<string, readonly StoredRecord[]>,
  given: ReadonlySet<string>,
  orgId: string | undefined,
): Promise<void> {
  await storeRecords(parts, settled(parts, built, given), orgId);
}

/** The records after each resource settled what they say about other collections' (e.g. counts). */
function settled(
  parts: Pick<StateParts, 'resources'>,
  built: Record<string, readonly StoredRecord[]>,
  given: ReadonlySet<string>,
): Record<string, readonly StoredRecord[]> {
  let records = built;
  for (const { instance } of parts.resources) {
    if (instance.state.settle !== undefined) records = { ...records, ...instance.state.settle(records, given) };
  }
  return records;
}

/** Replaces the stored records (all, or one organisation's) and tells the resources. */
async function storeRecords(
  parts: Pick<StateParts, 'resources' | 'store'>,
  records: Record<string, readonly StoredRecord[]>,
  orgId: string | undefined,
  options: { seed?: boolean } = {},
): Promise<void> {
  await thenLoaded(parts, parts.store.replace(records, orgId, options));
}

/** Waits for a change of the stored records, then tells the resources. */
async function thenLoaded(parts: Pick<StateParts, 'resources'>, change: Promise<void>): Promise<void> {
  try {
    await change;
  } finally {
    // After a failed write too: the records are then the ones from before, whose tasks a reset dropped.
    for (const { instance } of parts.resources) instance.state.afterLoad?.();
  }
}

/**
 * Whether another organisation than `orgId` holds the id (never, without `orgId`): asked of the
 * id index, so that no stored record is read.
 */
function heldElsewhere(collection: Collection<StoredRecord>, id: string, orgId: string | undefined): boolean {
  return orgId !== undefined && (collection.orgIdOf(id) ?? orgId) !== orgId;
}

/** A collection with the resource that keeps it. */
interface HeldCollection {
  resource: RunningResource;
  collection: ResourceCollection;
}

/** Every collection of the running resources, with its resource, in snapshot order. */
function heldCollections(resources: readonly RunningResource[]): HeldCollection[] {
  return resources.flatMap((resource) => resource.module.collections.map((collection) => ({ resource, collection })));
}

/** The builder of a collection's records from entries. */
function recordsFromOf({ resource, collection }: HeldCollection): RecordsFromEntries {
  const build = resource.instance.state.recordsFrom[collection.name];
  if (build === undefined) throw new Error(`the resource ${resource.module.name} builds no records of ${collection.name}`);
  return build;
}

/**
 * The records of each collection's entries (the seed file's, and those the resources add). A
 * collection whose seed entries all give their id and creation time makes the same records every
 * time: they are built once and reused. When every collection's are, the store keeps them as a
 * snapshot that shares their bytes: a reset restores it, touching only the records changed since
 * (nothing at all when nothing changed), and an organisation's reset touches only that organisation.
 * Once the store keeps it, the entries and records are let go (a million seeded clients held them
 * as about 900 MB of objects, which every full garbage collection then walked).
 */
export function createSeeder(parts: StateParts, seedFile: AnySnapshot): (orgId?: string) => Promise<CollectionCounts> {
  const fixed = new Map<string, readonly StoredRecord[] | null>();
  const held = heldCollections(parts.resources);
  let seedEntries: AnySnapshot | undefined = seedFile;
  const entriesOf = ({ resource, collection }: HeldCollection): Entry[] => [
    ...((seedEntries?.[collection.name] ?? []) as Entry[]),
    ...((resource.instance.state.seedEntries?.()[collection.name] ?? []) as Entry[]),
  ];
  /** The records of a collection whose entries all give their id and creation time; null for another. */
  const fixedRecordsOf = (entry: HeldCollection): readonly StoredRecord[] | null => {
    const { name } = entry.collection;
    let cached = fixed.get(name);
    if (cached === undefined) {
      const entries = entriesOf(entry);
      const complete = entries.every((e) => e.id !== undefined && e.createdAt !== undefined);
      cached = complete ? recordsFromOf(entry)(entries, { nextId: () => '', now: '' }) : null;
      fixed.set(name, cached);
    }
    return cached;
  };
  const recordsOf = (entry: HeldCollection, orgId: string | undefined): readonly StoredRecord[] => {
    const { name, idPrefix } = entry.collection;
    const entries = entriesOf(entry);
    const cached = fixedRecordsOf(entry);
    if (cached !== null) return orgId === undefined ? cached : cached.filter((record) => record.orgId === orgId);
    const collection = parts.store.collection(name);
    // Ids other organisations hold stay theirs when only one organisation is seeded again.
    const ids = parts.ids.for(idPrefix);
    return recordsFromOf(entry)(
      entries.filter((e) => orgId === undefined || e.orgId === orgId),
      { nextId: () => nextFreeId(ids, (id) => heldElsewhere(collection, id, orgId)), now: new Date(parts.clock.now()).toISOString() },
    );
  };
  const given = new Set(Object.keys(seedFile));
  let seed: Record<string, readonly StoredRecord[]> | undefined;
  let kept = false;
  return async (orgId) => {
    if (kept) {
      await thenLoaded(parts, parts.store.restoreSeed(orgId));
      return countsOf(parts, orgId);
    }
    if (held.every((entry) => fixedRecordsOf(entry) !== null)) {
      // The same records every time: settled once; the store takes each organisation's from them.
      seed ??= settled(parts, Object.fromEntries(held.map((entry) => [entry.collection.name, fixedRecordsOf(entry) ?? []])), given);
      await storeRecords(parts, seed, orgId, { seed: true });
      if (orgId === undefined) {
        // The store keeps the seed from now on (see Store.restoreSeed).
        kept = true;
        seed = undefined;
        seedEntries = undefined;
        fixed.clear();
      }
      return countsOf(parts, orgId);
    }
    const records = Object.fromEntries(held.map((entry) => [entry.collection.name, recordsOf(entry, orgId)]));
    await storeSettled(parts, records, given, orgId);
    return countsOf(parts, orgId);
  };
}

/** How many records each collection holds (of one organisation, with `orgId`). */
export function countsOf(parts: Pick<StateParts, 'resources' | 'store'>, orgId?: string): CollectionCounts {
  return Object.fromEntries(
    heldCollections(parts.resources).map(({ collection: { name } }) => [name, parts.store.collection(name).count(orgId)]),
  ) as CollectionCounts;
}

/** Whether the store holds no record at all. */
export function isEmpty(parts: Pick<StateParts, 'resources' | 'store'>): boolean {
  return heldCollections(parts.resources).every(({ collection: { name } }) => parts.store.collection(name).size === 0);
}

/** Every record (of one organisation, with `orgId`), by collection, in stored order. */
export function exportState(parts: Pick<StateParts, 'resources' | 'store'>, orgId?: string): StateSnapshot {
  return Object.fromEntries(
    heldCollections(parts.resources).map(({ collection: { name } }) => [name, parts.store.collection(name).all(orgId)]),
  ) as unknown as StateSnapshot;
}

/**
 * The JSON of {@link exportState}, byte for byte, in chunks: an export larger than a string can
 * hold is still answered, and no record is parsed to make it.
 */
export function* exportStateJson(parts: Pick<StateParts, 'resources' | 'store'>, orgId?: string): Generator<Buffer | string> {
  let first = true;
  for (const { collection } of heldCollections(parts.resources)) {
    yield `${first ? '{' : ','}${JSON.stringify(collection.name)}:`;
    first = false;
    yield* parts.store.collection(collection.name).jsonChunks(orgId);
  }
  yield first ? '{}' : '}';
}

/**
 * Replaces every record (or one organisation's) with a snapshot that passed the state schema;
 * nothing changes when it is invalid (422). Written to the store before it resolves.
 */
export async function importState(parts: StateParts, input: StateInput, orgId?: string): Promise<CollectionCounts> {
  const snapshot = input as AnySnapshot;
  const problems: FieldError[] = [];
  /** By collection, the ids of the records given (and made for them); another organisation's are taken too. */
  const givenIds = new Map<string, Set<string>>();
  const isTaken = (name: string, id: string): boolean =>
    givenIds.get(name)?.has(id) === true || heldElsewhere(parts.store.collection(name), id, orgId);
  const held = heldCollections(parts.resources);
  for (const { resource, collection } of held) {
    const { name } = collection;
    const entries = (snapshot[name] ?? []) as Entry[];
    const ids = new Set<string>();
    givenIds.set(name, ids);
    entries.forEach((entry, index) => {
      if (orgId !== undefined && entry.orgId !== orgId) {
        problems.push({ field: `${name}.${index}.orgId`, message: `Invalid literal value, expected "${orgId}"` });
      }
      if (entry.id !== undefined) {
        if (isTaken(name, entry.id)) problems.push({ field: `${name}.${index}.id`, message: `Duplicate id ${entry.id}` });
        ids.add(entry.id);
      }
    });
    for (const problem of resource.instance.state.check?.[name]?.(entries, snapshot as Record<string, readonly unknown[]>) ?? []) {
      problems.push({ ...problem, field: `${name}.${problem.field}` });
    }
  }
  if (problems.length > 0) throw new ApiError('VALIDATION_ERROR', { errors: problems });
  const now = new Date(parts.clock.now()).toISOString();
  const records = Object.fromEntries(
    held.map((entry) => {
      const { name, idPrefix } = entry.collection;
      const ids = givenIds.get(name) as Set<string>;
      const generator = parts.ids.for(idPrefix);
      const nextId = (): string => {
        const id = nextFreeId(generator, (candidate) => isTaken(name, candidate));
        ids.add(id);
        return id;
      };
      return [name, recordsFromOf(entry)(snapshot[name] ?? [], { nextId, now })];
    }),
  );
  await storeSettled(parts, records, new Set(Object.keys(snapshot)), orgId);
  return Object.fromEntries(Object.entries(records).map(([name, list]) => [name, list.length])) as CollectionCounts;
}
