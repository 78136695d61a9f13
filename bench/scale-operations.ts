// The scale group's single operations, each timed alone and once more under the event-loop probe: list queries, resets after a change, the export and the import.
import { stat } from 'node:fs/promises';
import { Agent } from 'node:http';
import { whileProbing } from './event-loop-probe.js';
import { countRequest, type CountedAnswer } from './http-request.js';
import { logProgress } from './progress.js';
import { API_KEY, CLIENT_BODY, JSON_HEADERS } from './servers.js';
import { median } from './stats.js';
import { SMALL_ORG_ID } from './store-file.js';
import { KEYS } from '../test/support/fixture-keys.js';

/** One operation: its time alone, and the longest probe answer while it ran once more. */
export interface OperationTiming {
  name: string;
  /** What was sent, e.g. `GET /clients?sort=name`. */
  request: string;
  /** Each sample alone, one at a time on a kept-alive connection, in order (the first may warm a cache). */
  samplesMs: number[];
  p50Ms: number;
  maxMs: number;
  /** The longest `GET /__admin/health` in flight while it ran once more (see event-loop-probe.ts). */
  longestProbeMs: number;
  /** Why it failed, when it did (the figures are then NaN). */
  error?: string;
}

/** The export or the import: status (0 when the connection failed), time and size. */
export interface ExportResult {
  status: number;
  ms: number;
  megabytes: number;
  longestProbeMs: number;
  /** Why it failed, when it did. */
  error?: string;
}

/** A list query of the scale group. */
interface ListQuery {
  name: string;
  path: string;
}

/** A page near the end of the whole list, 20 a page (the default limit). */
function deepPage(clients: number): number {
  return Math.max(1, Math.floor((clients * 0.9) / 20));
}

/**
 * The list queries timed at a size (org_acme's key, the default limit of 20): the default page, a
 * deep page, filters, both sorts (first and deep page) and searches that match one, many and none.
 */
export function listQueries(clients: number): ListQuery[] {
  const deep = deepPage(clients);
  return [
    { name: 'default page', path: '/clients' },
    { name: 'deep page', path: `/clients?page=${deep}` },
    { name: 'filters', path: '/clients?active=false&memberType=business' },
    { name: 'sort=name', path: '/clients?sort=name' },
    { name: 'sort=name, deep page', path: `/clients?sort=name&page=${deep}` },
    { name: 'sort=request_count', path: '/clients?sort=request_count' },
    { name: 'sort=request_count, deep page', path: `/clients?sort=request_count&page=${deep}` },
    { name: 'search, one email', path: `/clients?search=client${Math.floor(clients / 2)}%40example.com` },
    { name: 'search, many names', path: '/clients?search=smith' },
    { name: 'search, no match', path: '/clients?search=zzzz' },
    { name: 'search and sort=name', path: '/clients?search=company&sort=name' },
    { name: 'search and a filter', path: '/clients?search=smith1&active=true' },
  ];
}

/** One timed attempt of an operation: the time of the request that matters (a reset's, not its change's). */
type Attempt = (agent: Agent) => Promise<number>;

async function timeOperation(url: string, name: string, request: string, samples: number, attempt: Attempt): Promise<OperationTiming> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samplesMs: number[] = [];
  try {
    for (let i = 0; i < samples; i++) samplesMs.push(await attempt(agent));
    const { longestProbeMs } = await whileProbing(url, () => attempt(agent));
    const timing = { name, request, samplesMs, p50Ms: median(samplesMs), maxMs: Math.max(...samplesMs), longestProbeMs };
    logProgress(
      `  ${request}: p50 ${timing.p50Ms.toFixed(1)} ms, max ${timing.maxMs.toFixed(1)} ms, longest probe ${longestProbeMs.toFixed(1)} ms`,
    );
    return timing;
  } catch (error) {
    // A failure is a figure of its own (the next operations may still run); the report shows it.
    const why = (error as Error).message;
    logProgress(`  ${request} FAILED: ${why}`);
    return { name, request, samplesMs, p50Ms: NaN, maxMs: NaN, longestProbeMs: NaN, error: why };
  } finally {
    agent.destroy();
  }
}

function expectStatus(request: string, answer: CountedAnswer, status: number): CountedAnswer {
  if (answer.status !== status) throw new Error(`${request} answered ${answer.status}, expected ${status}`);
  return answer;
}

/**
 * Times each of {@link listQueries} alone (`samples` times) and once more under the probe.
 *
 * @example
 * const queries = await timeListQueries(server.url, 1_000_000, 3);
 */
export async function timeListQueries(url: string, clients: number, samples: number): Promise<OperationTiming[]> {
  const timings: OperationTiming[] = [];
  for (const { name, path } of listQueries(clients)) {
    const request = `GET ${path}`;
    const attempt: Attempt = async (agent) =>
      expectStatus(request, await countRequest(url, { method: 'GET', path, headers: { 'x-api-key': API_KEY }, agent }), 200).ms;
    timings.push(await timeOperation(url, name, request, samples, attempt));
  }
  return timings;
}

/** A reset and the change made just before it, so that it has something to undo. */
interface ResetCase {
  name: string;
  /** The key of the organisation the change is made in. */
  apiKey: string;
  orgId?: string;
}

/** The resets timed: the whole store, the organisation of every generated client, and the small one. */
const RESET_CASES: readonly ResetCase[] = [
  { name: 'whole reset after a create', apiKey: API_KEY },
  { name: 'reset of the big organisation after a create there', apiKey: API_KEY, orgId: 'org_acme' },
  { name: 'reset of a small organisation after a create there', apiKey: KEYS.globex, orgId: SMALL_ORG_ID },
];

/** The reset figures of a size, in the order of RESET_CASES. */
export interface ResetTimings {
  whole: OperationTiming;
  bigOrg: OperationTiming;
  smallOrg: OperationTiming;
}

/**
 * Times each kind of reset after a create (`samples` times alone, once under the probe) on a fake
 * seeded with the generated store.
 *
 * @example
 * const { bigOrg, smallOrg } = await timeResets(server.url, 3);
 */
export async function timeResets(url: string, samples: number): Promise<ResetTimings> {
  const timings: OperationTiming[] = [];
  for (const { name, apiKey, orgId } of RESET_CASES) {
    const path = `/__admin/reset${orgId === undefined ? '' : `?orgId=${orgId}`}`;
    const request = `POST ${path}`;
    const attempt: Attempt = async (agent) => {
      const create = {
        method: 'POST',
        path: '/clients',
        headers: { ...JSON_HEADERS, 'x-api-key': apiKey },
        body: CLIENT_BODY,
        agent,
      } as const;
      expectStatus('POST /clients', await countRequest(url, create), 201);
      return expectStatus(request, await countRequest(url, { method: 'POST', path, agent }), 200).ms;
    };
    timings.push(await timeOperation(url, name, request, samples, attempt));
  }
  const [whole, bigOrg, smallOrg] = timings as [OperationTiming, OperationTiming, OperationTiming];
  return { whole, bigOrg, smallOrg };
}

/**
 * Exports the whole state once (`GET /__admin/state`, the body counted as it streams in) under the
 * probe; a failure (an error status, a dropped connection) is a result, not an exception.
 *
 * @example
 * const { status, megabytes } = await timeExport(server.url);
 */
export async function timeExport(url: string): Promise<ExportResult> {
  try {
    const { result, longestProbeMs } = await whileProbing(url, () => countRequest(url, { method: 'GET', path: '/__admin/state' }));
    const exported = { status: result.status, ms: result.ms, megabytes: result.bytes / 1e6, longestProbeMs };
    logProgress(
      `  GET /__admin/state: ${exported.status} in ${exported.ms.toFixed(0)} ms, ${exported.megabytes.toFixed(1)} MB, longest probe ${longestProbeMs.toFixed(1)} ms`,
    );
    return exported;
  } catch (error) {
    logProgress(`  GET /__admin/state FAILED: ${(error as Error).message}`);
    return { status: 0, ms: NaN, megabytes: 0, longestProbeMs: NaN, error: (error as Error).message };
  }
}

/**
 * Imports a store file (`PUT /__admin/state`, the file streamed as the body) under the probe: the
 * generated file has the state's shape, so the fake ends with the records it had. A failure is a
 * result, not an exception.
 *
 * @example
 * const { status, ms } = await timeImport(server.url, '/tmp/bench/scale-100000.json');
 */
export async function timeImport(url: string, file: string): Promise<ExportResult> {
  const { size } = await stat(file);
  try {
    const { result, longestProbeMs } = await whileProbing(url, () =>
      countRequest(url, {
        method: 'PUT',
        path: '/__admin/state',
        headers: { 'Content-Type': 'application/json', 'Content-Length': size },
        bodyFile: file,
      }),
    );
    const imported = { status: result.status, ms: result.ms, megabytes: size / 1e6, longestProbeMs };
    logProgress(
      `  PUT /__admin/state: ${imported.status} in ${imported.ms.toFixed(0)} ms, ${imported.megabytes.toFixed(1)} MB, longest probe ${longestProbeMs.toFixed(1)} ms`,
    );
    return imported;
  } catch (error) {
    logProgress(`  PUT /__admin/state FAILED: ${(error as Error).message}`);
    return { status: 0, ms: NaN, megabytes: size / 1e6, longestProbeMs: NaN, error: (error as Error).message };
  }
}
