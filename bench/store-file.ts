// Generates valid athenty-fake store files with many org_acme clients (deterministic, lower-case ULID ids), streamed.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const FIRST_NAMES = ['Jane', 'John', 'Amara', 'Luis', 'Mei', 'Olga', 'Ravi', 'Sofia'];
const COUNTRIES = ['CA', 'US', 'GB', 'FR', 'DE', 'JP'];
const START_MS = Date.parse('2025-01-01T00:00:00.000Z');

/** A small seeded PRNG (mulberry32), so that every run generates the same file. */
function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function encodeTime(ms: number): string {
  let out = '';
  for (let rest = ms, i = 0; i < 10; i++, rest = Math.floor(rest / 32)) out = CROCKFORD[rest % 32] + out;
  return out;
}

function randomChars(next: () => number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += CROCKFORD[Math.floor(next() * 32)];
  return out;
}

// Each client gets its own millisecond, so the time part alone makes ids unique and ordered.
function clientRecord(index: number, orgId: string, next: () => number): Record<string, unknown> {
  const ms = START_MS + index * 1000;
  const at = new Date(ms).toISOString();
  const business = index % 5 === 0;
  return {
    id: `clt_${encodeTime(ms)}${randomChars(next, 16)}`,
    orgId,
    nameFirst: business ? null : FIRST_NAMES[index % FIRST_NAMES.length],
    nameLast: business ? null : `Smith${index}`,
    businessName: business ? `Company ${index} Ltd` : null,
    email: `client${index}@example.com`,
    phone: index % 3 === 0 ? '+1 555 0100' : null,
    externalId: `ext-${index}`,
    memberType: business ? 'business' : 'individual',
    addressLine1: `${index} Main Street`,
    addressLine2: null,
    city: 'Toronto',
    region: 'ON',
    postalCode: 'M5V 2T6',
    country: COUNTRIES[index % COUNTRIES.length],
    metadata: index % 2 === 0 ? {} : { tier: 'gold' },
    active: index % 10 !== 0,
    requestCount: index % 7,
    createdAt: at,
    updatedAt: at,
  };
}

/** The organisation of a store file's few other clients (a seeded one, with a key of its own). */
export const SMALL_ORG_ID = 'org_globex';

/**
 * Writes `{"clients":[...]}` with `count` org_acme clients, then `smallOrgCount` clients of
 * {@link SMALL_ORG_ID}, one a line like the fake's own store file, streamed (a million clients are
 * about 490 MB), and returns the org_acme ids (oldest first). The file is valid both as a store
 * (`--db`) and as a seed (`--seed`).
 *
 * @example
 * const ids = await writeClientsFile('/tmp/bench/clients-100000.json', 100_000);
 */
export async function writeClientsFile(path: string, count: number, smallOrgCount = 0): Promise<string[]> {
  const next = createPrng(count);
  const ids: string[] = [];
  const out = createWriteStream(path);
  const total = count + smallOrgCount;
  out.write('{"clients":[\n');
  for (let index = 0; index < total; index++) {
    const record = clientRecord(index, index < count ? 'org_acme' : SMALL_ORG_ID, next);
    if (index < count) ids.push(record.id as string);
    if (!out.write(`${JSON.stringify(record)}${index === total - 1 ? '' : ','}\n`)) await once(out, 'drain');
  }
  out.end(']}\n');
  await once(out, 'finish');
  return ids;
}

/** `sampleSize` ids spread evenly across the store, for GETs to rotate through. */
export function spreadSample(ids: readonly string[], sampleSize: number): string[] {
  const step = Math.max(1, Math.floor(ids.length / sampleSize));
  return ids.filter((_, index) => index % step === 0).slice(0, sampleSize);
}
