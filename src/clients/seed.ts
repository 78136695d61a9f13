// Puts the starting clients of the seed fixture into the store.
import type { Clock } from '../clock.js';
import type { IdGenerator } from '../ids.js';
import type { ClientStore } from '../store/client-store.js';
import { seededClientRecord, type ClientSeed } from './records.js';

/**
 * Replaces the store's clients (or one organisation's, with `orgId`) by the seed's, and writes the
 * file before resolving.
 *
 * @example
 * await seedClients(store, loadClientSeed('fixtures/clients.json'), { clock, ids });
 */
export async function seedClients(
  store: ClientStore,
  seed: readonly ClientSeed[],
  { clock, ids }: { clock: Clock; ids: IdGenerator },
  orgId?: string,
): Promise<number> {
  const now = new Date(clock.now()).toISOString();
  const records = seed
    .filter((entry) => orgId === undefined || entry.orgId === orgId)
    .map((entry) => seededClientRecord(entry, { nextId: () => ids.next(), now }));
  await store.replace(records, orgId);
  return records.length;
}
