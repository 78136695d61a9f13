// Server processes for the benchmark: started and stopped through the shared spawner, with peak RSS read from /proc.
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnServer, type ServerProcess } from '../test/support/processes.js';
import type { ServerCommand } from './servers.js';

/** A server process that printed its ready line. */
export type RunningServer = ServerProcess;

/** The ready line of either server: `athenty-fake listening on URL` or `bare-express listening on URL`. */
const READY_LINE = / listening on (http:\/\/\S+)$/;
/** Loading the large store takes a while. */
const READY_TIMEOUT_MS = 120_000;
/** A server under load writes little; keep the end of its stderr for an error message. */
const KEEP_OUTPUT_CHARS = 2000;

/**
 * Spawns `node ARGS` (with the command's variables added to the environment) and resolves once it
 * prints `... listening on http://HOST:PORT`.
 *
 * @example
 * const server = await startServer({ args: ['dist/cli.js', '--port', '0', '--db', 'memory'] });
 */
export function startServer({ args, environment }: ServerCommand): Promise<RunningServer> {
  return spawnServer(process.execPath, args, {
    readyLine: READY_LINE,
    readyTimeoutMs: READY_TIMEOUT_MS,
    keepLast: KEEP_OUTPUT_CHARS,
    ...(environment === undefined ? {} : { env: { ...process.env, ...environment } }),
  });
}

function readStatusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (match === null) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** Peak resident set size of a running process in MB (VmHWM from /proc). */
export function readPeakRssMb(pid: number): number {
  return readStatusMb(pid, 'VmHWM');
}

/** Clock ticks a second of /proc's CPU times (`getconf CLK_TCK`, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time a running process has used so far, in milliseconds: user and system time of all its
 * threads (the garbage collector's and workers' included), from /proc/PID/stat, in 10 ms ticks.
 */
export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** Resident set size of a running process now, in MB (VmRSS from /proc). */
export function readRssMb(pid: number): number {
  return readStatusMb(pid, 'VmRSS');
}

/**
 * Starts a process's peak RSS again from its RSS now (Linux's `clear_refs` 5), so that the next
 * {@link readPeakRssMb} is the peak of what followed, not of start-up.
 */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/**
 * Runs `measure` against a freshly started server, reads its peak RSS, then stops it whatever happens
 * (SIGTERM, so that it writes its store; SIGKILL if that takes too long).
 *
 * @example
 * const { result, peakRssMb } = await withServer(command, (server) => measurePost(server.url, load));
 */
export async function withServer<T>(
  command: ServerCommand,
  measure: (server: RunningServer) => Promise<T>,
): Promise<{ result: T; peakRssMb: number; server: RunningServer }> {
  const server = await startServer(command);
  try {
    const result = await measure(server);
    return { result, peakRssMb: readPeakRssMb(server.pid), server };
  } finally {
    await server.stop();
  }
}
