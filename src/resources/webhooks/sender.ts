// The delivery worker: takes the stored pending deliveries and hands each subscription's, in event
// order, to an outbound queue of its own (sent one at a time from a worker thread, so that the next
// goes out as soon as the previous is answered, however busy the API keeps this thread); logs every
// attempt in the store and sets the next on the fake's clock. It never sends inside the API call
// that caused an event: the queues send on their own thread.
import type { Clock } from '../../clock.js';
import type { OutboundResult } from '../../http/outbound.js';
import { isSuccess } from '../../http/outbound.js';
import type { OutboundQueues, QueuedRequest, QueueReport } from '../../http/outbound-queues.js';
import type { Logger } from '../../logger.js';
import type { ScheduledTask, Scheduler } from '../../scheduler.js';
import type { Store } from '../../store/store.js';
import {
  MAX_ATTEMPTS,
  payloadOf,
  RETRY_DELAYS_MS,
  WEBHOOK_DELIVERIES,
  WEBHOOK_EVENTS,
  WEBHOOKS,
  type DeliveryAttempt,
  type WebhookDeliveryRecord,
  type WebhookEventRecord,
  type WebhookRecord,
} from './records.js';
import type { Signer } from './signing.js';

/** What the worker is built from. */
export interface DeliverySenderDeps {
  store: Store;
  clock: Clock;
  scheduler: Scheduler;
  /** The outbound queues: one per subscription, named by its id. */
  outbound: OutboundQueues;
  signer: Signer;
  /** The system's time, for the signature timestamp. */
  realNow(): number;
  logger: Logger;
  /** The `User-Agent` of every delivery. */
  userAgent: string;
}

/** The worker's controls. */
export interface DeliverySender {
  /** Takes up new pending deliveries once they are stored, after those already queued for their subscriptions. */
  enqueue(deliveries: readonly WebhookDeliveryRecord[]): void;
  /** Looks at a subscription again (reactivated, moved, deleted, its secret rotated): what it had handed over and not sent goes out again as it now stands. */
  changed(subscriptionId: string): void;
  /** Takes up the stored pending deliveries (after a load, reset or import); what was handed over for records that changed is taken back. */
  reload(): void;
  /** Stops at once: answers still to come are not logged (their deliveries stay pending), nothing more goes out. */
  stop(): void;
  /** Calls `listener` with each delivery once it is stored as delivered. */
  onDelivered(listener: (delivery: WebhookDeliveryRecord) => void): () => void;
}

/**
 * Deliveries of one subscription handed to its queue at most: enough to keep sending while this
 * thread is busy (the queue tops up as answers are logged), few enough to bound what waits there
 * signed with a secret that may change.
 */
const HANDED_MAX = 32;

/** A delivery handed to the queue: the record it was made from (and its version), its attempt and when (the fake's clock). */
interface Handed {
  record: WebhookDeliveryRecord;
  version: number | undefined;
  attempt: number;
  at: number;
}

/** A subscription's deliveries as the worker holds them. */
interface Line {
  /** Ids of pending deliveries not handed over, in event order (all after the handed ones). */
  queue: string[];
  /** Handed over and not yet reported on, in order. */
  handed: Handed[];
  /** The version of the subscription when they were handed over. */
  handedFor: number | undefined;
  /** A recall not yet answered: nothing more is handed over until it is. */
  recalling: boolean;
  /** The reports of this subscription, handled one after the other (each may wait for a store write). */
  chain: Promise<void>;
}

/** What an attempt logs when the answer was no success. */
function failureOf(result: OutboundResult): string | null {
  if (result.error !== null) return result.error;
  if (result.status !== null && result.status >= 300 && result.status < 400)
    return `redirected (${result.status}): redirects are not followed`;
  return isSuccess(result) ? null : `answered ${result.status}`;
}

/**
 * Creates the delivery worker (idle until `reload()` or `enqueue()`).
 *
 * @example
 * const sender = createDeliverySender({ store, clock, scheduler, outbound, signer, realNow: Date.now, logger, userAgent });
 * sender.reload();
 */
export function createDeliverySender(deps: DeliverySenderDeps): DeliverySender {
  const { store, clock, scheduler, outbound, signer, logger } = deps;
  const subscriptions = store.collection<WebhookRecord>(WEBHOOKS);
  const events = store.collection<WebhookEventRecord>(WEBHOOK_EVENTS);
  const deliveries = store.collection<WebhookDeliveryRecord>(WEBHOOK_DELIVERIES);

  const lines = new Map<string, Line>();
  // The tasks that wake a subscription at its next attempt.
  let retries = new Map<string, ScheduledTask>();
  let stopped = false;
  const listeners = new Set<(delivery: WebhookDeliveryRecord) => void>();

  const lineOf = (subscriptionId: string): Line => {
    let line = lines.get(subscriptionId);
    if (line === undefined) {
      line = { queue: [], handed: [], handedFor: undefined, recalling: false, chain: Promise.resolve() };
      lines.set(subscriptionId, line);
    }
    return line;
  };

  const cancelRetry = (subscriptionId: string): void => {
    retries.get(subscriptionId)?.cancel();
    retries.delete(subscriptionId);
  };

  const scheduleRetry = (subscriptionId: string, due: number): void => {
    if (retries.get(subscriptionId)?.at === due) return;
    cancelRetry(subscriptionId);
    retries.set(
      subscriptionId,
      scheduler.at(due, () => {
        retries.delete(subscriptionId);
        wake(subscriptionId);
      }),
    );
  };

  const isPendingOf = (record: WebhookDeliveryRecord | undefined, subscriptionId: string): record is WebhookDeliveryRecord =>
    record !== undefined && record.status === 'pending' && record.subscriptionId === subscriptionId;

  const recall = (subscriptionId: string, line: Line): void => {
    if (line.recalling || line.handed.length === 0) return;
    line.recalling = true;
    outbound.recall(subscriptionId);
  };

  /** The request of an attempt, signed now; `undefined` when its event is no longer stored. */
  const requestOf = (
    subscription: WebhookRecord,
    record: WebhookDeliveryRecord,
    attempt: number,
    at: number,
  ): QueuedRequest | undefined => {
    const event = events.get(record.eventId);
    if (event === undefined) return undefined;
    const body = JSON.stringify(payloadOf(event, attempt));
    const headers = {
      'content-type': 'application/json',
      'user-agent': deps.userAgent,
      ...signer.headersFor(subscription, record.eventId, body, deps.realNow(), at),
    };
    return { id: record.id, url: subscription.url, headers, body };
  };

  /** Hands the subscription's due deliveries to its queue, in order, or arranges its next attempt. */
  function wake(subscriptionId: string): void {
    const line = lines.get(subscriptionId);
    if (stopped || line === undefined || line.recalling) return;
    const subscription = subscriptions.get(subscriptionId);
    if (subscription === undefined || !subscription.active) {
      // An inactive one keeps its queue for when it is active again; a deleted one has none.
      cancelRetry(subscriptionId);
      recall(subscriptionId, line);
      if (subscription === undefined && line.handed.length === 0) lines.delete(subscriptionId);
      return;
    }
    const now = clock.now();
    const requests: QueuedRequest[] = [];
    while (line.handed.length < HANDED_MAX && line.queue.length > 0) {
      const record = deliveries.get(line.queue[0] as string);
      if (!isPendingOf(record, subscriptionId)) {
        line.queue.shift();
        continue;
      }
      const due = record.nextAttemptAt === null ? now : Date.parse(record.nextAttemptAt);
      if (due > now) {
        // The next waits for its time; once nothing is out, a task wakes the subscription then.
        if (line.handed.length === 0) scheduleRetry(subscriptionId, due);
        break;
      }
      const attempt = record.attempts.length + 1;
      const request = requestOf(subscription, record, attempt, now);
      if (request === undefined) {
        // Nothing to send: the attempt fails as it stands, once what was handed before is logged.
        if (requests.length === 0 && line.handed.length === 0) {
          const error = `the event ${record.eventId} is no longer stored`;
          line.queue.shift();
          line.handed.push({ record, version: deliveries.versionOf(record.id), attempt, at: now });
          report({ kind: 'result', queue: subscriptionId, id: record.id, result: { status: null, error, body: '', durationMs: 0 } });
        }
        break;
      }
      line.queue.shift();
      line.handed.push({ record, version: deliveries.versionOf(record.id), attempt, at: now });
      requests.push(request);
    }
    if (requests.length > 0) {
      cancelRetry(subscriptionId);
      line.handedFor = subscriptions.versionOf(subscriptionId);
      outbound.push(subscriptionId, requests);
    }
    if (line.queue.length === 0 && line.handed.length === 0) {
      cancelRetry(subscriptionId);
      lines.delete(subscriptionId);
    }
  }

  async function logAttempt(handed: Handed, result: OutboundResult): Promise<void> {
    const { record: delivery, attempt } = handed;
    const now = clock.now();
    const success = isSuccess(result);
    const last = attempt >= MAX_ATTEMPTS;
    const logged: DeliveryAttempt = {
      attempt,
      at: new Date(handed.at).toISOString(),
      status: result.status,
      error: failureOf(result),
      durationMs: Math.round(result.durationMs * 1000) / 1000,
      body: result.body,
    };
    const next: WebhookDeliveryRecord = {
      ...delivery,
      status: success ? 'delivered' : last ? 'failed' : 'pending',
      attempts: [...delivery.attempts, logged],
      nextAttemptAt: success || last ? null : new Date(now + (RETRY_DELAYS_MS[attempt - 1] as number)).toISOString(),
      updatedAt: new Date(now).toISOString(),
    };
    await store.apply([{ collection: WEBHOOK_DELIVERIES, update: next }]);
    if (success) for (const listener of listeners) listener(next);
  }

  /** Handles one report of a subscription's queue, after the ones before it. */
  function report(message: QueueReport): void {
    const subscriptionId = message.queue;
    const line = lines.get(subscriptionId);
    if (stopped || line === undefined) return;
    line.chain = line.chain
      .then(() => handle(subscriptionId, line, message))
      .catch((error: unknown) => logger.error(`webhook deliveries of ${subscriptionId}: ${(error as Error)?.stack ?? String(error)}`));
  }

  async function handle(subscriptionId: string, line: Line, message: QueueReport): Promise<void> {
    if (stopped) return;
    if (message.kind === 'halted') {
      // Not sent: back to the front of the queue, in their order (the one still in flight, if any, stays handed).
      const unsent = new Set(message.unsent);
      const back = line.handed.filter((h) => unsent.has(h.record.id));
      if (back.length > 0) {
        line.handed = line.handed.filter((h) => !unsent.has(h.record.id));
        line.queue.unshift(...back.map((h) => h.record.id));
      }
      if (message.reason === 'recall' || message.reason === 'lost') line.recalling = false;
      wake(subscriptionId);
      return;
    }
    const index = line.handed.findIndex((h) => h.record.id === message.id);
    if (index < 0) return;
    const handed = line.handed[index] as Handed;
    line.handed.splice(index, 1);
    if (!isSuccess(message.result)) {
      // The queue dropped what followed: it goes out again after this one's retry, in order.
      line.queue.unshift(handed.record.id, ...line.handed.map((h) => h.record.id));
      line.handed = [];
    }
    // Changed meanwhile (canceled with its subscription, replaced by a reset): this answer is not its.
    if (deliveries.versionOf(handed.record.id) !== handed.version) {
      const stored = deliveries.get(handed.record.id);
      if (isSuccess(message.result) && isPendingOf(stored, subscriptionId)) line.queue.unshift(stored.id);
      wake(subscriptionId);
      return;
    }
    try {
      await logAttempt(handed, message.result);
    } catch (error) {
      // Not logged (the store could not be written): the subscription rests, what it handed over
      // taken back, until it is woken again (a new event, an update, a reload), rather than
      // sending in a loop. The delivery is still pending: it goes out again then.
      logger.error(
        `webhook delivery ${handed.record.id}: could not log attempt ${handed.attempt}: ${(error as Error)?.message ?? String(error)}`,
      );
      if (isSuccess(message.result)) line.queue.unshift(handed.record.id);
      cancelRetry(subscriptionId);
      recall(subscriptionId, line);
      return;
    }
    wake(subscriptionId);
  }

  outbound.onReport(report);

  return {
    enqueue(records) {
      const touched = new Set<string>();
      for (const record of records) {
        lineOf(record.subscriptionId).queue.push(record.id);
        touched.add(record.subscriptionId);
      }
      for (const subscriptionId of touched) wake(subscriptionId);
    },
    changed(subscriptionId) {
      const line = lines.get(subscriptionId);
      if (line === undefined) return;
      recall(subscriptionId, line);
      wake(subscriptionId);
    },
    reload() {
      for (const task of retries.values()) task.cancel();
      retries = new Map();
      const pending = new Map<string, string[]>();
      for (const record of deliveries.all()) {
        if (record.status !== 'pending') continue;
        const ids = pending.get(record.subscriptionId);
        if (ids === undefined) pending.set(record.subscriptionId, [record.id]);
        else ids.push(record.id);
      }
      for (const [subscriptionId, line] of lines) {
        // What was handed over goes on only if neither its records nor its subscription changed
        // (another organisation's, after a reset of one): its answers are logged as usual.
        const unchanged =
          subscriptions.versionOf(subscriptionId) === line.handedFor &&
          line.handed.every((h) => deliveries.versionOf(h.record.id) === h.version);
        if (!unchanged) recall(subscriptionId, line);
        line.queue = [];
        if (line.handed.length === 0) lines.delete(subscriptionId);
      }
      for (const [subscriptionId, ids] of pending) {
        const line = lineOf(subscriptionId);
        const handed = new Set(line.handed.map((h) => h.record.id));
        line.queue = ids.filter((id) => !handed.has(id));
      }
      for (const subscriptionId of [...lines.keys()]) wake(subscriptionId);
    },
    stop() {
      stopped = true;
      for (const task of retries.values()) task.cancel();
      retries.clear();
    },
    onDelivered(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
