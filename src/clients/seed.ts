// Puts the starting clients of the seed fixture into the store.
import type { Clock } from '../clock.js';
import { nextFreeId, type IdGenerator } from '../ids.js';
import type { ClientRecord } from '../store/client-record.js';
import type { ClientStore } from '../store/client-store.js';
import { seededClientRecord, type ClientSeed } from './records.js';

// A seed whose entries all give their id and createdAt makes the same records every time: they are
// built once and reused, so a reset of an unchanged store has nothing to build, index or write.
const fixedRecords = new WeakMap<readonly ClientSeed[], readonly ClientRecord[] | null>();

function recordsOf(
  store: ClientStore,
  seed: readonly ClientSeed[],
  { clock, ids }: { clock: Clock; ids: IdGenerator },
  orgId: string | undefined,
): ClientRecord[] {
  let fixed = fixedRecords.get(seed);
  if (fixed === undefined) {
    const complete = seed.every((entry) => entry.id !== undefined && entry.createdAt !== undefined);
    fixed = complete ? seed.map((entry) => seededClientRecord(entry, { nextId: () => '', now: '' })) : null;
    fixedRecords.set(seed, fixed);
  }
  if (fixed !== null) return fixed.filter((record) => orgId === undefined || record.orgId === orgId);
  const now = new Date(clock.now()).toISOString();
  // Ids other organisations hold stay theirs when only one organisation is seeded again.
  const heldElsewhere = (id: string): boolean => orgId !== undefined && (store.get(id)?.orgId ?? orgId) !== orgId;
  return seed
    .filter((entry) => orgId === undefined || entry.orgId === orgId)
    .map((entry) => seededClientRecord(entry, { nextId: () => nextFreeId(ids, heldElsewhere), now }));
}

/**
 * Replaces the store's clients (or one organisation's, with `orgId`) by the seed's, and writes the
 * file before resolving. Answers how many clients were seeded.
 *
 * @example
 * await seedClients(store, loadClientSeed('fixtures/clients.json'), { clock, ids });
 */
export async function seedClients(
  store: ClientStore,
  seed: readonly ClientSeed[],
  parts: { clock: Clock; ids: IdGenerator },
  orgId?: string,
): Promise<number> {
  const records = recordsOf(store, seed, parts, orgId);
  await store.replace(records, orgId);
  return records.length;
}
