// The public programmatic API of athenty-fake (re-exports only, plus startFake).
import { parseConfig, PROGRAMMATIC_DEFAULTS, type ServerOptions } from './config.js';
import { startServer, type FakeServer, type ServerDeps } from './server.js';

/**
 * Options of {@link startFake}: the CLI's options by their names in {@link OPTIONS} (`port`,
 * `logLevel`, `bodyLimit`, ...), each typed as its parser takes it, without the CLI's own
 * (`readyFile`). Defaults as for the CLI, except a free port, `db: 'memory'` and `logLevel: 'warn'`.
 *
 * @example
 * const options: FakeOptions = { seed: 'none', strict: true, fault: ['POST /clients status=503 times=1'] };
 * const fake = await startFake(options);
 */
export type FakeOptions = ServerOptions;

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

export { createApp, type AppDeps, type FakeApp } from './app.js';
export { startServer, DEFAULT_TIMEOUTS, type FakeServer, type ServerDeps, type ServerTimeouts } from './server.js';
export { parseConfig, OPTIONS, PROGRAMMATIC_DEFAULTS, type Config, type RawOptions } from './config.js';
export { ApiError, ERROR_CATALOGUE, StartupError, type ErrorEnvelope, type FieldError } from './errors.js';
export { createClock, type Clock, type ControllableClock, type ClockSetting } from './clock.js';
export { createRandom, type RandomSource } from './random.js';
export { createClientIdGenerator, type IdGenerator } from './ids.js';
export { createLogger, type Logger, type LogLevel } from './logger.js';
export { ClientStore, type StoreLocation, type StoreOptions } from './store/client-store.js';
export type { ClientRecord, MemberType } from './store/client-record.js';
export type { ApiKey, SimulatedError } from './auth/api-keys.js';
export type { FaultRuleInput, FaultRule, NetworkFault } from './faults/fault-rule.js';
export type { ListedFaultRule } from './faults/fault-rules.js';
export type { FakeControls, Health, ResetSummary, ClockState, StateSnapshot } from './admin/controls.js';
export type { FakeAdmin } from './admin/handle.js';
export { connectFake, FakeAdminError, type ConnectOptions, type RemoteFake } from './admin/admin-client.js';
export type { JournalEntry, JournalFilter } from './journal/journal.js';
export type { ClientSeed, ClientInput } from './clients/records.js';
export type { ClientList, ListQuery, Pagination } from './clients/list.js';
export { loadApiKeys, loadClientSeed } from './fixtures.js';
