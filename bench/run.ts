// `npm run bench [-- --quick]`: measures athenty-fake against a bare Express app, prints one table, writes bench/results/latest.json.
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  type MachineFacts,
  type TableRow,
} from './report.js';
import { measureResetLatency } from './reset.js';
import { measureExpiry, measureRequestCreates } from './requests.js';
import { FAKE_LOG_LEVEL } from './servers.js';
import { benchSettings, createContext, type BenchContext, type BenchSettings, type GeneratedStores } from './settings.js';
import { spreadSample, writeClientsFile } from './store-file.js';
import { measureThroughput } from './throughput.js';
import { measureWebhooks } from './webhooks.js';

function describeRun(settings: BenchSettings): string {
  const { connections, durationSeconds, warmupSeconds } = settings.load;
  return (
    `${settings.quick ? 'quick' : 'full'} run: ${connections} connections, ${warmupSeconds} s warm-up + ` +
    `${durationSeconds} s per measurement, ${settings.rounds} rounds; athenty-fake runs with --log-level ${FAKE_LOG_LEVEL} and --rate-limit 0`
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

async function measureAll(context: BenchContext): Promise<BenchResults> {
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

async function main(): Promise<void> {
  stopServersOnExit('bench');
  const settings = benchSettings(process.argv.slice(2).includes('--quick'));
  const machine = machineFacts();
  const run = describeRun(settings);
  logProgress(run);
  const workDir = await createWorkDir();
  try {
    const context = createContext(settings, await generateStores(settings, workDir), workDir);
    const results = await measureAll(context);
    const rows = tableRows(results, settings);
    const options = { rateLimitDisabled: true, logLevel: FAKE_LOG_LEVEL };
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
