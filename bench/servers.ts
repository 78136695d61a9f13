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

/**
 * Arguments for `node` to run athenty-fake quietly on a free port, without rate limiting, with the
 * run's node flags (`BENCH_FAKE_NODE_FLAGS`) before the script.
 *
 * @example
 * const args = fakeArgs({ db: 'memory' }, ['--max-semi-space-size=2']);
 */
export function fakeArgs(store: FakeStore, nodeFlags: readonly string[]): string[] {
  return [
    ...nodeFlags,
    CLI,
    ...['--port', '0', '--host', '127.0.0.1', '--log-level', FAKE_LOG_LEVEL, '--rate-limit', '0', '--db', store.db],
    ...(store.seed === undefined ? [] : ['--seed', store.seed]),
  ];
}

/** Arguments for `node` to run the bare Express app. */
export function bareExpressArgs(): string[] {
  return [BARE_EXPRESS];
}
