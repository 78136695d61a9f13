// The crash window of write-behind: creates at a steady rate, SIGKILL one second after the last 201, a restart on the same file, and the acknowledged creates it lost.
import { copyFile, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { whileProbing } from './event-loop-probe.js';
import { sendRequest, type Answer } from './http-request.js';
import { startServer } from './processes.js';
import { logProgress } from './progress.js';
import { API_KEY, CLIENT_BODY, fakeCommand, JSON_HEADERS, type ServerCommand } from './servers.js';
import type { RunContext } from './settings.js';

/** Creates a second, for `CREATE_SECONDS`, each sent on time whatever the previous ones are doing. */
const CREATES_PER_SECOND = 50;
const CREATE_SECONDS = 3;
/** How long after the last 201 the fake is killed. */
const KILL_AFTER_LAST_ACK_MS = 1000;

/** What one crash lost. */
export interface CrashWindowResult {
  createsPerSecond: number;
  /** Creates answered 201 before the kill. */
  acknowledged: number;
  /** Creates whose connection failed (never acknowledged, so never counted as lost). */
  unanswered: number;
  /** Of those, the ones missing after the restart. */
  lost: number;
  /** From the last 201 to the SIGKILL, as it happened (the aim is 1,000 ms). */
  killAfterLastAckMs: number;
  /** From the oldest lost 201 to the SIGKILL: how old an acknowledged create can be and still be lost (0 when none was). */
  oldestLostAgeMs: number;
  /** The longest GET /__admin/health while the creates were sent: write-behind's own hold on the event loop. */
  longestProbeMs: number;
}

interface Acknowledged {
  id: string;
  at: number;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Sends the creates on schedule (not one after another: a slow answer does not slow the rate) and collects the 201s. */
async function createSteadily(url: string): Promise<{ acknowledged: Acknowledged[]; unanswered: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const intervalMs = 1000 / CREATES_PER_SECOND;
  const startedAt = performance.now();
  const acknowledged: Acknowledged[] = [];
  let unanswered = 0;
  const sendOne = async (): Promise<void> => {
    let answer: Answer;
    try {
      answer = await sendRequest(url, { method: 'POST', path: '/clients', headers: JSON_HEADERS, body: CLIENT_BODY, agent });
    } catch {
      // A connection closed under it (a stall longer than the keep-alive timeout): not acknowledged.
      unanswered++;
      return;
    }
    if (answer.status !== 201) throw new Error(`POST /clients answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    acknowledged.push({ id: (JSON.parse(answer.body) as { id: string }).id, at: performance.now() });
  };
  const sent: Promise<void>[] = [];
  try {
    for (let n = 0; n < CREATES_PER_SECOND * CREATE_SECONDS; n++) {
      await delay(startedAt + n * intervalMs - performance.now());
      sent.push(sendOne());
    }
    await Promise.all(sent);
    return { acknowledged, unanswered };
  } finally {
    agent.destroy();
  }
}

/** Starts the fake, sends the creates while probing, and SIGKILLs it one second after the last 201. */
async function createThenKill(command: ServerCommand) {
  const server = await startServer(command);
  try {
    const { result, longestProbeMs } = await whileProbing(server.url, () => createSteadily(server.url));
    const { acknowledged, unanswered } = result;
    const lastAckAt = Math.max(...acknowledged.map((create) => create.at));
    await delay(lastAckAt + KILL_AFTER_LAST_ACK_MS - performance.now());
    const killedAt = performance.now();
    await server.kill();
    return { acknowledged, unanswered, longestProbeMs, killedAt, killAfterLastAckMs: killedAt - lastAckAt };
  } finally {
    // Already gone unless something failed first.
    await server.kill();
  }
}

async function missingAfterRestart(command: ServerCommand, acknowledged: readonly Acknowledged[]): Promise<Acknowledged[]> {
  const server = await startServer(command);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const missing: Acknowledged[] = [];
    for (const create of acknowledged) {
      const answer = await sendRequest(server.url, {
        method: 'GET',
        path: `/clients/${create.id}`,
        headers: { 'x-api-key': API_KEY },
        agent,
      });
      if (answer.status === 404) missing.push(create);
      else if (answer.status !== 200) throw new Error(`GET /clients/${create.id} answered ${answer.status} after the restart`);
    }
    return missing;
  } finally {
    agent.destroy();
    await server.stop();
  }
}

/**
 * On a fresh copy of `storeFile` (write-behind, the default): creates at a steady rate, SIGKILL
 * one second after the last 201, a restart on the same file, and how many of the acknowledged
 * creates are missing.
 *
 * @example
 * const { lost, oldestLostAgeMs } = await measureCrashWindow(context, '/tmp/bench/clients-1000000.json');
 */
export async function measureCrashWindow(context: RunContext, storeFile: string): Promise<CrashWindowResult> {
  const db = context.freshPath('crash-window');
  await copyFile(storeFile, db);
  const command = fakeCommand({ db, seed: 'none' }, context.settings.fakeLaunch);
  let crash: Awaited<ReturnType<typeof createThenKill>>;
  let lost: Acknowledged[];
  try {
    crash = await createThenKill(command);
    lost = await missingAfterRestart(command, crash.acknowledged);
  } finally {
    await rm(db, { force: true });
  }
  const { acknowledged, killedAt } = crash;
  const oldestLostAt = Math.min(...lost.map((create) => create.at));
  const result = {
    createsPerSecond: CREATES_PER_SECOND,
    acknowledged: acknowledged.length,
    unanswered: crash.unanswered,
    lost: lost.length,
    killAfterLastAckMs: crash.killAfterLastAckMs,
    oldestLostAgeMs: lost.length === 0 ? 0 : killedAt - oldestLostAt,
    longestProbeMs: crash.longestProbeMs,
  };
  logProgress(
    `  crash window: ${result.lost} of ${result.acknowledged} acknowledged creates lost by a SIGKILL ${result.killAfterLastAckMs.toFixed(0)} ms after the last` +
      (result.lost === 0 ? '' : ` (the oldest lost was ${result.oldestLostAgeMs.toFixed(0)} ms old)`),
  );
  return result;
}
