// `npm run crash-loop [-- --iterations N]`: SIGKILLs the built CLI in the middle of write bursts, restarts it on the same file, and counts what survived.
//
// Each iteration: a burst of concurrent creates, clients and verification requests (most of them
// linked to a client, which raises its requestCount in the same store write); SIGKILL once a
// chosen number of them has been answered 201; the store file must still parse, and every client's
// requestCount must equal the number of its requests in it (never one without the other); a new
// server must start on it; and, when the killed server ran with --durable, every client and
// request whose 201 arrived must be there. Shared with test/crash-safety.test.ts.
import { readdirSync, readFileSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startCli, type RunningCli } from '../test/support/cli.js';
import { KEYS } from '../test/support/fixture-keys.js';
import { stopServersOnExit } from '../test/support/processes.js';
import { jsonRequest, keepAliveAgent } from '../test/support/raw-http.js';

/** Starts the built CLI on `db` (no seed, no rate limit). */
export function startOnFile(db: string, durable: boolean): Promise<RunningCli> {
  return startCli([
    '--port',
    '0',
    '--db',
    db,
    '--seed',
    'none',
    '--rate-limit',
    '0',
    '--log-level',
    'warn',
    ...(durable ? ['--durable'] : []),
  ]);
}

/**
 * When the kill comes: as the `killAfter`th 201 arrives, or at the first store write after it
 * (when the store's temporary file appears), to land inside a write.
 */
export type KillTrigger = 'acknowledged' | 'store-write';

/** What one crash did. */
export interface CrashResult {
  durable: boolean;
  killOn: KillTrigger;
  /** The kill left the store's temporary file behind: it landed inside a write. */
  killedMidWrite: boolean;
  /** Creates answered 201 before the connection died (clients and requests). */
  acknowledged: number;
  /** Request creates among them. */
  requestsAcknowledged: number;
  /** Acknowledged clients and requests missing after the restart. */
  lost: string[];
  /** Milliseconds from the first lost 201 to the last 201 received (0 when nothing was lost): how much acknowledged time the crash lost. */
  lostWindowMs: number;
  /** Acknowledged clients and requests whose stored record differs from the 201's body. */
  changed: string[];
  /** Clients in the file whose requestCount is not the number of their requests in the file: `id: count vs requests`. */
  countMismatches: string[];
  /** Answers other than 201 before the kill (there should be none). */
  unexpected: string[];
  /** Clients in the file after the crash. */
  clientsInFile: number;
  /** Requests in the file after the crash. */
  requestsInFile: number;
}

/** Thrown when the file does not parse or the server does not start again: the crash broke the store. */
export class CrashBrokeStore extends Error {
  override name = 'CrashBrokeStore';
}

/** The store file as the crash left it: what the checks read of it. */
interface StoreFile {
  clients: { id: string; requestCount: number }[];
  requests: { id: string; clientId: string | null }[];
}

function readStoreFile(db: string): StoreFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(db, 'utf8'));
  } catch (error) {
    throw new CrashBrokeStore(`store file ${db} does not parse after SIGKILL: ${(error as Error).message}`);
  }
  const { clients, requests = [] } = data as { clients?: unknown; requests?: unknown };
  if (!Array.isArray(clients)) throw new CrashBrokeStore(`store file ${db} has no clients list after SIGKILL`);
  if (!Array.isArray(requests)) throw new CrashBrokeStore(`store file ${db} has a requests entry that is no list after SIGKILL`);
  return { clients, requests } as StoreFile;
}

/** Clients whose requestCount differs from the number of requests that link them. */
function countMismatches(file: StoreFile): string[] {
  const linked = new Map<string, number>();
  for (const r of file.requests) if (r.clientId !== null) linked.set(r.clientId, (linked.get(r.clientId) ?? 0) + 1);
  return file.clients
    .filter((c) => c.requestCount !== (linked.get(c.id) ?? 0))
    .map((c) => `${c.id}: requestCount ${c.requestCount} vs ${linked.get(c.id) ?? 0} requests`);
}

/** The keys of `stored` that the 201 answered (a stored request also holds its detail, config and third parties). */
function answeredPart(stored: unknown, answered: unknown): Record<string, unknown> {
  const record = stored as Record<string, unknown>;
  return Object.fromEntries(Object.keys(answered as object).map((key) => [key, record[key]]));
}

/** What the `n`th create of a burst sends: a client, or a request for one of `linkTo` (one in six for none). */
function burstCreate(n: number, linkTo: readonly string[]): { path: string; body: Record<string, unknown> } {
  if (n % 2 === 0) return { path: '/clients', body: { nameFirst: `Burst ${n}`, externalId: `burst-${n}`, metadata: { n } } };
  const clientId = n % 6 === 5 || linkTo.length === 0 ? undefined : linkTo[(n >> 1) % linkTo.length];
  return {
    path: '/requests',
    body: { type: 'kyc', requirements: ['document', 'person'], config: { n }, ...(clientId === undefined ? {} : { clientId }) },
  };
}

/**
 * Files beside the store file and its lock: the temporary file of a write in progress (the folder
 * holds nothing else).
 */
function besideStore(db: string): string[] {
  return readdirSync(dirname(db)).filter((name) => name !== basename(db) && name !== `${basename(db)}.lock`);
}

/**
 * Sends creates `inFlight` at a time to `server`, SIGKILLs it once `killAfter` of them have been
 * answered 201 (at once, or at the next store write), checks the file, and starts a new server on
 * it (in `nextDurable` mode). `db` must be alone in its folder: any other file there is taken for
 * the temporary file of a write. Resolves with the new server and what happened; throws {@link CrashBrokeStore} when the file
 * does not parse or the new server does not start.
 *
 * @example
 * const { next, result } = await crashOnce(server, { db, durable: true, killAfter: 100, killOn: 'acknowledged', inFlight: 32, nextDurable: false, linkTo: [] });
 */
export async function crashOnce(
  server: RunningCli,
  settings: {
    db: string;
    durable: boolean;
    killAfter: number;
    killOn: KillTrigger;
    inFlight: number;
    nextDurable: boolean;
    /** Clients the burst's requests link (they must exist before it). */
    linkTo: readonly string[];
  },
): Promise<{ next: RunningCli; result: CrashResult }> {
  const agent = keepAliveAgent(settings.inFlight);
  const acknowledged = new Map<string, unknown>();
  let requestsAcknowledged = 0;
  const arrivedAt = new Map<string, number>();
  const unexpected: string[] = [];
  let killed = false;
  let sent = 0;
  let watcher: FSWatcher | undefined;
  const kill = (): void => {
    if (killed) return;
    killed = true;
    void server.kill();
    watcher?.close();
  };
  // A temporary file an earlier kill left behind would pass for a write in progress.
  for (const name of besideStore(settings.db)) rmSync(join(dirname(settings.db), name), { force: true });
  const armed = (): void => {
    if (settings.killOn === 'acknowledged') kill();
    // Any change in the store's folder is a write under way (whatever the writer names its temporary file).
    else watcher ??= watch(dirname(settings.db), kill);
  };
  const worker = async (): Promise<void> => {
    // Keep writing until the connection dies: the kill lands in the middle of the burst.
    for (;;) {
      const n = sent++;
      let answer: Awaited<ReturnType<typeof jsonRequest>>;
      const create = burstCreate(n, settings.linkTo);
      try {
        answer = await jsonRequest(server.url, 'POST', create.path, { agent, key: KEYS.acme, body: create.body });
      } catch {
        if (!killed) unexpected.push(`request ${n} failed before the kill`);
        return;
      }
      if (answer.status === 201) {
        acknowledged.set(answer.body.id, answer.body);
        if (create.path === '/requests') requestsAcknowledged++;
        arrivedAt.set(answer.body.id, performance.now());
        if (acknowledged.size >= settings.killAfter) armed();
      } else if (!killed) {
        unexpected.push(`${answer.status} ${answer.text.slice(0, 200)}`);
        kill();
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: settings.inFlight }, worker));
  kill();
  await server.exited;
  agent.destroy();
  const killedMidWrite = besideStore(settings.db).length > 0;

  const inFile = readStoreFile(settings.db);
  let next: RunningCli;
  try {
    next = await startOnFile(settings.db, settings.nextDurable);
  } catch (error) {
    throw new CrashBrokeStore(`the server did not start again on ${settings.db}: ${(error as Error).message}`);
  }
  let stored: Map<string, unknown>;
  try {
    const state = await jsonRequest(next.url, 'GET', '/__admin/state');
    const records = [...state.body.clients, ...state.body.requests] as { id: string }[];
    stored = new Map<string, unknown>(records.map((r) => [r.id, r]));
  } catch (error) {
    await next.stop();
    throw error;
  }
  const lost = [...acknowledged.keys()].filter((id) => !stored.has(id));
  const firstLost = Math.min(...lost.map((id) => arrivedAt.get(id) as number));
  const lastAcknowledged = Math.max(...arrivedAt.values());
  const changed = [...acknowledged]
    .filter(([id, body]) => stored.has(id) && JSON.stringify(answeredPart(stored.get(id), body)) !== JSON.stringify(body))
    .map(([id]) => id);
  return {
    next,
    result: {
      durable: settings.durable,
      killOn: settings.killOn,
      killedMidWrite,
      acknowledged: acknowledged.size,
      requestsAcknowledged,
      lost,
      lostWindowMs: lost.length === 0 ? 0 : lastAcknowledged - firstLost,
      changed,
      countMismatches: countMismatches(inFile),
      unexpected,
      clientsInFile: inFile.clients.length,
      requestsInFile: inFile.requests.length,
    },
  };
}

/** Iteration `i` runs durable when odd, write-behind when even. */
export function durableAt(i: number): boolean {
  return i % 2 === 1;
}

/** Two iterations of each mode in four kill at once, two at the next store write. */
export function killTriggerAt(i: number): KillTrigger {
  return i % 4 < 2 ? 'acknowledged' : 'store-write';
}

/**
 * How many 201s the `i`th iteration waits for before the kill: varied, so that kills land at
 * different points; write-behind bursts are longer so that several background writes happen.
 */
export function killPoint(i: number): number {
  return durableAt(i) ? 20 + ((i * 53) % 160) : 150 + ((i * 197) % 900);
}

/**
 * Runs `iterations` crashes on one store file, alternating write-behind and --durable, and stops
 * the last server gracefully. Resolves with every iteration's result.
 */
export async function crashLoop(
  db: string,
  iterations: number,
  onResult: (i: number, result: CrashResult) => void = () => undefined,
): Promise<CrashResult[]> {
  // The file exists (with the clients the bursts' requests link) before the first burst: a crash
  // before the first write would otherwise leave nothing to check.
  const first = await startOnFile(db, false);
  const linkTo: string[] = [];
  for (let i = 0; i < 3; i++) {
    const warm = await jsonRequest(first.url, 'POST', '/clients', { key: KEYS.acme, body: { nameFirst: `Before the bursts ${i}` } });
    if (warm.status !== 201) throw new Error(`warm-up create answered ${warm.status}`);
    linkTo.push(warm.body.id);
  }
  await first.stop();

  let server = await startOnFile(db, durableAt(0));
  const results: CrashResult[] = [];
  try {
    for (let i = 0; i < iterations; i++) {
      const { next, result } = await crashOnce(server, {
        db,
        durable: durableAt(i),
        killAfter: killPoint(i),
        killOn: killTriggerAt(i),
        inFlight: 32,
        nextDurable: durableAt(i + 1),
        linkTo,
      });
      server = next;
      results.push(result);
      onResult(i, result);
    }
  } finally {
    await server.stop();
  }
  return results;
}

async function main(argv: readonly string[]): Promise<number> {
  let iterations = 50;
  if (argv[0] === '--iterations' && argv[1] !== undefined && Number.isInteger(Number(argv[1]))) iterations = Number(argv[1]);
  else if (argv.length > 0) throw new Error('usage: npm run crash-loop [-- --iterations N]');
  stopServersOnExit('crash-loop');
  const dir = await mkdtemp(join(tmpdir(), 'athenty-fake-crash-'));
  const db = join(dir, 'db.json');
  console.log(
    `crash-loop: ${iterations} SIGKILLs in write bursts (32 creates of clients and linked requests in flight), alternating write-behind and --durable, store ${db}`,
  );
  const started = performance.now();
  let results: CrashResult[];
  try {
    results = await crashLoop(db, iterations, (i, r) => {
      console.log(
        `  #${String(i + 1).padStart(2)} ${r.durable ? 'durable     ' : 'write-behind'} killed ${(r.killOn === 'acknowledged' ? 'at once' : 'at a write').padEnd(10)} after ${String(r.acknowledged).padStart(4)} acknowledged${r.killedMidWrite ? ' (mid-write)' : '            '}; ` +
          `${String(r.clientsInFile).padStart(5)} clients, ${String(r.requestsInFile).padStart(5)} requests in the file; lost ${r.lost.length}${r.lost.length > 0 ? ` (the last ${Math.round(r.lostWindowMs)} ms)` : ''}${r.countMismatches.length > 0 ? `; COUNT MISMATCH: ${r.countMismatches.join('; ')}` : ''}${r.unexpected.length > 0 ? `; UNEXPECTED: ${r.unexpected.join('; ')}` : ''}`,
      );
    });
  } catch (error) {
    console.error(`crash-loop: ${(error as Error).message}`);
    return 1;
  }
  const sum = (list: CrashResult[], pick: (r: CrashResult) => number): number => list.reduce((total, r) => total + pick(r), 0);
  const durable = results.filter((r) => r.durable);
  const behind = results.filter((r) => !r.durable);
  const lostDurable = sum(durable, (r) => r.lost.length + r.changed.length);
  const unexpected = sum(results, (r) => r.unexpected.length);
  const mismatches = sum(results, (r) => r.countMismatches.length);
  console.log('');
  console.log(`iterations                   ${results.length} (${durable.length} durable, ${behind.length} write-behind)`);
  console.log(
    `acknowledged writes          ${sum(results, (r) => r.acknowledged)} (${sum(durable, (r) => r.acknowledged)} durable, ${sum(behind, (r) => r.acknowledged)} write-behind)`,
  );
  console.log(`of which requests             ${sum(results, (r) => r.requestsAcknowledged)}`);
  console.log(`lost in durable mode         ${lostDurable}   (must be 0)`);
  console.log(`requestCount mismatches      ${mismatches}   (must be 0: a count always moves with its request)`);
  const windows = behind.map((r) => r.lostWindowMs).sort((a, b) => a - b);
  console.log(
    `lost in write-behind mode    ${sum(behind, (r) => r.lost.length)}   (allowed: the creates acknowledged shortly before the kill)`,
  );
  console.log(
    `write-behind loss window     median ${Math.round(windows[windows.length >> 1] ?? 0)} ms, max ${Math.round(windows[windows.length - 1] ?? 0)} ms (first lost 201 to last 201)`,
  );
  console.log(`kills inside a store write   ${results.filter((r) => r.killedMidWrite).length} (the temporary file was left behind)`);
  console.log(`store file parsed            ${results.length}/${results.length}`);
  console.log(`restarts OK                  ${results.length}/${results.length}`);
  console.log(`answers other than 201       ${unexpected}`);
  console.log(`time                         ${((performance.now() - started) / 1000).toFixed(1)} s`);
  rmSync(dir, { recursive: true, force: true });
  return lostDurable === 0 && unexpected === 0 && mismatches === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`crash-loop: ${(error as Error).stack ?? String(error)}`);
      process.exit(1);
    },
  );
}
