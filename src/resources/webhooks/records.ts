// The webhooks' stored records (subscriptions, events, deliveries), how the admin API shows them,
// and the contract's fixed choices: event types, the retry schedule, the payload envelope.
import type { StoredRecord } from '../../store/stored-record.js';
import type { ClientRecord } from '../clients/client-record.js';
import type { RequestDetail } from '../requests/request-record.js';

/** The collections of the webhooks resource. */
export const WEBHOOKS = 'webhooks';
export const WEBHOOK_EVENTS = 'webhookEvents';
export const WEBHOOK_DELIVERIES = 'webhookDeliveries';

/** The events the fake sends (the documented names of the resources it serves), in the order a `*` ping samples them. */
export const WEBHOOK_EVENT_TYPES = [
  'client.created',
  'request.created',
  'request.approved',
  'request.rejected',
  'request.expired',
] as const;

/** One event type. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Waits before attempts 2 to 6, on the fake's clock: 5 s, 30 s, 2 min, 10 min, 30 min. */
export const RETRY_DELAYS_MS: readonly number[] = [5_000, 30_000, 120_000, 600_000, 1_800_000];

/** Attempts a delivery gets before it is `failed`. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** How long the previous secret still signs after a rotation, on the fake's clock. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** A subscription as stored: the admin view and its secrets. */
export interface WebhookRecord extends StoredRecord {
  readonly url: string;
  /** Event types, or `['*']` for every one. */
  readonly events: readonly string[];
  readonly description: string;
  readonly active: boolean;
  readonly secret: string;
  /** The secret before the last rotation, still signing until `previousSecretUntil`. */
  readonly previousSecret: string | null;
  readonly previousSecretUntil: string | null;
  readonly updatedAt: string;
}

/** A subscription as the admin API shows it: no secrets. */
export interface Webhook {
  id: string;
  orgId: string;
  url: string;
  events: readonly string[];
  description: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A subscription with its secret: the answer of create and rotate, the only ones that show it. */
export type WebhookWithSecret = Webhook & { secret: string };

/** What an event's `data` is, by its type: the resource as the API answered it at the event's time. */
export interface WebhookEventData {
  'client.created': ClientRecord;
  'request.created': RequestDetail;
  'request.approved': RequestDetail;
  'request.rejected': RequestDetail;
  'request.expired': RequestDetail;
}

/** An emitted event of one type. */
export interface WebhookEventOf<T extends WebhookEventType> extends StoredRecord {
  readonly type: T;
  /** True only for test pings. */
  readonly test: boolean;
  /** The resource as the API answered it at the event's time (a Client, or a Request with its detail). */
  readonly data: WebhookEventData[T];
}

/**
 * An emitted event, stored whether or not anything was subscribed: a union by `type`, so that
 * checking the type narrows `data`.
 *
 * @example
 * const approved = (e: WebhookEventRecord) => e.type === 'request.approved' && e.data.status === 'approved';
 */
export type WebhookEventRecord = { [T in WebhookEventType]: WebhookEventOf<T> }[WebhookEventType];

/** A delivery's state. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'canceled';

/** One attempt of a delivery, as logged. */
export interface DeliveryAttempt {
  /** 1 for the first. */
  attempt: number;
  /** When it was handed over to be sent (it goes out then, or right after the ones before it), on the fake's clock. */
  at: string;
  /** The answer's status code, `null` when none came. */
  status: number | null;
  /** What went wrong, `null` for a 2xx answer that came whole in time. */
  error: string | null;
  /** Real milliseconds until the answer ended (or the error). */
  durationMs: number;
  /** The first 4 KB of the answer's body. */
  body: string;
}

/** The delivery of one event to one subscription, with its log. */
export interface WebhookDeliveryRecord extends StoredRecord {
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly eventType: WebhookEventType;
  readonly status: DeliveryStatus;
  readonly attempts: readonly DeliveryAttempt[];
  /** When the next attempt is due on the fake's clock; `null` once it is no longer pending. */
  readonly nextAttemptAt: string | null;
  readonly updatedAt: string;
}

/** The payload a receiver gets (the documented envelope, in snake_case). */
export interface WebhookPayload {
  id: string;
  type: string;
  created_at: string;
  tenant_id: string;
  data: unknown;
  metadata: { test: boolean; delivery_attempt: number };
}

/**
 * The subscription as the admin API shows it.
 *
 * @example
 * toWebhook(record); // { id, orgId, url, events, description, active, createdAt, updatedAt }
 */
export function toWebhook(record: WebhookRecord): Webhook {
  return {
    id: record.id,
    orgId: record.orgId,
    url: record.url,
    events: record.events,
    description: record.description,
    active: record.active,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/**
 * Whether a subscription takes events of this type.
 *
 * @example
 * subscribesTo({ events: ['*'] }, 'request.approved'); // true
 */
export function subscribesTo(record: Pick<WebhookRecord, 'events'>, type: string): boolean {
  return record.events.includes('*') || record.events.includes(type);
}

/**
 * The payload of an attempt: `created_at` without milliseconds, as the documented example.
 *
 * @example
 * JSON.stringify(payloadOf(event, 1)); // '{"id":"019b...","type":"client.created","created_at":"2026-05-07T20:15:00Z",...}'
 */
export function payloadOf(event: WebhookEventRecord, attempt: number): WebhookPayload {
  return {
    id: event.id,
    type: event.type,
    created_at: `${event.createdAt.slice(0, 19)}Z`,
    tenant_id: event.orgId,
    data: event.data,
    metadata: { test: event.test, delivery_attempt: attempt },
  };
}

// The webhooks' collections in a state snapshot (GET/PUT /__admin/state, seed files).
declare module '../../admin/state.js' {
  interface StateSnapshot {
    webhooks: WebhookRecord[];
    webhookEvents: WebhookEventRecord[];
    webhookDeliveries: WebhookDeliveryRecord[];
  }
}
