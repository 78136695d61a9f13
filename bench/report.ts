// The benchmark's output: one table with ratios and targets on stdout, every figure in bench/results/latest.json.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ColdStartServer, ColdStartSummary } from './cold-start.js';
import type { LargeStoreResults } from './large-store.js';
import type { LoadSummary } from './load-summary.js';
import type { ResetResults } from './reset.js';
import type { CreateKind, ExpirySummary } from './requests.js';
import type { ScaleSummary } from './scale.js';
import type { OperationTiming } from './scale-operations.js';
import type { BenchSettings } from './settings.js';
import type { ThroughputServer } from './throughput.js';
import { median } from './stats.js';
import type { WebhookSummary } from './webhooks.js';
import type { NodeLaunch } from './servers.js';

/** Every figure of the groups other than scale. */
export interface CoreResults {
  throughput: Record<ThroughputServer, LoadSummary>;
  largeStore: LargeStoreResults;
  coldStart: Record<ColdStartServer, ColdStartSummary>;
  reset: ResetResults;
  creates: Record<CreateKind, LoadSummary>;
  expiry: ExpirySummary;
  webhooks: WebhookSummary;
}

/** Every figure of one run: the core groups (not run with `--scale`) and the scale group. */
export interface BenchResults {
  core?: CoreResults;
  scale: ScaleSummary[];
}

/** One line of the table. */
export interface TableRow {
  measurement: string;
  value: string;
  ratio: string;
  target: string;
  met: string;
}

/** Where the run happened. */
export interface MachineFacts {
  cpuModel: string;
  cores: number;
  totalMemoryMb: number;
  os: string;
  node: string;
  date: string;
  gitCommit: string;
  /** 1-minute load average when the run started: a busy machine makes the figures noisy. */
  loadAverageAtStart: number;
}

const RESULTS_FILE = fileURLToPath(new URL('./results/latest.json', import.meta.url));

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Collects the facts about this machine (call at the start of the run). */
export function machineFacts(): MachineFacts {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    totalMemoryMb: Math.round(totalmem() / 1024 ** 2),
    os: `${process.platform} ${release()}`,
    node: process.version,
    date: new Date().toISOString(),
    gitCommit: gitCommit(),
    loadAverageAtStart: loadavg()[0] ?? NaN,
  };
}

const perSecond = (n: number): string => `${Math.round(n).toLocaleString('en-US')} req/s`;
const ms = (n: number): string => `${n.toFixed(2)} ms`;
const mb = (n: number): string => `${n.toFixed(1)} MB`;
const times = (value: number, base: number): string => `${(value / base).toFixed(2)}x`;
const count = (n: number): string => n.toLocaleString('en-US');

function row(measurement: string, value: string, extra: Partial<Omit<TableRow, 'measurement' | 'value'>> = {}): TableRow {
  return { measurement, value, ratio: '', target: '', met: '', ...extra };
}

function baselineRow(measurement: string, value: string): TableRow {
  return row(measurement, value, { ratio: '1.00x', target: 'baseline' });
}

function verdict(ok: boolean): string {
  return ok ? 'yes' : 'NO';
}

function throughputRows({ throughput }: CoreResults): TableRow[] {
  const { bareExpress: base, fakeFileStore: file, fakeMemoryStore: memory } = throughput;
  const fileRatio = file.requestsPerSecond / base.requestsPerSecond;
  return [
    baselineRow('POST /clients, bare Express', perSecond(base.requestsPerSecond)),
    row('POST /clients, fake file store', perSecond(file.requestsPerSecond), {
      ratio: times(file.requestsPerSecond, base.requestsPerSecond),
      target: '>= 1.0x (0.9x required)',
      met: fileRatio >= 1 ? 'yes' : fileRatio >= 0.9 ? 'required only' : 'NO',
    }),
    row('POST /clients, fake memory store', perSecond(memory.requestsPerSecond), {
      ratio: times(memory.requestsPerSecond, base.requestsPerSecond),
    }),
    baselineRow('POST /clients p50, bare Express', ms(base.p50Ms)),
    row('POST /clients p50, fake file store', ms(file.p50Ms), { ratio: times(file.p50Ms, base.p50Ms) }),
    row('POST /clients p50, fake memory store', ms(memory.p50Ms), { ratio: times(memory.p50Ms, base.p50Ms) }),
    baselineRow('POST /clients p99, bare Express', ms(base.p99Ms)),
    row('POST /clients p99, fake file store', ms(file.p99Ms), {
      ratio: times(file.p99Ms, base.p99Ms),
      target: '<= 1.2x',
      met: verdict(file.p99Ms <= 1.2 * base.p99Ms),
    }),
    row('POST /clients p99, fake memory store', ms(memory.p99Ms), { ratio: times(memory.p99Ms, base.p99Ms) }),
  ];
}

function largeStoreRows({ largeStore }: CoreResults): TableRow[] {
  const n = count(largeStore.clients);
  const { getById, listFirstPage, postAtLargeStore: large, postAtEmptyStore: empty } = largeStore;
  const latencies = (summary: LoadSummary): string => `${ms(summary.p50Ms)} / ${ms(summary.p99Ms)}`;
  return [
    row(`GET /clients/{id}, ${n} clients`, perSecond(getById.requestsPerSecond)),
    row(`GET /clients/{id} p50 / p99, ${n} clients`, latencies(getById)),
    row(`GET /clients?limit=20, ${n} clients`, perSecond(listFirstPage.requestsPerSecond)),
    row(`GET /clients?limit=20 p50 / p99, ${n} clients`, latencies(listFirstPage)),
    baselineRow('POST /clients, empty file store', perSecond(empty.requestsPerSecond)),
    row(`POST /clients, ${n} clients (file store)`, perSecond(large.requestsPerSecond), {
      ratio: times(large.requestsPerSecond, empty.requestsPerSecond),
      target: '>= 0.9x empty',
      met: verdict(large.requestsPerSecond >= 0.9 * empty.requestsPerSecond),
    }),
    row(`POST /clients p99, ${n} clients (file store)`, ms(large.p99Ms), { ratio: times(large.p99Ms, empty.p99Ms) }),
  ];
}

function coldStartRows({ coldStart }: CoreResults): TableRow[] {
  const base = coldStart.bareExpress.firstCreatedMs;
  const fakeRow = (label: string, { firstCreatedMs }: ColdStartSummary): TableRow =>
    row(label, ms(firstCreatedMs), {
      ratio: times(firstCreatedMs, base),
      target: '<= 1.1x',
      met: verdict(firstCreatedMs <= 1.1 * base),
    });
  return [
    baselineRow('cold start to first 201, bare Express', ms(base)),
    fakeRow('cold start to first 201, fake file store', coldStart.fakeFileStore),
    fakeRow('cold start to first 201, fake memory store', coldStart.fakeMemoryStore),
  ];
}

function resetRows({ reset }: CoreResults, settings: BenchSettings): TableRow[] {
  const small = count(settings.smallStoreSize);
  const large = count(settings.largeStoreSize);
  const target = '<= 2 ms';
  return [
    row(`POST /__admin/reset p50, ${small} clients (file)`, ms(reset.small.p50Ms), { target, met: verdict(reset.small.p50Ms <= 2) }),
    row(`POST /__admin/reset p99, ${small} clients (file)`, ms(reset.small.p99Ms)),
    row(`POST /__admin/reset p50, ${large} clients (file)`, ms(reset.large.p50Ms)),
    row(`POST /__admin/reset p99, ${large} clients (file)`, ms(reset.large.p99Ms)),
  ];
}

function requestRows({ creates, expiry }: CoreResults): TableRow[] {
  const { client, request, linkedRequest } = creates;
  const vsClients = (measurement: string, summary: LoadSummary): TableRow =>
    row(measurement, perSecond(summary.requestsPerSecond), {
      ratio: times(summary.requestsPerSecond, client.requestsPerSecond),
      target: '>= 0.9x POST /clients',
      met: verdict(summary.requestsPerSecond >= 0.9 * client.requestsPerSecond),
    });
  return [
    baselineRow('POST /clients, fake file store (requests phase)', perSecond(client.requestsPerSecond)),
    vsClients('POST /requests, fake file store', request),
    vsClients('POST /requests with clientId, fake file store', linkedRequest),
    row('POST /requests p50 / p99', `${ms(request.p50Ms)} / ${ms(request.p99Ms)}`, { ratio: times(request.p99Ms, client.p99Ms) }),
    row(`expire ${count(expiry.openRequests)} open requests with one clock advance`, ms(expiry.advanceMs), {
      target: '< 100 ms',
      met: verdict(expiry.advanceMs < 100),
    }),
  ];
}

function webhookRows({ webhooks }: CoreResults): TableRow[] {
  const { without, with: subscribed } = webhooks;
  return [
    baselineRow('POST /clients, no webhook subscription (memory store)', perSecond(without.requestsPerSecond)),
    row('POST /clients, one active subscription (memory store)', perSecond(subscribed.requestsPerSecond), {
      ratio: times(subscribed.requestsPerSecond, without.requestsPerSecond),
      target: '>= 0.8x',
      met: verdict(subscribed.requestsPerSecond >= 0.8 * without.requestsPerSecond),
    }),
    row('POST /clients p99 with / without a subscription', `${ms(subscribed.p99Ms)} / ${ms(without.p99Ms)}`, {
      ratio: times(subscribed.p99Ms, without.p99Ms),
    }),
    row(
      `client.created to the receiver process (${count(webhooks.delivered)} events, ${count(webhooks.missing)} missing after 30 s), p50 / max`,
      `${ms(webhooks.latencyP50Ms)} / ${ms(webhooks.latencyMaxMs)}`,
    ),
    row('client.created to the receiver process, p99', ms(webhooks.latencyP99Ms), {
      target: '<= 20 ms',
      met: verdict(webhooks.latencyP99Ms <= 20 && webhooks.missing === 0),
    }),
  ];
}

function rssRows({ throughput, largeStore, reset }: CoreResults, settings: BenchSettings): TableRow[] {
  const n = count(settings.largeStoreSize);
  const base = throughput.bareExpress.peakRssMb ?? NaN;
  const largeRss = largeStore.peakRssAtLargeStoreMb;
  const vsBare = (measurement: string, value = NaN, extra: Partial<TableRow> = {}): TableRow =>
    row(measurement, mb(value), { ratio: times(value, base), ...extra });
  return [
    baselineRow('peak RSS, bare Express (POST load)', mb(base)),
    vsBare('peak RSS, fake file store (POST load)', throughput.fakeFileStore.peakRssMb),
    vsBare('peak RSS, fake memory store (POST load)', throughput.fakeMemoryStore.peakRssMb),
    vsBare(`peak RSS, ${n} clients (load, GETs)`, largeRss, {
      target: '<= 250 MB',
      met: verdict(largeRss <= 250),
    }),
    vsBare(`peak RSS, ${n} clients + POST load (store grows)`, largeStore.postAtLargeStore.peakRssMb),
    row(`peak RSS, ${n} clients seeded (resets)`, mb(reset.large.peakRssMb)),
  ];
}

/** The scale group's targets (issue on memory and scale), at the two sizes they name. */
const SCALE_TARGETS = {
  peakRssMb: { 100000: 150, 1000000: 1024 } as Record<number, number>,
  startupMs: 2000,
  longestHoldMs: 50,
  orgResetMs: 200,
  createRatio: 0.9,
  createP99Ratio: 1.2,
};
const MILLION = 1_000_000;

function operationValue({ p50Ms, maxMs, longestProbeMs, error }: OperationTiming): string {
  return error === undefined ? `p50 ${ms(p50Ms)}, max ${ms(maxMs)}, hold ${ms(longestProbeMs)}` : `failed: ${error}`;
}

/** The longest probe answer over every operation timed at a size: how long the fake held its event loop (NaN when one failed). */
export function longestHold(size: ScaleSummary): number {
  const { whole, bigOrg, smallOrg } = size.resets;
  return Math.max(...[...size.queries, whole, bigOrg, smallOrg].map((op) => op.longestProbeMs), size.export.longestProbeMs);
}

function scaleCreateRows(n: string, { creates }: ScaleSummary): TableRow[] {
  if (creates === undefined) return [];
  const { bareExpress: base, fake } = creates;
  const ratio = fake.requestsPerSecond / base.requestsPerSecond;
  return [
    baselineRow(`POST /clients, bare Express (scale group, ${n})`, `${perSecond(base.requestsPerSecond)}, p99 ${ms(base.p99Ms)}`),
    row(`POST /clients, fake on ${n} (file store)`, perSecond(fake.requestsPerSecond), {
      ratio: times(fake.requestsPerSecond, base.requestsPerSecond),
      target: '>= 0.9x (1.0x stretch)',
      met: ratio >= 1 ? 'yes' : ratio >= SCALE_TARGETS.createRatio ? 'required only' : 'NO',
    }),
    row(`POST /clients p99, fake on ${n} (file store)`, ms(fake.p99Ms), {
      ratio: times(fake.p99Ms, base.p99Ms),
      target: '<= 1.2x',
      met: verdict(fake.p99Ms <= SCALE_TARGETS.createP99Ratio * base.p99Ms),
    }),
    ...(fake.cpuUsPerAnswer === undefined || base.cpuUsPerAnswer === undefined
      ? []
      : [
          // The server's own CPU time (all its threads) by create: what the throughput ratio comes
          // to when the load generator does not take the server's cores.
          row(
            `POST /clients, server CPU a create, fake on ${n} / bare Express`,
            `${Math.round(fake.cpuUsPerAnswer)} / ${Math.round(base.cpuUsPerAnswer)} us`,
            { ratio: times(base.cpuUsPerAnswer, fake.cpuUsPerAnswer) },
          ),
        ]),
  ];
}

function scaleSizeRows(size: ScaleSummary): TableRow[] {
  const n = `${count(size.clients)} clients`;
  const million = size.clients === MILLION;
  const atMillion = (target: string, ok: boolean): Partial<TableRow> => (million ? { target, met: verdict(ok) } : {});
  const startup = median(size.startupMs);
  const rssTarget = SCALE_TARGETS.peakRssMb[size.clients];
  const { whole, bigOrg, smallOrg } = size.resets;
  const exported = size.export;
  const imported = size.import;
  const hold = longestHold(size);
  const crash = size.crashWindow;
  return [
    row(
      `start-up on the store file, ${n} (median of ${size.startupMs.length})`,
      ms(startup),
      atMillion('<= 2 s', startup <= SCALE_TARGETS.startupMs),
    ),
    row(`first start on a store file the fake did not write (checked in full), ${n}`, ms(size.firstStartMs)),
    row(`RSS idle / peak of start-up, ${n}`, `${mb(size.idleRssMb)} / ${mb(size.startupPeakRssMb)}`),
    row(
      `peak RSS under mixed gets/searches/creates, ${n}`,
      mb(size.mixed.peakRssMb),
      rssTarget === undefined ? {} : { target: million ? '< 1 GB' : `<= ${rssTarget} MB`, met: verdict(size.mixed.peakRssMb <= rssTarget) },
    ),
    row(
      `mixed load (6 gets, 2 searches, 2 creates in 10), ${n}`,
      `${perSecond(size.mixed.requestsPerSecond)}, p50 ${ms(size.mixed.p50Ms)}, p99 ${ms(size.mixed.p99Ms)}`,
    ),
    ...size.queries.map((query) => row(`${query.request}, ${n}`, operationValue(query))),
    row(`${whole.request} after a create, ${n}`, operationValue(whole)),
    row(
      `${bigOrg.request} after a create there, ${n}`,
      operationValue(bigOrg),
      atMillion('< 200 ms', bigOrg.p50Ms < SCALE_TARGETS.orgResetMs),
    ),
    row(
      `${smallOrg.request} (${count(size.smallOrgClients)} clients) after a create there, ${n}`,
      operationValue(smallOrg),
      atMillion('< 200 ms', smallOrg.p50Ms < SCALE_TARGETS.orgResetMs),
    ),
    row(
      `GET /__admin/state (export), ${n}`,
      exported.status === 0
        ? `failed: ${exported.error}`
        : `${exported.status}, ${ms(exported.ms)}, ${mb(exported.megabytes)}, hold ${ms(exported.longestProbeMs)}`,
      atMillion('succeeds', exported.status === 200),
    ),
    row(
      `PUT /__admin/state (import of the generated store file, streamed), ${n}`,
      imported.status === 0
        ? `failed: ${imported.error}`
        : `${imported.status}, ${ms(imported.ms)}, ${mb(imported.megabytes)}, hold ${ms(imported.longestProbeMs)}`,
      atMillion('succeeds', imported.status === 200),
    ),
    row(
      `longest hold of the event loop (any query, reset, export), ${n}`,
      ms(hold),
      atMillion('<= 50 ms', hold <= SCALE_TARGETS.longestHoldMs),
    ),
    row(`longest hold while creating ${crash.createsPerSecond}/s (write-behind), ${n}`, ms(crash.longestProbeMs)),
    row(
      `crash window: acknowledged creates lost, SIGKILL ${ms(crash.killAfterLastAckMs)} after the last 201, ${n}`,
      `${count(crash.lost)} of ${count(crash.acknowledged)}${crash.lost === 0 ? '' : `, the oldest ${ms(crash.oldestLostAgeMs)} before the kill`}` +
        (crash.unanswered === 0 ? '' : ` (${count(crash.unanswered)} creates unanswered)`),
      { target: 'none (window < 1 s)', met: verdict(crash.lost === 0) },
    ),
    ...scaleCreateRows(n, size),
  ];
}

function coreRows(core: CoreResults, settings: BenchSettings): TableRow[] {
  return [
    ...throughputRows(core),
    ...largeStoreRows(core),
    ...coldStartRows(core),
    ...resetRows(core, settings),
    ...requestRows(core),
    ...webhookRows(core),
    ...rssRows(core, settings),
  ];
}

/** The table's rows, in the order printed. */
export function tableRows({ core, scale }: BenchResults, settings: BenchSettings): TableRow[] {
  return [...(core === undefined ? [] : coreRows(core, settings)), ...scale.flatMap(scaleSizeRows)];
}

/** Answers with an unexpected status (e.g. 429) or connection errors over every load run; should be 0. */
export function countUnexpectedAnswers({ core, scale }: BenchResults): number {
  const summaries: { unexpected: number }[] = scale.flatMap((size) => [
    size.mixed,
    ...(size.creates === undefined ? [] : [size.creates.bareExpress, size.creates.fake]),
  ]);
  if (core !== undefined) {
    const { throughput, largeStore, creates, webhooks } = core;
    summaries.push(
      ...Object.values(throughput),
      ...Object.values(creates),
      webhooks.without,
      webhooks.with,
      largeStore.getById,
      largeStore.listFirstPage,
      largeStore.postAtLargeStore,
      largeStore.postAtEmptyStore,
    );
  }
  return summaries.reduce((sum, summary) => sum + summary.unexpected, 0);
}

/** Renders rows as an aligned plain-text table with a header line. */
export function formatTable(rows: readonly TableRow[]): string {
  const header: TableRow = { measurement: 'measurement', value: 'value', ratio: 'ratio', target: 'target', met: 'met?' };
  const columns = Object.keys(header) as (keyof TableRow)[];
  const widths = columns.map((column) => Math.max(...[header, ...rows].map((r) => r[column].length)));
  const line = (r: TableRow): string =>
    columns
      .map((column, i) => r[column].padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Writes every figure, the settings, the table and the machine facts to bench/results/latest.json. */
export async function writeResultsFile(
  machine: MachineFacts,
  settings: BenchSettings,
  options: { rateLimitDisabled: boolean; logLevel: string; fakeLaunch: NodeLaunch },
  results: BenchResults,
  rows: readonly TableRow[],
): Promise<string> {
  await mkdir(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  const report = { machine, settings, options, table: rows, results };
  await writeFile(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  return RESULTS_FILE;
}
