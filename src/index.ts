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
export type { FakeEvent } from './events.js';
export type { RequestDetail, Request, RequestRecord, RequestStep } from './resources/requests/request-record.js';
export type { RequestStatus } from './resources/requests/lifecycle.js';
export type { FaultRuleInput, NetworkFault } from './faults/fault-rule.js';
export type { ListedFaultRule } from './faults/fault-rules.js';
export type { ClientRecord, MemberType } from './resources/clients/client-record.js';
export type {
  WebhookDeliveryRecord,
  WebhookEventData,
  WebhookEventOf,
  WebhookEventRecord,
  WebhookEventType,
} from './resources/webhooks/records.js';
