// The delivery worker: takes the stored pending deliveries, sends each subscription's one at a time
// in event order (subscriptions independently, as many at once as the outbound client has
// sockets), logs every attempt in the store and sets the next on the fake's clock. It never runs
// inside the API call that caused an event: sending starts on a later turn of the event loop.
import type { Clock } from '../../clock.js';
import type { OutboundHttp, OutboundResult } from '../../http/outbound.js';
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
  outbound: OutboundHttp;
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
  /** Looks at a subscription again (reactivated, moved, deleted). */
  wake(subscriptionId: string): void;
  /** Forgets what it holds in memory and takes up the stored pending deliveries (after a load, reset or import). */
  reload(): void;
  /** Stops at once: answers still to come are not logged (their deliveries stay pending), nothing more goes out. */
  stop(): void;
  /** Calls `listener` with each delivery once it is stored as delivered. */
  onDelivered(listener: (delivery: WebhookDeliveryRecord) => void): () => void;
}

function isSuccess(result: OutboundResult): boolean {
  return result.error === null && result.status !== null && result.status >= 200 && result.status < 300;
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

  // Per subscription, the ids of its pending deliveries in event order; the first is the one to send.
  let queues = new Map<string, string[]>();
  // Subscriptions whose first delivery is due, waiting for a free socket, in the order they became due.
  let ready = new Set<string>();
  // Subscriptions with a delivery in flight, and the tasks that wake the others at their next attempt.
  const busy = new Set<string>();
  let retries = new Map<string, ScheduledTask>();
  let inFlight = 0;
  let stopped = false;
  let pumpArmed = false;
  const listeners = new Set<(delivery: WebhookDeliveryRecord) => void>();

  const cancelRetry = (subscriptionId: string): void => {
    retries.get(subscriptionId)?.cancel();
    retries.delete(subscriptionId);
  };

  /** The subscription's first delivery still pending, dropping those that are not (delivered, canceled, gone). */
  const headOf = (subscriptionId: string): WebhookDeliveryRecord | undefined => {
    const queue = queues.get(subscriptionId);
    while (queue !== undefined && queue.length > 0) {
      const record = deliveries.get(queue[0] as string);
      if (record !== undefined && record.status === 'pending' && record.subscriptionId === subscriptionId) return record;
      queue.shift();
    }
    queues.delete(subscriptionId);
    return undefined;
  };

  /** Starts sends while sockets are free, on a later turn of the event loop than the caller's. */
  const schedulePump = (): void => {
    if (pumpArmed || stopped) return;
    pumpArmed = true;
    setImmediate(pump);
  };

  function pump(): void {
    pumpArmed = false;
    while (!stopped && inFlight < outbound.capacity && ready.size > 0) {
      const subscriptionId = ready.values().next().value as string;
      ready.delete(subscriptionId);
      wake(subscriptionId, true);
    }
  }

  /** Sends the subscription's first delivery when it is due and a socket is free; otherwise arranges to. */
  function wake(subscriptionId: string, sendNow = false): void {
    if (stopped || busy.has(subscriptionId)) return;
    const head = headOf(subscriptionId);
    const subscription = subscriptions.get(subscriptionId);
    if (head === undefined || subscription === undefined || !subscription.active) {
      ready.delete(subscriptionId);
      cancelRetry(subscriptionId);
      return;
    }
    const due = head.nextAttemptAt === null ? clock.now() : Date.parse(head.nextAttemptAt);
    if (due > clock.now()) {
      ready.delete(subscriptionId);
      if (retries.get(subscriptionId)?.at !== due) {
        cancelRetry(subscriptionId);
        retries.set(
          subscriptionId,
          scheduler.at(due, () => {
            retries.delete(subscriptionId);
            wake(subscriptionId);
          }),
        );
      }
      return;
    }
    cancelRetry(subscriptionId);
    if (!sendNow || inFlight >= outbound.capacity) {
      ready.add(subscriptionId);
      schedulePump();
      return;
    }
    send(subscription, head);
  }

  function send(subscription: WebhookRecord, delivery: WebhookDeliveryRecord): void {
    const event = events.get(delivery.eventId);
    const attempt = delivery.attempts.length + 1;
    const at = clock.now();
    busy.add(subscription.id);
    inFlight++;
    const body = event === undefined ? undefined : JSON.stringify(payloadOf(event, attempt));
    const sent: Promise<OutboundResult> =
      body === undefined
        ? Promise.resolve({ status: null, error: `the event ${delivery.eventId} is no longer stored`, body: '', durationMs: 0 })
        : outbound.post(
            subscription.url,
            {
              'content-type': 'application/json',
              'user-agent': deps.userAgent,
              ...signer.headersFor(subscription, delivery.eventId, body, deps.realNow(), at),
            },
            body,
          );
    sent
      .then(async (result) => {
        inFlight--;
        // Stopped meanwhile (a close): the delivery stays pending for the next start.
        if (stopped) return;
        busy.delete(subscription.id);
        try {
          await logAttempt(delivery, { attempt, at: new Date(at).toISOString(), ...resultFields(result) }, isSuccess(result));
        } catch (error) {
          // Not logged (the store could not be written): the subscription rests until it is woken
          // again (a new event, an update, a reload), rather than sending in a loop.
          logger.error(`webhook delivery ${delivery.id}: could not log attempt ${attempt}: ${(error as Error)?.message ?? String(error)}`);
          schedulePump();
          return;
        }
        // The next one goes out at once: this runs after the answer, never inside an API call.
        wake(subscription.id, true);
        schedulePump();
      })
      .catch((error: unknown) => logger.error(`webhook delivery ${delivery.id}: ${(error as Error)?.stack ?? String(error)}`));
  }

  const resultFields = (result: OutboundResult): Omit<DeliveryAttempt, 'attempt' | 'at'> => ({
    status: result.status,
    error: failureOf(result),
    durationMs: Math.round(result.durationMs * 1000) / 1000,
    body: result.body,
  });

  async function logAttempt(delivery: WebhookDeliveryRecord, attempt: DeliveryAttempt, success: boolean): Promise<void> {
    // Changed meanwhile (canceled with its subscription, replaced by a reset): this answer is not its.
    if (deliveries.get(delivery.id) !== delivery) return;
    const now = clock.now();
    const last = attempt.attempt >= MAX_ATTEMPTS;
    const next: WebhookDeliveryRecord = {
      ...delivery,
      status: success ? 'delivered' : last ? 'failed' : 'pending',
      attempts: [...delivery.attempts, attempt],
      nextAttemptAt: success || last ? null : new Date(now + (RETRY_DELAYS_MS[attempt.attempt - 1] as number)).toISOString(),
      updatedAt: new Date(now).toISOString(),
    };
    await store.apply([{ collection: WEBHOOK_DELIVERIES, update: next }]);
    if (success) for (const listener of listeners) listener(next);
  }

  return {
    enqueue(records) {
      const touched = new Set<string>();
      for (const record of records) {
        let queue = queues.get(record.subscriptionId);
        if (queue === undefined) {
          queue = [];
          queues.set(record.subscriptionId, queue);
        }
        queue.push(record.id);
        touched.add(record.subscriptionId);
      }
      for (const subscriptionId of touched) wake(subscriptionId);
    },
    wake: (subscriptionId) => wake(subscriptionId),
    reload() {
      // A send in flight goes on: its answer is logged if its delivery is still the stored one
      // (another organisation's, after a reset of one), and its subscription waits for it.
      for (const task of retries.values()) task.cancel();
      queues = new Map();
      ready = new Set();
      retries = new Map();
      for (const record of deliveries.all()) {
        if (record.status !== 'pending') continue;
        let queue = queues.get(record.subscriptionId);
        if (queue === undefined) {
          queue = [];
          queues.set(record.subscriptionId, queue);
        }
        queue.push(record.id);
      }
      for (const subscriptionId of [...queues.keys()]) wake(subscriptionId);
    },
    stop() {
      stopped = true;
      for (const task of retries.values()) task.cancel();
      retries.clear();
      ready.clear();
    },
    onDelivered(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
