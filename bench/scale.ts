// The scale group: at each size (100,000 and 1,000,000 clients by default) start-up, idle and peak RSS under a mixed load, each list query, resets and the export timed alone with the event loop probed, the crash window, and creates against bare Express.
import { copyFile, rm } from 'node:fs/promises';
import { measureCrashWindow, type CrashWindowResult } from './crash-window.js';
import { measureLoad, type LoadRequest, type LoadResult } from './load.js';
import { describeRound } from './load-summary.js';
import { readPeakRssMb, readRssMb, resetPeakRss, startServer, withServer, type RunningServer } from './processes.js';
import { logProgress } from './progress.js';
import {
  timeExport,
  timeImport,
  timeListQueries,
  timeResets,
  type ExportResult,
  type OperationTiming,
  type ResetTimings,
} from './scale-operations.js';
import { API_KEY, CLIENT_BODY, fakeCommand, JSON_HEADERS, type ServerCommand } from './servers.js';
import type { RunContext } from './settings.js';
import { spreadSample, writeClientsFile } from './store-file.js';
import { measureCreatesOnStore, type CreatesOnStore } from './throughput.js';

/** Clients of a second, small organisation in every generated store, for its reset. */
const SMALL_ORG_CLIENTS = 100;
/** Spawn-to-ready samples on the store file. */
const STARTS = 3;
/** The largest size at which POST /clients is compared with bare Express (the target's size). */
const CREATES_COMPARED_UP_TO = 100_000;

/** The mixed load: its figures and the peak RSS it reached. */
export interface MixedLoadResult extends LoadResult {
  /** VmHWM over the load alone (the peak of start-up cleared before it). */
  peakRssMb: number;
}

/** The figures at one size. */
export interface ScaleSummary {
  clients: number;
  smallOrgClients: number;
  /** Spawn to ready line on the store file, one per start. */
  /** The first start on the file the bench wrote, which the fake checks in full. */
  firstStartMs: number;
  /** Spawn to ready on the store file after that, one per start. */
  startupMs: number[];
  /** VmRSS once ready, and VmHWM by then (the peak of start-up). */
  idleRssMb: number;
  startupPeakRssMb: number;
  mixed: MixedLoadResult;
  queries: OperationTiming[];
  export: ExportResult;
  /** The generated file imported back (`PUT /__admin/state`). */
  import: ExportResult;
  resets: ResetTimings;
  crashWindow: CrashWindowResult;
  /** POST /clients against bare Express on this store (at sizes up to 100,000). */
  creates?: CreatesOnStore;
}

/** Six gets by id, two searches and two creates in every ten requests, round robin. */
function mixedLoad(ids: readonly string[]): LoadRequest {
  const read = { 'x-api-key': API_KEY };
  let n = 0;
  return {
    method: 'GET',
    path: `/clients/${ids[0]}`,
    headers: read,
    expectedStatus: [200, 201],
    next: () => {
      const i = n++;
      const kind = i % 10;
      if (kind < 6) return { method: 'GET', path: `/clients/${ids[i % ids.length]}`, headers: read };
      if (kind < 8) return { method: 'GET', path: `/clients?search=smith${i % 997}`, headers: read };
      return { method: 'POST', path: '/clients', headers: JSON_HEADERS, body: CLIENT_BODY };
    },
  };
}

/**
 * Start-ups on the store file, after a first one: the file is written by the bench, and the fake
 * checks a file it did not write itself in full once (it then notes in its log that it has). That
 * first start is returned apart.
 */
async function measureStartups(command: ServerCommand, clients: number): Promise<{ firstStartMs: number; startupMs: number[] }> {
  const first = await startServer(command);
  await first.stop();
  logProgress(`  first start on the file the bench wrote (checked in full): ${first.readyMs.toFixed(0)} ms`);
  const startupMs: number[] = [];
  for (let start = 0; start < STARTS; start++) {
    const server = await startServer(command);
    startupMs.push(server.readyMs);
    await server.stop();
  }
  logProgress(`  start-up on the store file: ${startupMs.map((ms) => ms.toFixed(0)).join(', ')} ms (${clients} clients)`);
  return { firstStartMs: first.readyMs, startupMs };
}

/** On one server: idle RSS, the list queries, the mixed load (its own peak RSS), then the export and the import of `file`. */
async function measureOnStore(server: RunningServer, clients: number, ids: readonly string[], context: RunContext, file: string) {
  const idleRssMb = readRssMb(server.pid);
  const startupPeakRssMb = readPeakRssMb(server.pid);
  logProgress(`  idle RSS ${idleRssMb.toFixed(0)} MB, start-up peak ${startupPeakRssMb.toFixed(0)} MB`);
  const queries = await timeListQueries(server.url, clients, samplesOf(context));
  resetPeakRss(server.pid);
  const load = await measureLoad(server.url, mixedLoad(ids), context.settings.load);
  const mixed = { ...load, peakRssMb: readPeakRssMb(server.pid) };
  logProgress(`  mixed load: ${describeRound(mixed)}, peak RSS ${mixed.peakRssMb.toFixed(0)} MB`);
  // Last: it may fail at a size the fake cannot export.
  const exported = await timeExport(server.url);
  const imported = await timeImport(server.url, file);
  return { idleRssMb, startupPeakRssMb, queries, mixed, export: exported, import: imported };
}

function samplesOf(context: RunContext): number {
  return context.settings.quick ? 3 : 5;
}

async function measureSize(context: RunContext, clients: number): Promise<ScaleSummary> {
  logProgress(`scale: generating ${clients} clients (and ${SMALL_ORG_CLIENTS} of a small organisation)`);
  const file = context.freshPath(`scale-${clients}`);
  const ids = spreadSample(await writeClientsFile(file, clients, SMALL_ORG_CLIENTS), context.settings.idSampleSize);
  const db = context.freshPath(`scale-db-${clients}`);
  await copyFile(file, db);
  const command = fakeCommand({ db, seed: 'none' }, context.settings.fakeLaunch);
  try {
    const { firstStartMs, startupMs } = await measureStartups(command, clients);
    const { result: onStore } = await withServer(command, (server) => measureOnStore(server, clients, ids, context, file));
    await rm(db, { force: true });
    logProgress(`  resets, on a fake seeded with the ${clients} clients`);
    const resetDb = context.freshPath(`scale-reset-${clients}`);
    const seeded = fakeCommand({ db: resetDb, seed: file }, context.settings.fakeLaunch);
    const { result: resets } = await withServer(seeded, (server) => timeResets(server.url, samplesOf(context)));
    await rm(resetDb, { force: true });
    const crashWindow = await measureCrashWindow(context, file);
    const creates = clients <= CREATES_COMPARED_UP_TO ? await measureCreatesOnStore(context, file) : undefined;
    return {
      clients,
      smallOrgClients: SMALL_ORG_CLIENTS,
      firstStartMs,
      startupMs,
      ...onStore,
      resets,
      crashWindow,
      ...(creates === undefined ? {} : { creates }),
    };
  } finally {
    await rm(file, { force: true });
    await rm(db, { force: true });
  }
}

/**
 * Measures the scale group at each of the run's sizes, smallest first.
 *
 * @example
 * const [at100k, at1m] = await measureScale(context);
 * console.log(at1m.startupMs, at100k.mixed.peakRssMb);
 */
export async function measureScale(context: RunContext): Promise<ScaleSummary[]> {
  const results: ScaleSummary[] = [];
  for (const clients of context.settings.scaleSizes) {
    logProgress(`scale: ${clients} clients`);
    results.push(await measureSize(context, clients));
  }
  return results;
}
