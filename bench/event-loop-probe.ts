// How long an operation holds the fake's event loop: a probe sends GET /__admin/health back to back on a connection of its own while it runs.
import { Agent } from 'node:http';
import { countRequest, type CountedAnswer } from './http-request.js';

/** The cheapest request the fake answers: no API key, no record read. */
const PROBE_PATH = '/__admin/health';

/** An operation's result and what the probe saw while it ran. */
export interface Probed<T> {
  result: T;
  /** The longest probe answer that was in flight while the operation ran, in ms. */
  longestProbeMs: number;
  /** Probe answers in that time. */
  probes: number;
  /** Probes whose kept-alive connection the fake closed during a stall (each tried again on a new one). */
  resets: number;
}

/**
 * Runs `operation` while a probe sends `GET /__admin/health` to `url` back to back on its own
 * kept-alive connection, and reports the longest probe answer: how long the fake could not answer
 * anything else (a probe's own round trip is about a millisecond).
 *
 * @example
 * const { result, longestProbeMs } = await whileProbing(server.url, () => countRequest(server.url, sortByName));
 */
export async function whileProbing<T>(url: string, operation: () => Promise<T>): Promise<Probed<T>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let resets = 0;
  const send = () => countRequest(url, { method: 'GET', path: PROBE_PATH, agent });
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
    if (answer.status !== 200) throw new Error(`GET ${PROBE_PATH} answered ${answer.status}`);
    return performance.now() - startedAt;
  };
  try {
    // The connection is open before the operation starts, so no probe pays for a handshake.
    await probeOnce();
    let running = true;
    let longestProbeMs = 0;
    let probes = 0;
    const probing = (async (): Promise<unknown> => {
      try {
        while (running) {
          longestProbeMs = Math.max(longestProbeMs, await probeOnce());
          probes++;
        }
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    let result: T;
    try {
      result = await operation();
    } finally {
      running = false;
    }
    // The probe in flight when the operation ended counts too: it waited on the same loop.
    const probeFailure = await probing;
    if (probeFailure !== undefined) throw probeFailure;
    return { result, longestProbeMs, probes, resets };
  } finally {
    agent.destroy();
  }
}
