// `npm run bench [-- --quick] [--scale] [--scale-sizes N,N]`: measures athenty-fake against a bare Express app, prints one table, writes bench/results/latest.json.
// Every athenty-fake process of the run is started as the bin's shebang starts it (environment
// variables and node flags), or with BENCH_FAKE_ENV's variables (e.g. "MALLOC_ARENA_MAX=2"; "" for
// none) and BENCH_FAKE_NODE_FLAGS's flags (e.g. "--max-semi-space-size=4"; "" for none) instead,
// to compare allocator and GC settings.
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { killRemainingServers, stopServersOnExit } from '../test/support/processes.js';
import { measureColdStarts } from './cold-start.js';
import { measureLargeStore } from './large-store.js';
import { logProgress } from './progress.js';
import {
  countUnexpectedAnswers,
  formatTable,
  machineFacts,
  tableRows,
  writeResultsFile,
  type BenchResults,
  type CoreResults,
  type MachineFacts,
  type TableRow,
} from './report.js';
import { measureResetLatency } from './reset.js';
import { measureExpiry, measureRequestCreates } from './requests.js';
import { measureScale } from './scale.js';
import { FAKE_LOG_LEVEL, type NodeLaunch } from './servers.js';
import {
  benchSettings,
  createRunContext,
  type BenchChoices,
  type BenchContext,
  type BenchSettings,
  type GeneratedStores,
} from './settings.js';
import { spreadSample, writeClientsFile } from './store-file.js';
import { measureThroughput } from './throughput.js';
import { measureWebhooks } from './webhooks.js';

/** What the command line and BENCH_FAKE_NODE_FLAGS ask for; a bad option ends the run with one line. */
function readChoices(): BenchChoices & { scaleOnly: boolean } {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, scale: { type: 'boolean', default: false }, 'scale-sizes': { type: 'string' } },
    strict: true,
  });
  const sizes = values['scale-sizes']?.split(',').map((size) => Number(size.trim().replaceAll('_', '')));
  if (sizes !== undefined && !sizes.every((size) => Number.isInteger(size) && size > 0)) {
    throw new Error(`--scale-sizes takes whole numbers of clients separated by commas, e.g. 100000,1000000; got ${values['scale-sizes']}`);
  }
  const shipped = shippedLaunch();
  const { BENCH_FAKE_ENV: environment, BENCH_FAKE_NODE_FLAGS: flags } = process.env;
  const fakeLaunch = {
    environment: environment === undefined ? shipped.environment : assignmentsOf(words(environment), 'BENCH_FAKE_ENV'),
    flags: flags === undefined ? shipped.flags : words(flags),
  };
  return { quick: values.quick, scaleOnly: values.scale, fakeLaunch, ...(sizes === undefined ? {} : { scaleSizes: sizes }) };
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((word) => word !== '');
}

/** `NAME=VALUE` words as variables; any other word is an error naming `source`. */
function assignmentsOf(assignments: readonly string[], source: string): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const assignment of assignments) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(assignment);
    if (match === null) throw new Error(`${source} takes NAME=VALUE words separated by spaces; got ${assignment}`);
    environment[match[1] as string] = match[2] as string;
  }
  return environment;
}

/**
 * How the bin starts node, from the shebang of the build (`#!/usr/bin/env -S [NAME=VALUE ...] node
 * FLAGS`): the bench measures the fake as shipped.
 */
function shippedLaunch(): NodeLaunch {
  const shebang = readFileSync(new URL('../dist/cli.js', import.meta.url), 'utf8').split('\n', 1)[0] ?? '';
  const parts = words(shebang.replace(/^#!\/usr\/bin\/env( -S)?/, ''));
  const node = parts.indexOf('node');
  if (node === -1) throw new Error(`the shebang of dist/cli.js runs no node: ${shebang}`);
  return { environment: assignmentsOf(parts.slice(0, node), 'the shebang of dist/cli.js'), flags: parts.slice(node + 1) };
}

function describeLaunch({ environment, flags }: NodeLaunch): string {
  const variables = Object.entries(environment).map(([name, value]) => `${name}=${value}`);
  const from = (variable: string): string => (process.env[variable] === undefined ? "the bin's" : variable);
  return (
    `${variables.length === 0 ? 'no environment variables' : `${variables.join(' ')} (${from('BENCH_FAKE_ENV')})`} and ` +
    `${flags.length === 0 ? 'no node flags' : `node flags ${flags.join(' ')} (${from('BENCH_FAKE_NODE_FLAGS')})`}`
  );
}

function describeRun(settings: BenchSettings, scaleOnly: boolean): string {
  const { connections, durationSeconds, warmupSeconds } = settings.load;
  const launch = describeLaunch(settings.fakeLaunch);
  return (
    `${settings.quick ? 'quick' : 'full'} run${scaleOnly ? ' of the scale group alone' : ''}: ${connections} connections, ${warmupSeconds} s warm-up + ` +
    `${durationSeconds} s per measurement, ${settings.rounds} rounds; scale group at ${settings.scaleSizes.join(', ')} clients; ` +
    `athenty-fake runs with --log-level ${FAKE_LOG_LEVEL}, --rate-limit 0, ${launch}`
  );
}

/** A temporary folder for the generated stores, removed on exit even after an error or Ctrl-C. */
async function createWorkDir(): Promise<string> {
  const workDir = await mkdtemp(join(tmpdir(), 'athenty-bench-'));
  // An 'exit' listener runs after the one that kills the servers, so no server still writes there.
  process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));
  return workDir;
}

async function generateStores(settings: BenchSettings, workDir: string): Promise<GeneratedStores> {
  logProgress(`generating ${settings.smallStoreSize} and ${settings.largeStoreSize} clients in ${workDir}`);
  const smallPath = join(workDir, `clients-${settings.smallStoreSize}.json`);
  const largePath = join(workDir, `clients-${settings.largeStoreSize}.json`);
  await writeClientsFile(smallPath, settings.smallStoreSize);
  const largeIds = await writeClientsFile(largePath, settings.largeStoreSize);
  return { smallPath, largePath, largeIdSample: spreadSample(largeIds, settings.idSampleSize) };
}

async function measureCore(context: BenchContext): Promise<CoreResults> {
  logProgress('POST /clients throughput');
  const throughput = await measureThroughput(context);
  logProgress(`${context.settings.largeStoreSize} clients vs an empty store`);
  const largeStore = await measureLargeStore(context);
  logProgress('cold starts');
  const coldStart = await measureColdStarts(context);
  logProgress('reset latency');
  const reset = await measureResetLatency(context);
  logProgress('POST /requests vs POST /clients');
  const creates = await measureRequestCreates(context);
  logProgress('expiry of 10,000 open requests');
  const expiry = await measureExpiry(context);
  logProgress('POST /clients with a webhook subscription, and its deliveries');
  const webhooks = await measureWebhooks(context);
  return { throughput, largeStore, coldStart, reset, creates, expiry, webhooks };
}

function formatReport(machine: MachineFacts, run: string, rows: readonly TableRow[], unexpected: number, file: string) {
  const warning = unexpected > 0 ? `\nWARNING: ${unexpected} answers had an unexpected status or failed; see the file\n` : '';
  const where = `${machine.cpuModel} x${machine.cores}, node ${machine.node}, ${machine.date}`;
  return (
    `\nathenty-fake benchmark, ${where}, load average at start ${machine.loadAverageAtStart.toFixed(2)}\n${run}\n\n` +
    `${formatTable(rows)}\n${warning}\nevery figure: ${file}\n`
  );
}

async function measureAll(settings: BenchSettings, scaleOnly: boolean, workDir: string): Promise<BenchResults> {
  const context = createRunContext(settings, workDir);
  // The scale group generates its own stores.
  if (scaleOnly) return { scale: await measureScale(context) };
  const core = await measureCore({ ...context, stores: await generateStores(settings, workDir) });
  logProgress('scale group');
  return { core, scale: await measureScale(context) };
}

async function main(): Promise<void> {
  let chosen: ReturnType<typeof readChoices>;
  try {
    chosen = readChoices();
  } catch (error) {
    // A mistyped option: one line, no stack.
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  stopServersOnExit('bench');
  const { scaleOnly, ...choices } = chosen;
  const settings = benchSettings(choices);
  const machine = machineFacts();
  const run = describeRun(settings, scaleOnly);
  logProgress(run);
  const workDir = await createWorkDir();
  try {
    const results = await measureAll(settings, scaleOnly, workDir);
    const rows = tableRows(results, settings);
    const options = { rateLimitDisabled: true, logLevel: FAKE_LOG_LEVEL, fakeLaunch: settings.fakeLaunch };
    const file = await writeResultsFile(machine, settings, options, results, rows);
    process.stdout.write(formatReport(machine, run, rows, countUnexpectedAnswers(results), file));
  } finally {
    killRemainingServers();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
