// The probe process of event-loop-probe.ts: sends GET PATH to URL back to back on one kept-alive
// connection until told to stop, then reports the longest answer. Usage (forked): probe-process.ts URL PATH
import { Agent } from 'node:http';
import type { ProbeReport } from './event-loop-probe.js';
import { countRequest, type CountedAnswer } from './http-request.js';

const [url, path] = process.argv.slice(2) as [string, string];
/** Sends a report; resolves once it is on its way (a process that disconnected at once could drop it). */
const report = (message: ProbeReport): Promise<void> =>
  new Promise((resolve) => {
    process.send?.(message, undefined, {}, () => resolve());
  });
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
let resets = 0;
const send = () => countRequest(url, { method: 'GET', path, agent });
const probeOnce = async (): Promise<number> => {
  const startedAt = performance.now();
  let answer: CountedAnswer;
  try {
    answer = await send();
  } catch (error) {
    // After a stall longer than the fake's keep-alive timeout, Node's timer closes the idle
    // connection before the probe sent meanwhile is read: one more try on a new connection,
    // timed from the first send, says how long the stall was.
    if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') throw error;
    resets++;
    answer = await send();
  }
  if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}`);
  return performance.now() - startedAt;
};

let running = true;
process.once('message', () => {
  running = false;
});
try {
  await probeOnce();
  await report({ ready: true });
  let longestProbeMs = 0;
  let probes = 0;
  // The probe in flight when the operation ended counts too: it waited on the same loop.
  while (running) {
    longestProbeMs = Math.max(longestProbeMs, await probeOnce());
    probes++;
  }
  await report({ longestProbeMs, probes, resets });
} catch (error) {
  await report({ error: (error as Error).message });
} finally {
  agent.destroy();
  process.disconnect?.();
}
