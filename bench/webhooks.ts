// POST /clients with one active webhook subscription against none (memory store), and how long each
// client.created event takes to reach a local receiver under that load. The receiver is a process
// of its own, like the load generator: it shares no event loop with the fake nor with autocannon.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { measureLoad, type LoadResult } from './load.js';
import { describeRound, summariseRounds, type LoadSummary } from './load-summary.js';
import { withServer } from './processes.js';
import { logProgress } from './progress.js';
import { fakeCommand } from './servers.js';
import type { BenchContext } from './settings.js';
import { percentile } from './stats.js';
import { POST_CLIENT } from './throughput.js';

const RECEIVER = fileURLToPath(new URL('./webhook-receiver.js', import.meta.url));
/** How long the events of a measured run may take to arrive after it, before they count as missing. */
const DRAIN_TIMEOUT_MS = 30_000;

/** The webhooks measurement. */
export interface WebhookSummary {
  /** POST /clients without any subscription, and with one (org_acme's, every event, to the receiver). */
  without: LoadSummary;
  with: LoadSummary;
  /** Events of the measured seconds that reached the receiver, over the rounds with a subscription. */
  delivered: number;
  /** Events of the measured seconds that had not reached it 30 s after the run (the backlog). */
  missing: number;
  /** From the event's time (the client's createdAt, on the system clock) to its arrival, over every round. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
}

interface ReceiverMessage {
  port?: number;
  latencies?: number[];
}

function nextMessage(receiver: ChildProcess): Promise<ReceiverMessage> {
  return new Promise((resolve) => receiver.once('message', (message) => resolve(message as ReceiverMessage)));
}

/** Latencies of the events created since the last `since`, once `expected` arrived or the drain timed out. */
async function collect(receiver: ChildProcess, expected: number): Promise<number[]> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    receiver.send({ report: true });
    const { latencies = [] } = await nextMessage(receiver);
    if (latencies.length >= expected || Date.now() > deadline) return latencies;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Measures POST /clients on a fresh memory-store fake with and without `--webhook`, the order
 * reversed every round, and the delivery latency of every event of the measured seconds.
 *
 * @example
 * const { with: subscribed, without, latencyP99Ms } = await measureWebhooks(context);
 */
export async function measureWebhooks(context: BenchContext): Promise<WebhookSummary> {
  const receiver = fork(RECEIVER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const { port } = await nextMessage(receiver);
    const url = `http://127.0.0.1:${port}/hooks`;
    const rounds: Record<'without' | 'with', LoadResult[]> = { without: [], with: [] };
    const latencies: number[] = [];
    let missing = 0;
    const { load } = context.settings;
    for (let round = 0; round < context.settings.rounds; round++) {
      for (const kind of round % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const)) {
        const command = fakeCommand({ db: 'memory' }, context.settings.fakeLaunch, kind === 'with' ? ['--webhook', url] : []);
        const { result } = await withServer(command, async (server) => {
          await measureLoad(server.url, POST_CLIENT, { ...load, durationSeconds: load.warmupSeconds, warmupSeconds: 0 });
          // Only the events of the measured seconds count, each of them: the run waits for the last.
          receiver.send({ since: Date.now() });
          const measured = await measureLoad(server.url, POST_CLIENT, { ...load, warmupSeconds: 0 });
          if (kind === 'with') {
            const received = await collect(receiver, measured.answered);
            latencies.push(...received);
            missing += Math.max(0, measured.answered - received.length);
          }
          return measured;
        });
        rounds[kind].push(result);
        logProgress(`webhooks round ${round + 1}/${context.settings.rounds} ${kind} a subscription: ${describeRound(result)}`);
      }
    }
    return {
      without: summariseRounds(rounds.without),
      with: summariseRounds(rounds.with),
      delivered: latencies.length,
      missing,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      latencyMaxMs: percentile(latencies, 100),
    };
  } finally {
    receiver.disconnect();
  }
}
