// POST /clients throughput: bare Express vs athenty-fake (file store, memory store), rounds in alternating order.
import { measureLoad, type LoadRequest, type LoadResult } from './load.js';
import { describeRound, summariseRounds, type LoadSummary } from './load-summary.js';
import { withServer } from './processes.js';
import { logProgress } from './progress.js';
import { bareExpressArgs, CLIENT_BODY, fakeArgs, JSON_HEADERS } from './servers.js';
import type { BenchContext } from './settings.js';

/** The servers compared. */
export type ThroughputServer = 'bareExpress' | 'fakeFileStore' | 'fakeMemoryStore';

const SERVERS: readonly ThroughputServer[] = ['bareExpress', 'fakeFileStore', 'fakeMemoryStore'];

/** The request every server answers with a 201. */
export const POST_CLIENT: LoadRequest = {
  method: 'POST',
  path: '/clients',
  headers: JSON_HEADERS,
  body: CLIENT_BODY,
  expectedStatus: 201,
};

function serverArgs(server: ThroughputServer, context: BenchContext): string[] {
  switch (server) {
    case 'bareExpress':
      return bareExpressArgs();
    case 'fakeFileStore':
      return fakeArgs({ db: context.freshPath('post-file') });
    case 'fakeMemoryStore':
      return fakeArgs({ db: 'memory' });
  }
}

/** The servers in round `round`'s order: forwards, then backwards, and so on. */
function orderOfRound(round: number): ThroughputServer[] {
  return round % 2 === 0 ? [...SERVERS] : [...SERVERS].reverse();
}

/**
 * Measures POST /clients on each server, every round on a freshly started process.
 *
 * @example
 * const { bareExpress, fakeFileStore } = await measureThroughput(context);
 */
export async function measureThroughput(context: BenchContext): Promise<Record<ThroughputServer, LoadSummary>> {
  const results = new Map<ThroughputServer, { rounds: LoadResult[]; rss: number[] }>(
    SERVERS.map((server) => [server, { rounds: [], rss: [] }]),
  );
  for (let round = 0; round < context.settings.rounds; round++) {
    for (const server of orderOfRound(round)) {
      const { result, peakRssMb } = await withServer(serverArgs(server, context), ({ url }) =>
        measureLoad(url, POST_CLIENT, context.settings.load),
      );
      const entry = results.get(server)!;
      entry.rounds.push(result);
      entry.rss.push(peakRssMb);
      logProgress(`POST round ${round + 1}/${context.settings.rounds} ${server}: ${describeRound(result)}`);
    }
  }
  const summary = (server: ThroughputServer): LoadSummary => {
    const { rounds, rss } = results.get(server)!;
    return summariseRounds(rounds, rss);
  };
  return {
    bareExpress: summary('bareExpress'),
    fakeFileStore: summary('fakeFileStore'),
    fakeMemoryStore: summary('fakeMemoryStore'),
  };
}
