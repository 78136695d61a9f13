// The built CLI (dist/cli.js), run the way a user runs it: no ATHENTY_FAKE_ variables but the ones given.
import { fileURLToPath } from 'node:url';
import { runToEnd, spawnServer, type Finished, type ServerProcess } from './processes.js';

/** The built CLI; `npm run build` makes it. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** A CLI that printed its ready line. */
export type RunningCli = ServerProcess;

/** This process's environment without any ATHENTY_FAKE_ variable, plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ATHENTY_FAKE_')));
  return { ...base, ...env };
}

/**
 * Runs `node ARGS` to its end in a clean environment plus `env` (the Docker health probe, say).
 *
 * @example
 * const { code } = await runNode(['docker/healthcheck.mjs'], { ATHENTY_FAKE_READY_FILE: file });
 */
export function runNode(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return runToEnd(process.execPath, args, { env: cleanEnv(env) });
}

/**
 * Runs the CLI to its end (for --help, --version and start-up errors).
 *
 * @example
 * const { code, stderr } = await runCli(['--port', '70000']);
 */
export function runCli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Finished> {
  return runToEnd(process.execPath, [CLI, ...args], { env: cleanEnv(env), cwd });
}

/**
 * Runs the CLI to its end with file permissions enforced, as they are for any user: root reads and
 * writes anything, so as root the CLI runs without the two capabilities that override them. It
 * keeps root's identity, so it can still read a checkout in a folder only root may enter (another
 * user could not).
 *
 * @example
 * chmodSync(db, 0o000);
 * const { stderr } = await runCliWithFilePermissions(['--db', db]); // "... cannot be read (permission denied)"
 */
export function runCliWithFilePermissions(args: string[]): Promise<Finished> {
  if (process.getuid?.() !== 0) return runCli(args);
  return runToEnd('setpriv', ['--bounding-set', '-dac_override,-dac_read_search', process.execPath, CLI, ...args], { env: cleanEnv({}) });
}

/**
 * Starts the CLI and resolves once it prints its ready line; rejects, quoting its stderr, if it exits first.
 *
 * @example
 * const cli = await startCli(['--port', '0', '--db', 'memory']);
 * assert.equal(await cli.stop(), 0);
 */
export function startCli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<RunningCli> {
  return spawnServer(process.execPath, [CLI, ...args], { env: cleanEnv(env), cwd });
}
