// POST /__admin/reset latency on a file store seeded with 1,000 and with 100,000 clients (each reset restores the seed).
import { Agent } from 'node:http';
import { sendRequest } from './http-request.js';
import { withServer, type RunningServer } from './processes.js';
import { logProgress } from './progress.js';
import { fakeCommand, type ServerCommand } from './servers.js';
import type { BenchContext } from './settings.js';
import { percentile } from './stats.js';

/** Reset latency at one store size. */
export interface ResetSummary {
  clients: number;
  p50Ms: number;
  p99Ms: number;
  samples: number;
  peakRssMb: number;
  /** Spawn-to-ready of the server, which seeds this many clients at start-up. */
  readyMs: number;
}

/** Reset latency at the small and the large store size. */
export interface ResetResults {
  small: ResetSummary;
  large: ResetSummary;
}

const WARM_UP_RESETS = 3;

async function resetOnce(url: string, agent: Agent): Promise<number> {
  const startedAt = performance.now();
  const answer = await sendRequest(url, { method: 'POST', path: '/__admin/reset', agent });
  const elapsedMs = performance.now() - startedAt;
  if (answer.status < 200 || answer.status > 299) {
    throw new Error(`POST /__admin/reset answered ${answer.status}: ${answer.body}`);
  }
  return elapsedMs;
}

async function timeResets(server: RunningServer, count: number): Promise<number[]> {
  // One kept-alive connection: the figure is the reset, not a TCP handshake.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < Math.min(WARM_UP_RESETS, count); i++) await resetOnce(server.url, agent);
    const timings: number[] = [];
    for (let i = 0; i < count; i++) timings.push(await resetOnce(server.url, agent));
    return timings;
  } finally {
    agent.destroy();
  }
}

function seededCommand(context: BenchContext, seed: string): ServerCommand {
  return fakeCommand({ db: context.freshPath('reset'), seed }, context.settings.fakeLaunch);
}

async function measureResets(context: BenchContext, seed: string, clients: number, count: number): Promise<ResetSummary> {
  const { result, peakRssMb, server } = await withServer(seededCommand(context, seed), (s) => timeResets(s, count));
  const summary = {
    clients,
    p50Ms: percentile(result, 50),
    p99Ms: percentile(result, 99),
    samples: result.length,
    peakRssMb,
    readyMs: server.readyMs,
  };
  logProgress(`reset at ${clients} clients: p50 ${summary.p50Ms.toFixed(2)} ms, p99 ${summary.p99Ms.toFixed(2)} ms`);
  return summary;
}

/**
 * Times POST /__admin/reset at the small and the large store size.
 *
 * @example
 * const reset = await measureResetLatency(context);
 * console.log(reset.small.p50Ms);
 */
export async function measureResetLatency(context: BenchContext): Promise<ResetResults> {
  const { stores, settings } = context;
  return {
    small: await measureResets(context, stores.smallPath, settings.smallStoreSize, settings.resetSamples.small),
    large: await measureResets(context, stores.largePath, settings.largeStoreSize, settings.resetSamples.large),
  };
}
