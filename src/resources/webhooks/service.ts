// The webhooks service: subscriptions (create, list, update, rotate, delete, ping), the outbox the
// event bus writes with each change (the event and a pending delivery per subscription), the
// delivery log, redelivery, and waiting for a delivered event. Never touches HTTP.
import type { ResourceParts } from '../../api/resource.js';
import { ApiError } from '../../errors.js';
import type { FakeEvent } from '../../events.js';
import { createUuidV7, nextFreeId } from '../../ids.js';
import type { Change } from '../../store/store.js';
import { packageVersion } from '../../version.js';
import { newClientRecord } from '../clients/records.js';
import { newRequestRecord } from '../requests/records.js';
import { toRequestDetail } from '../requests/request-record.js';
import {
  ROTATION_OVERLAP_MS,
  subscribesTo,
  toWebhook,
  WEBHOOK_DELIVERIES,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_EVENTS,
  WEBHOOKS,
  type DeliveryStatus,
  type Webhook,
  type WebhookDeliveryRecord,
  type WebhookEventRecord,
  type WebhookEventType,
  type WebhookRecord,
  type WebhookWithSecret,
} from './records.js';
import { createDeliverySender } from './sender.js';
import { createSigner, generateSecret } from './signing.js';

/** Prefixes of the webhooks' ids. */
export const WEBHOOK_ID_PREFIX = 'whk_';
export const DELIVERY_ID_PREFIX = 'dlv_';

/** The body of a create. */
export interface WebhookInput {
  orgId: string;
  url: string;
  events?: readonly string[];
  description?: string;
  active?: boolean;
}

/** The body of an update: the fields to change. */
export type WebhookChanges = Partial<Pick<WebhookInput, 'url' | 'events' | 'description' | 'active'>>;

/** Filters of the delivery log. */
export interface DeliveryFilter {
  orgId?: string;
  type?: WebhookEventType;
  subscriptionId?: string;
  status?: DeliveryStatus;
}

/** Filters of the event list. */
export interface EventFilter {
  orgId?: string;
  type?: WebhookEventType;
}

/** What a wait looks for, where it resumes and how long it may take (real milliseconds). */
export interface WaitQuery {
  orgId?: string;
  type?: WebhookEventType;
  subscriptionId?: string;
  /** The cursor of the previous answer: only deliveries that succeeded after it. */
  after?: string;
  timeoutMs?: number;
}

/** A delivered event: the event and its delivery. */
export interface DeliveredEvent {
  event: WebhookEventRecord;
  delivery: WebhookDeliveryRecord;
}

/** A wait's answer: what was delivered (empty when the time ran out), where to resume, and what was seen meanwhile. */
export interface WaitAnswer {
  delivered: DeliveredEvent[];
  cursor: string;
  /** The deliveries of the filter's organisation and subscription (any type or status), newest last, at most 20. */
  seen: WebhookDeliveryRecord[];
}

/** The webhooks' operations, for the admin table. */
export interface WebhooksService {
  create(input: WebhookInput): Promise<WebhookWithSecret>;
  list(orgId?: string): Webhook[];
  update(id: string, changes: WebhookChanges): Promise<Webhook>;
  rotateSecret(id: string): Promise<WebhookWithSecret>;
  remove(id: string): Promise<void>;
  ping(id: string): Promise<WebhookDeliveryRecord>;
  deliveries(filter: DeliveryFilter): WebhookDeliveryRecord[];
  redeliver(id: string): Promise<WebhookDeliveryRecord>;
  events(filter: EventFilter): WebhookEventRecord[];
  wait(query: WaitQuery): Promise<WaitAnswer>;
  /** The store changes that record these bus events: the event, and a pending delivery per subscription that takes it. */
  record(events: readonly FakeEvent[]): Change[];
  /** The subscriptions `--webhook` asks for, as seed entries, and the secret they are signed with. */
  startupEntries(): { entries: unknown[]; secret: string | undefined };
  /** Takes up the stored deliveries after a load, reset or import. */
  reload(): void;
  /** Stops sending and ends every wait (on close). */
  stop(): void;
}

/** An http or https URL, or the field error of one that is not. */
function checkUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ApiError('VALIDATION_ERROR', { errors: [{ field: 'url', message: 'Invalid url' }] });
  }
}

/** Most deliveries a wait's `seen` lists. */
const SEEN_LIMIT = 20;

/**
 * Creates the webhooks service and its delivery worker.
 *
 * @example
 * const webhooks = createWebhooksService(parts);
 * const { secret } = await webhooks.create({ orgId: 'org_acme', url: 'http://127.0.0.1:9000/hooks' });
 */
export function createWebhooksService(parts: ResourceParts): WebhooksService {
  const { store, clock, scheduler, logger, config } = parts;
  const subscriptions = store.collection<WebhookRecord>(WEBHOOKS);
  const events = store.collection<WebhookEventRecord>(WEBHOOK_EVENTS);
  const deliveries = store.collection<WebhookDeliveryRecord>(WEBHOOK_DELIVERIES);
  const webhookIds = parts.ids;
  const deliveryIds = parts.idsFor(DELIVERY_ID_PREFIX);
  const eventIds = createUuidV7(clock, parts.random('event-ids'));
  const secrets = parts.random('secrets');
  const startupSecret =
    config.webhookUrls.length === 0 ? undefined : (config.webhookSecret ?? generateSecret(parts.random('startup-secret')));
  const nowIso = (): string => new Date(clock.now()).toISOString();
  const sender = createDeliverySender({
    store,
    clock,
    scheduler,
    outbound: parts.outbound,
    signer: createSigner(),
    realNow: parts.realNow,
    logger,
    userAgent: `athenty-fake/${packageVersion()}`,
  });

  // Deliveries recorded with a bus event, taken up by the worker once the event is published (stored).
  const recorded = new WeakMap<FakeEvent, WebhookDeliveryRecord[]>();
  parts.events.subscribe((event) => {
    const pending = recorded.get(event);
    if (pending !== undefined) sender.enqueue(pending);
  });

  // Deliveries that succeeded, in that order, for waits to resume from; rebuilt on every load.
  let delivered: string[] = [];
  let generation = 0;
  const waiters = new Set<() => void>();
  sender.onDelivered((delivery) => {
    delivered.push(delivery.id);
    for (const waiter of [...waiters]) waiter();
  });

  const recordOf = (id: string): WebhookRecord => {
    const record = subscriptions.get(id);
    if (record === undefined) throw new ApiError('NOT_FOUND');
    return record;
  };

  // `data` is what the bus carried for that type (or a sample of it): the resource as the API answers it.
  const newEvent = (type: WebhookEventType, orgId: string, at: string, data: unknown, test: boolean): WebhookEventRecord =>
    ({
      id: nextFreeId(eventIds, (candidate) => events.get(candidate) !== undefined),
      orgId,
      type,
      test,
      data,
      createdAt: at,
    }) as WebhookEventRecord;

  const newDelivery = (subscription: WebhookRecord, event: WebhookEventRecord, now: string): WebhookDeliveryRecord => ({
    id: nextFreeId(deliveryIds, (candidate) => deliveries.get(candidate) !== undefined),
    orgId: subscription.orgId,
    subscriptionId: subscription.id,
    eventId: event.id,
    eventType: event.type,
    status: 'pending',
    attempts: [],
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  });

  /** Stores `changes` with new deliveries and hands these to the worker once stored. */
  const storeDeliveries = async (changes: Change[], created: WebhookDeliveryRecord[]): Promise<void> => {
    await store.apply([...changes, ...created.map((insert): Change => ({ collection: WEBHOOK_DELIVERIES, insert }))]);
    sender.enqueue(created);
  };

  /** A sample resource of an event type, for a test ping. */
  const sampleOf = (type: WebhookEventType, orgId: string, now: string): unknown => {
    if (type === 'client.created') {
      return newClientRecord(
        { nameFirst: 'Jane', nameLast: 'Smith', email: 'jane@example.com', memberType: 'individual' },
        { id: 'clt_00000000000000000000000000', orgId, now },
      );
    }
    const request = newRequestRecord(
      { type: 'idv', requirements: ['document'], clientId: null },
      { id: 'req_00000000000000000000000000', orgId, now, accessToken: '0'.repeat(32), organisation: parts.organisation(orgId) },
    );
    const status = type === 'request.created' ? request.status : (type.slice('request.'.length) as typeof request.status);
    return toRequestDetail({ ...request, status });
  };

  const matches = (delivery: WebhookDeliveryRecord, query: WaitQuery): boolean =>
    (query.orgId === undefined || delivery.orgId === query.orgId) &&
    (query.type === undefined || delivery.eventType === query.type) &&
    (query.subscriptionId === undefined || delivery.subscriptionId === query.subscriptionId);

  const stopWaits = new Set<() => void>();
  const service: WebhooksService = {
    async create(input) {
      checkUrl(input.url);
      const now = nowIso();
      const record: WebhookRecord = {
        id: nextFreeId(webhookIds, (candidate) => subscriptions.get(candidate) !== undefined),
        orgId: input.orgId,
        url: input.url,
        events: input.events ?? ['*'],
        description: input.description ?? '',
        active: input.active ?? true,
        secret: generateSecret(secrets),
        previousSecret: null,
        previousSecretUntil: null,
        createdAt: now,
        updatedAt: now,
      };
      await store.apply([{ collection: WEBHOOKS, insert: record }]);
      return { ...toWebhook(record), secret: record.secret };
    },

    list(orgId) {
      return subscriptions.all(orgId).map(toWebhook);
    },

    async update(id, changes) {
      const record = recordOf(id);
      if (changes.url !== undefined) checkUrl(changes.url);
      const next: WebhookRecord = {
        ...record,
        ...(changes.url === undefined ? {} : { url: changes.url }),
        ...(changes.events === undefined ? {} : { events: changes.events }),
        ...(changes.description === undefined ? {} : { description: changes.description }),
        ...(changes.active === undefined ? {} : { active: changes.active }),
        updatedAt: nowIso(),
      };
      await store.apply([{ collection: WEBHOOKS, update: next }]);
      sender.changed(id);
      return toWebhook(next);
    },

    async rotateSecret(id) {
      const record = recordOf(id);
      const now = clock.now();
      const next: WebhookRecord = {
        ...record,
        secret: generateSecret(secrets),
        previousSecret: record.secret,
        previousSecretUntil: new Date(now + ROTATION_OVERLAP_MS).toISOString(),
        updatedAt: new Date(now).toISOString(),
      };
      await store.apply([{ collection: WEBHOOKS, update: next }]);
      sender.changed(id);
      return { ...toWebhook(next), secret: next.secret };
    },

    async remove(id) {
      recordOf(id);
      const now = nowIso();
      // What was still to be sent is not: the log keeps it, canceled.
      const canceled = deliveries
        .forOrg(subscriptions.get(id)?.orgId ?? '')
        .filter((d) => d.subscriptionId === id && d.status === 'pending')
        .map((d): Change => {
          const update: WebhookDeliveryRecord = { ...d, status: 'canceled', nextAttemptAt: null, updatedAt: now };
          return { collection: WEBHOOK_DELIVERIES, update };
        });
      await store.apply([...canceled, { collection: WEBHOOKS, remove: id }]);
      sender.changed(id);
    },

    async ping(id) {
      const subscription = recordOf(id);
      const type = (WEBHOOK_EVENT_TYPES.find((t) => subscribesTo(subscription, t)) ?? WEBHOOK_EVENT_TYPES[0]) as WebhookEventType;
      const now = nowIso();
      const event = newEvent(type, subscription.orgId, now, sampleOf(type, subscription.orgId, now), true);
      const delivery = newDelivery(subscription, event, now);
      await storeDeliveries([{ collection: WEBHOOK_EVENTS, insert: event }], [delivery]);
      return delivery;
    },

    deliveries(filter) {
      return deliveries
        .all(filter.orgId)
        .filter(
          (d) =>
            (filter.type === undefined || d.eventType === filter.type) &&
            (filter.subscriptionId === undefined || d.subscriptionId === filter.subscriptionId) &&
            (filter.status === undefined || d.status === filter.status),
        );
    },

    async redeliver(id) {
      const previous = deliveries.get(id);
      if (previous === undefined) throw new ApiError('NOT_FOUND');
      const subscription = recordOf(previous.subscriptionId);
      const event = events.get(previous.eventId);
      if (event === undefined) throw new ApiError('NOT_FOUND');
      const delivery = newDelivery(subscription, event, nowIso());
      await storeDeliveries([], [delivery]);
      return delivery;
    },

    events(filter) {
      return events.all(filter.orgId).filter((e) => filter.type === undefined || e.type === filter.type);
    },

    wait(query) {
      const [from, start] = (query.after ?? '').split(':').map(Number);
      let index = from === generation ? (start as number) : 0;
      const answer = (found: DeliveredEvent[]): WaitAnswer => ({
        delivered: found,
        cursor: `${generation}:${delivered.length}`,
        seen: deliveries
          .all(query.orgId)
          .filter((d) => query.subscriptionId === undefined || d.subscriptionId === query.subscriptionId)
          .slice(-SEEN_LIMIT),
      });
      const found = (): DeliveredEvent[] => {
        const list: DeliveredEvent[] = [];
        for (; index < delivered.length; index++) {
          const delivery = deliveries.get(delivered[index] as string);
          const event = delivery === undefined ? undefined : events.get(delivery.eventId);
          if (delivery !== undefined && event !== undefined && delivery.status === 'delivered' && matches(delivery, query))
            list.push({ event, delivery });
        }
        return list;
      };
      const now = found();
      if (now.length > 0 || (query.timeoutMs ?? 0) <= 0) return Promise.resolve(answer(now));
      return new Promise((resolve) => {
        const done = (list: DeliveredEvent[]): void => {
          waiters.delete(check);
          stopWaits.delete(expire);
          clearTimeout(timer);
          resolve(answer(list));
        };
        const check = (): void => {
          const list = found();
          if (list.length > 0) done(list);
        };
        const expire = (): void => done([]);
        const timer = setTimeout(expire, query.timeoutMs);
        waiters.add(check);
        // stop() ends every wait at once, as if its time ran out.
        stopWaits.add(expire);
      });
    },

    record(published) {
      const changes: Change[] = [];
      for (const bus of published) {
        if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(bus.type)) continue;
        const event = newEvent(bus.type as WebhookEventType, bus.orgId, bus.at, bus.data, false);
        changes.push({ collection: WEBHOOK_EVENTS, insert: event });
        const created: WebhookDeliveryRecord[] = [];
        for (const subscription of subscriptions.forOrg(bus.orgId)) {
          if (!subscription.active || !subscribesTo(subscription, bus.type)) continue;
          const delivery = newDelivery(subscription, event, bus.at);
          created.push(delivery);
          changes.push({ collection: WEBHOOK_DELIVERIES, insert: delivery });
        }
        if (created.length > 0) recorded.set(bus, created);
      }
      return changes;
    },

    startupEntries() {
      const entries = parts.orgIds.flatMap((orgId) =>
        config.webhookUrls.map((url) => ({ orgId, url, events: ['*'], description: 'athenty-fake --webhook', secret: startupSecret })),
      );
      return { entries, secret: startupSecret };
    },

    reload() {
      generation++;
      delivered = deliveries
        .all()
        .filter((d) => d.status === 'delivered')
        .map((d) => d.id);
      sender.reload();
    },

    stop() {
      sender.stop();
      for (const expire of [...stopWaits]) expire();
    },
  };

  parts.events.record((published) => service.record(published));
  return service;
}
