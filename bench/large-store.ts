// Reads and inserts on a store of 100,000 clients (file store), and POST throughput there vs an empty store.
import { copyFile } from 'node:fs/promises';
import { measureLoad, type LoadRequest, type LoadResult, type LoadSettings } from './load.js';
import { describeRound, summariseRounds, type LoadSummary } from './load-summary.js';
import { readPeakRssMb, withServer, type RunningServer } from './processes.js';
import { logProgress } from './progress.js';
import { API_KEY, fakeCommand } from './servers.js';
import type { BenchContext } from './settings.js';
import { mean } from './stats.js';
import { POST_CLIENT } from './throughput.js';

/** The figures of this phase. */
export interface LargeStoreResults {
  clients: number;
  getById: LoadSummary;
  listFirstPage: LoadSummary;
  /** Its `peakRssMb` is the highest VmHWM of the servers holding the large store (after GETs and POSTs). */
  postAtLargeStore: LoadSummary;
  /** Highest VmHWM with exactly the large store: after loading it and the GET phases, before POSTs add clients. */
  peakRssAtLargeStoreMb: number;
  postAtEmptyStore: LoadSummary;
  /** Mean spawn-to-ready time of the server loading the large store file. */
  largeStoreReadyMs: number;
}

interface LargeStoreRound {
  getById: LoadResult;
  listFirstPage: LoadResult;
  /** VmHWM before the POSTs, which grow the store past its size. */
  peakRssBeforePostsMb: number;
  post: LoadResult;
}

function rotatingGetById(ids: readonly string[]): LoadRequest {
  let index = 0;
  return {
    method: 'GET',
    path: `/clients/${ids[0]}`,
    headers: { 'x-api-key': API_KEY },
    expectedStatus: 200,
    next: () => ({ path: `/clients/${ids[index++ % ids.length]}` }),
  };
}

const LIST_FIRST_PAGE: LoadRequest = {
  method: 'GET',
  path: '/clients?limit=20',
  headers: { 'x-api-key': API_KEY },
  expectedStatus: 200,
};

async function measureOnLargeStore(server: RunningServer, ids: readonly string[], load: LoadSettings): Promise<LargeStoreRound> {
  const getById = await measureLoad(server.url, rotatingGetById(ids), load);
  const listFirstPage = await measureLoad(server.url, LIST_FIRST_PAGE, load);
  const peakRssBeforePostsMb = readPeakRssMb(server.pid);
  // Last, because it adds clients.
  const post = await measureLoad(server.url, POST_CLIENT, load);
  return { getById, listFirstPage, peakRssBeforePostsMb, post };
}

async function largeStoreRound(context: BenchContext) {
  // A fresh copy each round: the previous round's POSTs grew the store.
  const db = context.freshPath('large-store');
  await copyFile(context.stores.largePath, db);
  return withServer(fakeCommand({ db, seed: 'none' }, context.settings.fakeLaunch), (server) =>
    measureOnLargeStore(server, context.stores.largeIdSample, context.settings.load),
  );
}

function emptyStoreRound(context: BenchContext) {
  const db = context.freshPath('empty-store');
  return withServer(fakeCommand({ db, seed: 'none' }, context.settings.fakeLaunch), ({ url }) =>
    measureLoad(url, POST_CLIENT, context.settings.load),
  );
}

/**
 * Measures GET by id, the first page of the list and POST at the large store size, and POST on an
 * empty store, in alternating order over the rounds.
 *
 * @example
 * const { getById, postAtLargeStore, postAtEmptyStore } = await measureLargeStore(context);
 */
export async function measureLargeStore(context: BenchContext): Promise<LargeStoreResults> {
  const { rounds, largeStoreSize } = context.settings;
  const large: LargeStoreRound[] = [];
  const empty: LoadResult[] = [];
  const largeRss: number[] = [];
  const emptyRss: number[] = [];
  const readyMs: number[] = [];
  const runLarge = async (round: number): Promise<void> => {
    const { result, peakRssMb, server } = await largeStoreRound(context);
    large.push(result);
    largeRss.push(peakRssMb);
    readyMs.push(server.readyMs);
    logProgress(`${largeStoreSize} clients round ${round + 1}/${rounds}: ready in ${Math.round(server.readyMs)} ms`);
    logProgress(`  GET /clients/{id}: ${describeRound(result.getById)}`);
    logProgress(`  GET /clients?limit=20: ${describeRound(result.listFirstPage)}, peak RSS ${Math.round(result.peakRssBeforePostsMb)} MB`);
    logProgress(`  POST /clients: ${describeRound(result.post)}, peak RSS ${Math.round(peakRssMb)} MB`);
  };
  const runEmpty = async (round: number): Promise<void> => {
    const { result, peakRssMb } = await emptyStoreRound(context);
    empty.push(result);
    emptyRss.push(peakRssMb);
    logProgress(`empty store round ${round + 1}/${rounds}: POST /clients: ${describeRound(result)}`);
  };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [runEmpty, runLarge] : [runLarge, runEmpty];
    for (const run of order) await run(round);
  }
  return {
    clients: largeStoreSize,
    getById: summariseRounds(large.map((r) => r.getById)),
    listFirstPage: summariseRounds(large.map((r) => r.listFirstPage)),
    postAtLargeStore: summariseRounds(
      large.map((r) => r.post),
      largeRss,
    ),
    postAtEmptyStore: summariseRounds(empty, emptyRss),
    peakRssAtLargeStoreMb: Math.max(...large.map((r) => r.peakRssBeforePostsMb)),
    largeStoreReadyMs: mean(readyMs),
  };
}
