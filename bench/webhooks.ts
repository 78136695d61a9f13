// POST /clients with one active webhook subscription against none (memory store), and how long each
// client.created event takes to reach a local receiver under that load.
import { Worker } from 'node:worker_threads';
import { measureLoad, type LoadResult } from './load.js';
import { describeRound, summariseRounds, type LoadSummary } from './load-summary.js';
import { withServer } from './processes.js';
import { logProgress } from './progress.js';
import { fakeArgs } from './servers.js';
import type { BenchContext } from './settings.js';
import { percentile } from './stats.js';
import { POST_CLIENT } from './throughput.js';

/** The webhooks measurement. */
export interface WebhookSummary {
  /** POST /clients without any subscription, and with one (org_acme's, every event, to the receiver). */
  without: LoadSummary;
  with: LoadSummary;
  /** Events received during the measured seconds of the rounds with a subscription. */
  delivered: number;
  /** From the event's time (the client's createdAt, on the system clock) to its arrival, over every round. */
  latencyP50Ms: number;
  latencyP99Ms: number;
}

// The receiver runs in a worker thread: its own event loop, so that autocannon's does not delay it.
const RECEIVER = `
const { parentPort } = require('node:worker_threads');
const { createServer } = require('node:http');
let since = Infinity;
let latencies = [];
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const arrived = Date.now();
    const createdAt = Date.parse(JSON.parse(Buffer.concat(chunks).toString()).data.createdAt);
    if (createdAt >= since) latencies.push(arrived - createdAt);
    res.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message.since !== undefined) { since = message.since; latencies = []; }
  if (message.collect) parentPort.postMessage({ latencies });
});
`;

function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise((resolve) => worker.once('message', resolve));
}

/**
 * Measures POST /clients on a fresh memory-store fake with and without `--webhook`, the order
 * reversed every round, and the delivery latency of the events of the measured seconds.
 *
 * @example
 * const { with: subscribed, without, latencyP99Ms } = await measureWebhooks(context);
 */
export async function measureWebhooks(context: BenchContext): Promise<WebhookSummary> {
  const worker = new Worker(RECEIVER, { eval: true });
  try {
    const { port } = await nextMessage<{ port: number }>(worker);
    const url = `http://127.0.0.1:${port}/hooks`;
    const rounds: Record<'without' | 'with', LoadResult[]> = { without: [], with: [] };
    const latencies: number[] = [];
    const { load } = context.settings;
    for (let round = 0; round < context.settings.rounds; round++) {
      for (const kind of round % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const)) {
        const args = [...fakeArgs({ db: 'memory' }), ...(kind === 'with' ? ['--webhook', url] : [])];
        const { result } = await withServer(args, async (server) => {
          // Only events made after the warm-up count; a second to drain what is still on its way.
          worker.postMessage({ since: Date.now() + load.warmupSeconds * 1000 });
          const measured = await measureLoad(server.url, POST_CLIENT, load);
          await new Promise((resolve) => setTimeout(resolve, 1000));
          worker.postMessage({ collect: true });
          const { latencies: received } = await nextMessage<{ latencies: number[] }>(worker);
          if (kind === 'with') latencies.push(...received);
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
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
    };
  } finally {
    await worker.terminate();
  }
}
