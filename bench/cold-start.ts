// Cold start: from spawn to the first 201 of POST /clients (spawn, ready line, one POST), median of several starts.
import { withServer } from './processes.js';
import { logProgress } from './progress.js';
import { sendRequest } from './http-request.js';
import { bareExpressCommand, CLIENT_BODY, fakeCommand, JSON_HEADERS, type ServerCommand } from './servers.js';
import type { BenchContext } from './settings.js';
import { median } from './stats.js';

/** The servers started. */
export type ColdStartServer = 'bareExpress' | 'fakeFileStore' | 'fakeMemoryStore';

const SERVERS: readonly ColdStartServer[] = ['bareExpress', 'fakeFileStore', 'fakeMemoryStore'];

/** One server's starts. */
export interface ColdStartSummary {
  /** Median spawn-to-first-201, in ms. */
  firstCreatedMs: number;
  /** Median spawn-to-ready-line, in ms. */
  readyMs: number;
  /** Highest VmHWM after the one request, in MB. */
  peakRssMb: number;
  samples: { readyMs: number; firstCreatedMs: number }[];
}

function serverCommand(server: ColdStartServer, context: BenchContext): ServerCommand {
  switch (server) {
    case 'bareExpress':
      return bareExpressCommand();
    case 'fakeFileStore':
      return fakeCommand({ db: context.freshPath('cold-start') }, context.settings.fakeLaunch);
    case 'fakeMemoryStore':
      return fakeCommand({ db: 'memory' }, context.settings.fakeLaunch);
  }
}

async function startAndCreateOne(command: ServerCommand) {
  return withServer(command, async ({ url, spawnedAt, readyMs }) => {
    const answer = await sendRequest(url, { method: 'POST', path: '/clients', headers: JSON_HEADERS, body: CLIENT_BODY });
    const firstCreatedMs = performance.now() - spawnedAt;
    if (answer.status !== 201) throw new Error(`first POST /clients answered ${answer.status}: ${answer.body}`);
    return { readyMs, firstCreatedMs };
  });
}

/**
 * Starts each server `coldStarts` times (interleaved), timing spawn to the first 201.
 *
 * @example
 * const { bareExpress, fakeFileStore } = await measureColdStarts(context);
 */
export async function measureColdStarts(context: BenchContext): Promise<Record<ColdStartServer, ColdStartSummary>> {
  const samples = new Map<ColdStartServer, { readyMs: number; firstCreatedMs: number }[]>(SERVERS.map((server) => [server, []]));
  const rss = new Map<ColdStartServer, number[]>(SERVERS.map((server) => [server, []]));
  for (let start = 0; start < context.settings.coldStarts; start++) {
    const order = start % 2 === 0 ? SERVERS : [...SERVERS].reverse();
    for (const server of order) {
      const { result, peakRssMb } = await startAndCreateOne(serverCommand(server, context));
      samples.get(server)!.push(result);
      rss.get(server)!.push(peakRssMb);
    }
  }
  const summary = (server: ColdStartServer): ColdStartSummary => {
    const starts = samples.get(server)!;
    const result = {
      firstCreatedMs: median(starts.map((s) => s.firstCreatedMs)),
      readyMs: median(starts.map((s) => s.readyMs)),
      peakRssMb: Math.max(...rss.get(server)!),
      samples: starts,
    };
    const firstCreated = result.firstCreatedMs.toFixed(1);
    logProgress(`cold start ${server}: median ${firstCreated} ms to the first 201 (${starts.length} starts)`);
    return result;
  };
  return {
    bareExpress: summary('bareExpress'),
    fakeFileStore: summary('fakeFileStore'),
    fakeMemoryStore: summary('fakeMemoryStore'),
  };
}
