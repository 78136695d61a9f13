// The command lines of the servers under test: the bare Express ceiling and the built athenty-fake.
import { fileURLToPath } from 'node:url';
import { KEYS } from '../test/support/fixture-keys.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const BARE_EXPRESS = fileURLToPath(new URL('./bare-express.js', import.meta.url));

/** The seeded API key of org_acme, and the body every benchmark POST sends. */
export const API_KEY = KEYS.acme;
export const CLIENT_BODY = JSON.stringify({
  nameFirst: 'Jane',
  nameLast: 'Smith',
  email: 'jane@example.com',
  memberType: 'individual',
  country: 'CA',
});
export const JSON_HEADERS = { 'content-type': 'application/json', 'x-api-key': API_KEY };
/** `info` would log one line per request on stderr and measure the logging. */
export const FAKE_LOG_LEVEL = 'warn';

/** Where athenty-fake keeps its clients and what it starts with. */
export interface FakeStore {
  /** A file path, or `memory`. */
  db: string;
  /** A seed file, `none`, or undefined for the package's default seed. */
  seed?: string;
}

/** How node is started for athenty-fake: variables added to its environment, and its flags. */
export interface NodeLaunch {
  environment: Readonly<Record<string, string>>;
  flags: readonly string[];
}

/** A server the bench spawns with `node`: its arguments, and variables added to the bench's environment. */
export interface ServerCommand {
  args: readonly string[];
  environment?: Readonly<Record<string, string>>;
}

/**
 * athenty-fake, quiet on a free port, without rate limiting, started as the run says
 * (`BENCH_FAKE_ENV`, `BENCH_FAKE_NODE_FLAGS`, or the bin's shebang), with `extraArgs` after the
 * store's.
 *
 * @example
 * const command = fakeCommand({ db: 'memory' }, { environment: { MALLOC_ARENA_MAX: '1' }, flags: ['--max-semi-space-size=1'] });
 */
export function fakeCommand(store: FakeStore, launch: NodeLaunch, extraArgs: readonly string[] = []): ServerCommand {
  return {
    args: [
      ...launch.flags,
      CLI,
      ...['--port', '0', '--host', '127.0.0.1', '--log-level', FAKE_LOG_LEVEL, '--rate-limit', '0', '--db', store.db],
      ...(store.seed === undefined ? [] : ['--seed', store.seed]),
      ...extraArgs,
    ],
    environment: launch.environment,
  };
}

/** The bare Express app, with node's defaults and the bench's environment. */
export function bareExpressCommand(): ServerCommand {
  return { args: [BARE_EXPRESS] };
}
