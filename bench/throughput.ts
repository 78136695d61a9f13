// POST /clients throughput: bare Express vs athenty-fake (file store, memory store, a large store file), rounds in alternating order.
import { copyFile } from 'node:fs/promises';
import { measureLoad, type LoadRequest, type LoadResult } from './load.js';
import { describeRound, summariseRounds, type LoadSummary } from './load-summary.js';
import { withServer } from './processes.js';
import { logProgress } from './progress.js';
import { bareExpressCommand, CLIENT_BODY, fakeCommand, JSON_HEADERS, type ServerCommand } from './servers.js';
import type { RunContext } from './settings.js';

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

function serverCommand(server: ThroughputServer, context: RunContext): ServerCommand {
  switch (server) {
    case 'bareExpress':
      return bareExpressCommand();
    case 'fakeFileStore':
      return fakeCommand({ db: context.freshPath('post-file') }, context.settings.fakeLaunch);
    case 'fakeMemoryStore':
      return fakeCommand({ db: 'memory' }, context.settings.fakeLaunch);
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
export async function measureThroughput(context: RunContext): Promise<Record<ThroughputServer, LoadSummary>> {
  const results = new Map<ThroughputServer, { rounds: LoadResult[]; rss: number[] }>(
    SERVERS.map((server) => [server, { rounds: [], rss: [] }]),
  );
  for (let round = 0; round < context.settings.rounds; round++) {
    for (const server of orderOfRound(round)) {
      const { result, peakRssMb } = await withServer(serverCommand(server, context), ({ url }) =>
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

/** POST /clients on bare Express and on the fake holding a large store, from the same run. */
export interface CreatesOnStore {
  bareExpress: LoadSummary;
  fake: LoadSummary;
}

/**
 * Measures POST /clients on bare Express and on the fake started on a fresh copy of `storeFile`
 * (`--seed none`), every round on fresh processes, the order reversed every round.
 *
 * @example
 * const { bareExpress, fake } = await measureCreatesOnStore(context, '/tmp/bench/clients-100000.json');
 * console.log(fake.p99Ms / bareExpress.p99Ms);
 */
export async function measureCreatesOnStore(context: RunContext, storeFile: string): Promise<CreatesOnStore> {
  const runs = {
    bareExpress: { rounds: [] as LoadResult[], rss: [] as number[] },
    fake: { rounds: [] as LoadResult[], rss: [] as number[] },
  };
  const commandOf = async (server: keyof CreatesOnStore): Promise<ServerCommand> => {
    if (server === 'bareExpress') return bareExpressCommand();
    const db = context.freshPath('creates-on-store');
    await copyFile(storeFile, db);
    return fakeCommand({ db, seed: 'none' }, context.settings.fakeLaunch);
  };
  for (let round = 0; round < context.settings.rounds; round++) {
    const order: (keyof CreatesOnStore)[] = round % 2 === 0 ? ['bareExpress', 'fake'] : ['fake', 'bareExpress'];
    for (const server of order) {
      const { result, peakRssMb } = await withServer(await commandOf(server), ({ url, pid }) =>
        measureLoad(url, POST_CLIENT, context.settings.load, pid),
      );
      runs[server].rounds.push(result);
      runs[server].rss.push(peakRssMb);
      logProgress(`  POST round ${round + 1}/${context.settings.rounds} ${server}: ${describeRound(result)}`);
    }
  }
  return {
    bareExpress: summariseRounds(runs.bareExpress.rounds, runs.bareExpress.rss),
    fake: summariseRounds(runs.fake.rounds, runs.fake.rss),
  };
}
