// Child processes for tests, bench and scripts: spawn a server command, wait for its ready line,
// stop it; whatever happens, none outlives the process that started it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { basename } from 'node:path';

/** How a process ended: its exit code, or the signal that ended it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A process run to its end, with everything it wrote. */
export interface Finished extends Exit {
  stdout: string;
  stderr: string;
}

/** A server process that has printed its ready line. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The URL of the ready line. */
  readonly url: string;
  /** `performance.now()` just before the spawn. */
  readonly spawnedAt: number;
  /** Milliseconds from the spawn to the ready line. */
  readonly readyMs: number;
  /** What it has written to stdout so far (its last `keepLast` characters). */
  stdout(): string;
  /** What it has written to stderr so far (its last `keepLast` characters). */
  stderr(): string;
  /** Settles once the process has exited. */
  readonly exited: Promise<Exit>;
  /** Settles once its output has closed too: every process holding it (npx and the server it started) has ended. */
  readonly closed: Promise<Exit>;
  /**
   * Sends SIGTERM (or `signal`), SIGKILL if it has not exited within `stopTimeoutMs`, and resolves
   * with the exit code (`null` when a signal ended it). Resolves at once when it has already exited.
   */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Sends SIGKILL (to the whole group when detached, even after the leader has gone) and resolves once it has exited. */
  kill(): Promise<Exit>;
}

/** How {@link spawnServer} starts and watches a server. */
export interface SpawnServerOptions {
  cwd?: string;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Start it as the leader of a process group of its own: stop and kill then signal the whole group. */
  detached?: boolean;
  /** A line of stdout that says it is ready; its first group is the URL. Default: athenty-fake's. */
  readyLine?: RegExp;
  /** How long to wait for the ready line before killing it (default 30 s). */
  readyTimeoutMs?: number;
  /** How long `stop` waits before SIGKILL (default 60 s). */
  stopTimeoutMs?: number;
  /** Keep only the last this many characters of each output stream (default: all of it). */
  keepLast?: number;
  /** Copy its stderr to this process's stderr as it arrives. */
  echoStderr?: boolean;
}

/** What the built CLI prints on stdout once it listens. */
const READY_LINE = /^athenty-fake listening on (http:\/\/\S+)$/;

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 60_000;

// Every child still running, by pid, so that an exit or a signal can stop it.
const running = new Map<number, { detached: boolean }>();
let killingOnExit = false;

function send(pid: number, detached: boolean, signal: NodeJS.Signals): void {
  try {
    process.kill(detached ? -pid : pid, signal);
  } catch {
    // Already gone.
  }
}

function killRemainingServersOnExit(): void {
  if (killingOnExit) return;
  killingOnExit = true;
  process.on('exit', killRemainingServers);
}

/** Remembers `child` until it has gone (its whole group, when detached), and kills it if this process exits first. */
function track(child: ChildProcess, detached: boolean): void {
  const pid = child.pid;
  if (pid === undefined) return;
  killRemainingServersOnExit();
  running.set(pid, { detached });
  child.once(detached ? 'close' : 'exit', () => running.delete(pid));
}

/**
 * SIGKILLs every child still running, by pid (by process group when spawned detached). Safe in an
 * 'exit' handler: it is synchronous. Runs by itself when this process exits.
 *
 * @example
 * try {
 *   await measureAll();
 * } finally {
 *   killRemainingServers();
 * }
 */
export function killRemainingServers(): void {
  for (const [pid, { detached }] of running) send(pid, detached, 'SIGKILL');
  running.clear();
}

/**
 * Makes SIGINT, SIGTERM and SIGHUP stop every child before this process exits (130), saying so
 * on stderr under `label`. For long runs (bench, soak) that someone may interrupt.
 *
 * @example
 * stopServersOnExit('bench');
 */
export function stopServersOnExit(label: string): void {
  killRemainingServersOnExit();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${label}: ${signal}, stopping ${running.size} server process(es)\n`);
      killRemainingServers();
      process.exit(130);
    });
  }
}

function commandLine(command: string, args: readonly string[]): string {
  return [command === process.execPath ? 'node' : basename(command), ...args].join(' ');
}

/**
 * Spawns `command ARGS` and resolves once it prints its ready line on stdout. Rejects, naming the
 * command and quoting its stderr, when it exits first or stays silent past `readyTimeoutMs` (it is
 * killed then).
 *
 * @example
 * const server = await spawnServer(process.execPath, ['dist/cli.js', '--port', '0', '--db', 'memory']);
 * try {
 *   await fetch(`${server.url}/__admin/health`);
 * } finally {
 *   await server.stop();
 * }
 */
export async function spawnServer(command: string, args: readonly string[], options: SpawnServerOptions = {}): Promise<ServerProcess> {
  const readyLine = options.readyLine ?? READY_LINE;
  const readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const stopTimeoutMs = options.stopTimeoutMs ?? STOP_TIMEOUT_MS;
  const keepLast = options.keepLast ?? Number.POSITIVE_INFINITY;
  const detached = options.detached ?? false;
  const keep = (text: string): string => (text.length > keepLast ? text.slice(-keepLast) : text);

  const spawnedAt = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child, detached);
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    }),
  );
  const closed = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));

  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = keep(stderr + chunk);
    if (options.echoStderr) process.stderr.write(chunk);
  });

  const ready = new Promise<{ url: string; readyMs: number }>((resolve, reject) => {
    let pending = '';
    let settled = false;
    const timer = setTimeout(() => fail(`no ready line within ${readyTimeoutMs} ms`), readyTimeoutMs);
    function fail(why: string): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${commandLine(command, args)}: ${why}; stderr: ${stderr.trim() || '(empty)'}`));
    }
    child.stdout.on('data', (chunk: string) => {
      // Read everything, before and after the ready line, so that a chatty server never blocks on a full pipe.
      stdout = keep(stdout + chunk);
      if (settled) return;
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() as string;
      for (const line of lines) {
        const match = readyLine.exec(line);
        if (match === null) continue;
        settled = true;
        clearTimeout(timer);
        resolve({ url: match[1] as string, readyMs: performance.now() - spawnedAt });
        return;
      }
    });
    child.once('error', (error) => fail(`could not start it (${error.message})`));
    // 'close' rather than 'exit': by then all of its stderr has been read.
    void closed.then(({ code, signal }) => fail(`exited before its ready line (code ${code}, signal ${signal})`));
  });

  const kill = async (): Promise<Exit> => {
    // A group may outlive its leader (npx's child): signal it even when the leader has gone.
    if (child.pid !== undefined && (exit === undefined || detached)) send(child.pid, detached, 'SIGKILL');
    return exited;
  };
  let url: string;
  let readyMs: number;
  try {
    ({ url, readyMs } = await ready);
  } catch (error) {
    if (child.pid !== undefined) await kill();
    throw error;
  }
  const pid = child.pid as number;

  return {
    child,
    pid,
    url,
    spawnedAt,
    readyMs,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    closed,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (exit === undefined) {
        send(pid, detached, signal);
        let timer: NodeJS.Timeout | undefined;
        const late = await Promise.race([
          exited.then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), stopTimeoutMs);
          }),
        ]);
        clearTimeout(timer);
        if (late) send(pid, detached, 'SIGKILL');
      }
      return (await exited).code;
    },
    kill,
  };
}

/** Where and as whom {@link runToEnd} runs a command. */
export interface RunOptions {
  cwd?: string;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

/**
 * Runs `command ARGS` to its end (its output closed) and resolves with its exit and output; rejects
 * only when it cannot be started.
 *
 * @example
 * const { code, stdout } = await runToEnd(process.execPath, ['dist/cli.js', '--version']);
 */
export async function runToEnd(command: string, args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child, false);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout, stderr };
}
