// The public programmatic API of athenty-fake (re-exports only, plus startFake).
import { parseConfig, PROGRAMMATIC_DEFAULTS } from './config.js';
import type { LogLevel } from './logger.js';
import { startServer, type FakeServer, type ServerDeps } from './server.js';

/** Options of {@link startFake}; they mirror the CLI flags. */
export interface FakeOptions {
  /** Port to listen on; default 0 (a free port). */
  port?: number;
  /** Address to listen on; default `127.0.0.1`. */
  host?: string;
  /** Store file path, or `'memory'` (the default here). */
  db?: string;
  /** API keys file; default the package's `fixtures/api-keys.json`. */
  keys?: string;
  /** Starting clients file, or `'none'`; default the package's `fixtures/clients.json`. */
  seed?: string;
  /** Reject unknown and read-only body keys. */
  strict?: boolean;
  /** Default `warn`. */
  logLevel?: LogLevel;
  /** Largest request body, e.g. `'1mb'` or a number of bytes. */
  bodyLimit?: string | number;
  /** Require `Authorization: Bearer <adminToken>` on every admin call. */
  adminToken?: string;
  /** Requests per key per window (default 100); 0 turns rate limiting off. */
  rateLimit?: number;
  /** Rate-limit window in seconds (default 60). */
  rateWindow?: number;
  /** Start-up fault rules in the --fault syntax, e.g. `'POST /clients status=429 times=2'`. */
  fault?: string[];
  /** A JSON file of start-up fault rules. */
  faults?: string;
  /** Seed for ids and fault probabilities, so that a run repeats. */
  randomSeed?: number;
  /** `'system'` (default) or an ISO 8601 instant to start frozen at. */
  clock?: string;
  /** Requests the journal keeps (default 1000). */
  journalSize?: number;
  /** Write the store file before each create answers. */
  durable?: boolean;
  /** Allow browsers on any origin (default true). */
  cors?: boolean;
}

/**
 * Starts a fake Athenty API in this process.
 *
 * @example
 * import { startFake } from 'athenty-fake';
 *
 * const fake = await startFake();
 * const res = await fetch(`${fake.url}/v2/api/clients`, {
 *   method: 'POST',
 *   headers: { 'X-Api-Key': fake.apiKeys.acme.key, 'Content-Type': 'application/json' },
 *   body: JSON.stringify({ nameFirst: 'Jane', nameLast: 'Smith' }),
 * });
 * await fake.close();
 */
export function startFake(options: FakeOptions = {}, deps: ServerDeps = {}): Promise<FakeServer> {
  return startServer(parseConfig({ ...options }, {}, PROGRAMMATIC_DEFAULTS), deps);
}

export { connectFake } from './connect.js';
export { createApp, type AppDeps, type FakeApp } from './app.js';
export { parseConfig, PROGRAMMATIC_DEFAULTS, type Config } from './config.js';
export type { FakeServer, ServerDeps, ServerTimeouts } from './server.js';
export type { FakeAdmin } from './admin/handle.js';
export { FakeAdminError, type ConnectOptions, type RemoteFake } from './admin/admin-client.js';
export { ApiError, StartupError, type ErrorEnvelope, type FieldError } from './errors.js';
export type { Health, ResetSummary, ClockState } from './admin/operations.js';
export type { StateSnapshot, StateInput, CollectionCounts } from './admin/state.js';
export type { JournalEntry, JournalFilter } from './journal/journal.js';
export type { FaultRuleInput, NetworkFault } from './faults/fault-rule.js';
export type { ListedFaultRule } from './faults/fault-rules.js';
export type { ClientRecord, MemberType } from './resources/clients/client-record.js';
