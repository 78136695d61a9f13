// Server processes for the benchmark: spawn, wait for the ready line, read peak RSS, stop by pid (always).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** A server process that printed its ready line. */
export interface RunningServer {
  readonly pid: number;
  readonly url: string;
  /** Milliseconds from spawn to the ready line. */
  readonly readyMs: number;
  /** `performance.now()` just before the spawn. */
  readonly spawnedAt: number;
}

const READY_LINE = / listening on (http:\/\/\S+)$/;
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 60_000;

// Every child still running, so that an error, Ctrl-C or exit can stop it.
const running = new Map<number, ChildProcess>();

/** Kills every child still running, by pid. Safe to call from an 'exit' handler (synchronous). */
export function killRemainingServers(): void {
  for (const pid of running.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  running.clear();
}

/** Makes sure no child outlives the benchmark, whether it ends normally, fails or is interrupted. */
export function stopServersOnExit(): void {
  process.on('exit', killRemainingServers);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping ${running.size} server process(es)\n`);
      killRemainingServers();
      process.exit(130);
    });
  }
}

function waitForReadyLine(child: ChildProcess, stderrTail: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(`no ready line within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    function fail(why: string): void {
      clearTimeout(timer);
      lines.close();
      reject(new Error(`${why}; stderr: ${stderrTail() || '(empty)'}`));
    }
    lines.on('line', (line) => {
      const match = READY_LINE.exec(line);
      if (match === null) return;
      clearTimeout(timer);
      // Keep reading stdout so that a chatty server never blocks on a full pipe.
      child.stdout!.resume();
      resolve(match[1] as string);
    });
    child.once('exit', (code, signal) => fail(`exited before it was ready (code ${code}, signal ${signal})`));
  });
}

/**
 * Spawns `node ARGS` and resolves once it prints `... listening on http://HOST:PORT`.
 *
 * @example
 * const server = await startServer(['dist/cli.js', '--port', '0', '--db', 'memory']);
 */
export async function startServer(args: readonly string[]): Promise<RunningServer> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not spawn node ${args.join(' ')}`);
  const pid = child.pid;
  running.set(pid, child);
  child.once('exit', () => running.delete(pid));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  try {
    const url = await waitForReadyLine(child, () => stderr.trim());
    return { pid, url, readyMs: performance.now() - spawnedAt, spawnedAt };
  } catch (error) {
    await stopServer(pid);
    throw new Error(`node ${args.join(' ')}: ${(error as Error).message}`);
  }
}

/** Peak resident set size of a running process in MB (VmHWM from /proc). */
export function readPeakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** Sends SIGTERM (the server writes its store and exits), then SIGKILL if it takes too long. */
export async function stopServer(pid: number): Promise<void> {
  const child = running.get(pid);
  if (child === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
  });
  const late = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (late) {
    process.kill(pid, 'SIGKILL');
    await exited;
  }
}

/**
 * Runs `measure` against a freshly started server, reads its peak RSS, then stops it whatever happens.
 *
 * @example
 * const { result, peakRssMb } = await withServer(args, (server) => measurePost(server.url, load));
 */
export async function withServer<T>(
  args: readonly string[],
  measure: (server: RunningServer) => Promise<T>,
): Promise<{ result: T; peakRssMb: number; server: RunningServer }> {
  const server = await startServer(args);
  try {
    const result = await measure(server);
    return { result, peakRssMb: readPeakRssMb(server.pid), server };
  } finally {
    await stopServer(server.pid);
  }
}
