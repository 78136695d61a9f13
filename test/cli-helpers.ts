// Spawns the built CLI (dist/cli.js), or another node script, and waits for its ready line or its exit.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const READY = /^athenty-fake listening on (http:\/\/\S+)$/m;

export interface RunningCli {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Sends SIGTERM (or `signal`) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface FinishedCli {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cleanEnv(env: Record<string, string>): Record<string, string> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ATHENTY_FAKE_'))) as Record<string, string>;
  return { ...base, ...env };
}

/** Runs `node ARGS` to completion in a clean environment plus `env` (the health probe, the CLI). */
export async function runNode(
  args: string[],
  env: Record<string, string> = {},
  options: Pick<SpawnOptions, 'cwd' | 'uid' | 'gid'> = {},
): Promise<FinishedCli> {
  const child = spawn(process.execPath, args, { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** Runs the CLI to completion (for --help, --version and start-up errors); `as` sets uid/gid. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
  as: Pick<SpawnOptions, 'uid' | 'gid'> = {},
): Promise<FinishedCli> {
  return runNode([CLI, ...args], env, { cwd, ...as });
}

/** Starts the CLI and resolves once it prints its ready line; rejects if it exits first. */
export async function startCli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(env), cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const match = READY.exec(stdout);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`CLI exited with ${code} before ready: ${stderr}`)));
  });
  return {
    child,
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
