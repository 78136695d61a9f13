// POST /requests against POST /clients on the same fake (file store, default seed), and the expiry of 10,000 open requests by one clock advance.
import { Agent } from 'node:http';
import { SEEDED_IDS } from '../test/support/fixture-keys.js';
import { sendRequest } from './http-request.js';
import { measureLoad, type LoadRequest, type LoadResult } from './load.js';
import { describeRound, summariseRounds, type LoadSummary } from './load-summary.js';
import { withServer, type RunningServer } from './processes.js';
import { logProgress } from './progress.js';
import { fakeCommand, JSON_HEADERS } from './servers.js';
import type { BenchContext } from './settings.js';
import { median } from './stats.js';
import { POST_CLIENT } from './throughput.js';

/** The creates compared: a client, a request without a client, a request linking a seeded client. */
export type CreateKind = 'client' | 'request' | 'linkedRequest';

const KINDS: readonly CreateKind[] = ['client', 'request', 'linkedRequest'];

/** The contract's first example (a subject, so the invitation is "sent"). */
const REQUEST_BODY = JSON.stringify({
  type: 'idv',
  requirements: ['document', 'person', 'biometric_face'],
  subjectName: 'Jane Smith',
  subjectEmail: 'jane@example.com',
  expiresDays: 7,
});

/** The contract's second example, linking the first seeded client (its subject comes from the client). */
const LINKED_REQUEST_BODY = JSON.stringify({
  type: 'kyc',
  requirements: ['document', 'person', 'financial', 'pep_hio'],
  clientId: SEEDED_IDS[0],
});

const LOADS: Record<CreateKind, LoadRequest> = {
  client: POST_CLIENT,
  request: { method: 'POST', path: '/requests', headers: JSON_HEADERS, body: REQUEST_BODY, expectedStatus: 201 },
  linkedRequest: { method: 'POST', path: '/requests', headers: JSON_HEADERS, body: LINKED_REQUEST_BODY, expectedStatus: 201 },
};

/**
 * Measures POST /clients, POST /requests and POST /requests with a clientId, each round on a freshly
 * started fake with a fresh file store and the default seed, the order reversed every round.
 *
 * @example
 * const { client, request } = await measureRequestCreates(context);
 * console.log(request.requestsPerSecond / client.requestsPerSecond);
 */
export async function measureRequestCreates(context: BenchContext): Promise<Record<CreateKind, LoadSummary>> {
  const rounds = new Map<CreateKind, LoadResult[]>(KINDS.map((kind) => [kind, []]));
  for (let round = 0; round < context.settings.rounds; round++) {
    for (const kind of round % 2 === 0 ? KINDS : [...KINDS].reverse()) {
      const { result } = await withServer(
        fakeCommand({ db: context.freshPath(`create-${kind}`) }, context.settings.fakeLaunch),
        ({ url }) => measureLoad(url, LOADS[kind], context.settings.load),
      );
      rounds.get(kind)!.push(result);
      logProgress(`create round ${round + 1}/${context.settings.rounds} ${kind}: ${describeRound(result)}`);
    }
  }
  return {
    client: summariseRounds(rounds.get('client')!),
    request: summariseRounds(rounds.get('request')!),
    linkedRequest: summariseRounds(rounds.get('linkedRequest')!),
  };
}

/** The expiry measurement: how long one clock advance took to expire every open request. */
export interface ExpirySummary {
  openRequests: number;
  /** Median duration of POST /__admin/clock/advance over the samples (one per fresh server), seen from the client. */
  advanceMs: number;
  samplesMs: number[];
}

const OPEN_REQUESTS = 10_000;
const EIGHT_DAYS_MS = 8 * 86_400_000;

async function expect200(url: string, agent: Agent, method: 'GET' | 'POST' | 'PUT', path: string, body?: string): Promise<any> {
  const answer = await sendRequest(url, { method, path, agent, headers: JSON_HEADERS, ...(body === undefined ? {} : { body }) });
  if (answer.status < 200 || answer.status > 299)
    throw new Error(`${method} ${path} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  return JSON.parse(answer.body);
}

/**
 * 10,000 open requests of org_acme as state entries, expiring 7 days (the default) after the
 * import: half `initiated`, half `in_progress` (a subject email). Kept short: the import body
 * must stay under the 1 MB body limit.
 */
function openRequestEntries(): Record<string, unknown>[] {
  return Array.from({ length: OPEN_REQUESTS }, (_, n) => ({
    orgId: 'org_acme',
    type: 'idv',
    requirements: ['document'],
    ...(n % 2 === 0 ? { subjectEmail: 's@x.io' } : {}),
  }));
}

/**
 * Imports the open requests (PUT /__admin/state answers once they are written, so that no store
 * write is under way), times one advance past their expiry, and checks that all expired.
 */
async function timeOneExpiry(server: RunningServer): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const imported = await expect200(
      server.url,
      agent,
      'PUT',
      '/__admin/state',
      JSON.stringify({ clients: [], requests: openRequestEntries() }),
    );
    if (imported.requests !== OPEN_REQUESTS) throw new Error(`imported ${JSON.stringify(imported)}, expected ${OPEN_REQUESTS} requests`);
    const open = await expect200(server.url, agent, 'GET', '/requests?limit=1');
    if (open.pagination.total !== OPEN_REQUESTS) throw new Error(`expected ${OPEN_REQUESTS} open requests, found ${open.pagination.total}`);

    const startedAt = performance.now();
    await expect200(server.url, agent, 'POST', '/__admin/clock/advance', JSON.stringify({ ms: EIGHT_DAYS_MS }));
    const elapsedMs = performance.now() - startedAt;

    const expired = await expect200(server.url, agent, 'GET', '/requests?status=expired&limit=1');
    if (expired.pagination.total !== OPEN_REQUESTS) {
      throw new Error(`one advance expired ${expired.pagination.total} of ${OPEN_REQUESTS} open requests`);
    }
    return elapsedMs;
  } finally {
    agent.destroy();
  }
}

/**
 * Times the expiry of 10,000 open requests by one POST /__admin/clock/advance of 8 days, on a fresh
 * fake (file store) per sample, and checks that every one of them is `expired` afterwards.
 *
 * @example
 * const { advanceMs } = await measureExpiry(context); // target: < 100 ms
 */
export async function measureExpiry(context: BenchContext): Promise<ExpirySummary> {
  const samplesMs: number[] = [];
  for (let i = 0; i < context.settings.expirySamples; i++) {
    const { result } = await withServer(
      fakeCommand({ db: context.freshPath('expiry'), seed: 'none' }, context.settings.fakeLaunch),
      timeOneExpiry,
    );
    samplesMs.push(result);
    logProgress(
      `expiry ${i + 1}/${context.settings.expirySamples}: ${OPEN_REQUESTS} requests expired by one advance in ${result.toFixed(1)} ms`,
    );
  }
  return { openRequests: OPEN_REQUESTS, advanceMs: median(samplesMs), samplesMs };
}
