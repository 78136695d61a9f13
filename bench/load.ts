// Load generation with autocannon: a warm-up, then a measured run with exact (sub-millisecond) latency percentiles.
import autocannon from 'autocannon';
import { readCpuMs } from './processes.js';
import { percentile } from './stats.js';

/** How hard and how long to load a server; the same for every server compared. */
export interface LoadSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

/** A request's parts that may change from one request to the next. */
export interface RequestParts {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * The request to repeat. `next` (when given) picks each request's parts over the others, e.g. to
 * rotate ids or to mix reads and creates; `expectedStatus` may then list several.
 */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  expectedStatus: number | readonly number[];
  next?: () => RequestParts;
}

/** What one measured run gave. Latencies only count answers with the expected status. */
export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers with the expected status. */
  answered: number;
  /** Answers with another status (e.g. 429 when a rate limit is on) or connection errors. */
  unexpected: number;
  /**
   * The server's CPU time over the measured seconds (all its threads) by answer, in µs, when its
   * process was given: steadier than throughput on a machine whose cores the load generator shares.
   */
  cpuUsPerAnswer?: number;
}

function autocannonOptions(url: string, load: LoadRequest, connections: number, seconds: number): autocannon.Options {
  const { next } = load;
  return {
    url: new URL(load.path, url).href,
    connections,
    duration: seconds,
    method: load.method,
    headers: load.headers,
    ...(load.body === undefined ? {} : { body: load.body }),
    ...(next === undefined ? {} : { requests: [{ setupRequest: (request) => ({ ...request, ...next() }) }] }),
  };
}

function runAutocannon(options: autocannon.Options, onResponse: (status: number, ms: number) => void) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on('response', (_client, status, _bytes, ms) => onResponse(status, ms));
  });
}

/**
 * Warms the server up for `warmupSeconds` (not counted), then measures for `durationSeconds`;
 * with `serverPid`, also the server's CPU time by answer over the measured seconds.
 *
 * @example
 * const result = await measureLoad(server.url, postClient, { connections: 10, durationSeconds: 10, warmupSeconds: 2 }, server.pid);
 */
export async function measureLoad(url: string, load: LoadRequest, settings: LoadSettings, serverPid?: number): Promise<LoadResult> {
  const ignore = (): void => undefined;
  if (settings.warmupSeconds > 0) {
    await runAutocannon(autocannonOptions(url, load, settings.connections, settings.warmupSeconds), ignore);
  }
  const expected: readonly number[] = typeof load.expectedStatus === 'number' ? [load.expectedStatus] : load.expectedStatus;
  const latencies: number[] = [];
  let unexpected = 0;
  const cpuBeforeMs = serverPid === undefined ? undefined : readCpuMs(serverPid);
  const result = await runAutocannon(autocannonOptions(url, load, settings.connections, settings.durationSeconds), (status, ms) =>
    expected.includes(status) ? latencies.push(ms) : unexpected++,
  );
  const cpuMs = serverPid === undefined ? undefined : readCpuMs(serverPid) - (cpuBeforeMs as number);
  return {
    requestsPerSecond: latencies.length / result.duration,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    answered: latencies.length,
    unexpected: unexpected + result.errors,
    ...(cpuMs === undefined || latencies.length === 0 ? {} : { cpuUsPerAnswer: (cpuMs * 1000) / latencies.length }),
  };
}
