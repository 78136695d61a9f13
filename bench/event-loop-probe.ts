// How long an operation holds the fake's event loop: a probe in a process of its own sends GET /__admin/health back to back on a connection of its own while it runs.
//
// The probe runs apart from the bench's process, whose own event loop is busy with the operation
// (reading a 481 MB export, say): a probe on that loop would time the bench's waiting, not the fake's.
import { type ChildProcess, fork } from 'node:child_process';

/** The cheapest request the fake answers: no API key, no record read. */
export const PROBE_PATH = '/__admin/health';

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

/** What the probe process reports: ready (its connection open), then its figures, or why it failed. */
export type ProbeReport = { ready: true } | { longestProbeMs: number; probes: number; resets: number } | { error: string };

/** The next report of the probe process; rejects when it stops first. */
function nextReport(child: ChildProcess): Promise<ProbeReport> {
  return new Promise((resolve, reject) => {
    const onMessage = (report: ProbeReport): void => {
      done();
      if ('error' in report) reject(new Error(report.error));
      else resolve(report);
    };
    const onExit = (code: number | null): void => {
      done();
      reject(new Error(`the probe process stopped (exit code ${code})`));
    };
    const done = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/**
 * Runs `operation` while a probe process sends `GET /__admin/health` to `url` back to back on its
 * own kept-alive connection, and reports the longest probe answer: how long the fake could not
 * answer anything else (a probe's own round trip is about a millisecond).
 *
 * @example
 * const { result, longestProbeMs } = await whileProbing(server.url, () => countRequest(server.url, sortByName));
 */
export async function whileProbing<T>(url: string, operation: () => Promise<T>): Promise<Probed<T>> {
  // The bench runs under tsx: the child inherits its loader through execArgv.
  const child = fork(new URL('./probe-process.ts', import.meta.url), [url, PROBE_PATH], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    // The probe's connection is open before the operation starts, so no probe pays for a handshake.
    await nextReport(child);
    const result = await operation();
    const figures = nextReport(child);
    child.send('stop');
    const report = await figures;
    if (!('probes' in report)) throw new Error('the probe process answered out of turn');
    return { result, ...report };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
