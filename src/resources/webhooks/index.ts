// The webhooks resource: subscriptions per organisation, the events the other resources commit,
// and their signed deliveries with retries on the fake's clock. Admin operations only: the real
// service has no public API for webhook configuration.
import type { ResourceModule } from '../../api/resource.js';
import { nextFreeId } from '../../ids.js';
import type { Change } from '../../store/store.js';
import { WEBHOOK_ADMIN, type WebhooksApi } from './admin.js';
import {
  WEBHOOK_DELIVERIES,
  WEBHOOK_EVENTS,
  WEBHOOKS,
  type WebhookDeliveryRecord,
  type WebhookEventRecord,
  type WebhookRecord,
} from './records.js';
import { createWebhooksService, DELIVERY_ID_PREFIX, WEBHOOK_ID_PREFIX } from './service.js';
import { generateSecret } from './signing.js';

/** A subscription entry of a seed file, state import or `--webhook`. */
interface WebhookEntry {
  id?: string;
  orgId: string;
  url: string;
  events?: readonly string[];
  description?: string;
  active?: boolean;
  secret?: string;
  previousSecret?: string | null;
  previousSecretUntil?: string | null;
  createdAt?: string;
  updatedAt?: string;
}

/**
 * The webhooks resource.
 *
 * @example
 * const RESOURCES = [clients, requests, webhooks];
 */
export const webhooks: ResourceModule<WebhooksApi> = {
  name: WEBHOOKS,
  collections: [
    {
      name: WEBHOOKS,
      idPrefix: WEBHOOK_ID_PREFIX,
      recordSchema: 'webhook.schema.json',
      entrySchema: 'webhook-entry.schema.json',
      requiredInSnapshot: false,
    },
    {
      name: WEBHOOK_EVENTS,
      idPrefix: 'evt_',
      recordSchema: 'webhook-event.schema.json',
      entrySchema: 'webhook-event.schema.json',
      requiredInSnapshot: false,
    },
    {
      name: WEBHOOK_DELIVERIES,
      idPrefix: DELIVERY_ID_PREFIX,
      recordSchema: 'webhook-delivery.schema.json',
      entrySchema: 'webhook-delivery.schema.json',
      requiredInSnapshot: false,
    },
  ],
  schemaFiles: [
    'webhook.schema.json',
    'webhook-entry.schema.json',
    'webhook-create.schema.json',
    'webhook-update.schema.json',
    'webhook-event.schema.json',
    'webhook-delivery.schema.json',
    'webhook-delivery-filter.schema.json',
    'webhook-event-filter.schema.json',
    'webhook-wait.schema.json',
  ],
  operations: [],
  admin: WEBHOOK_ADMIN,
  create(parts) {
    const service = createWebhooksService(parts);
    const seedSecrets = parts.random('seed-secrets');
    const startup = service.startupEntries();
    const subscriptions = parts.store.collection<WebhookRecord>(WEBHOOKS);
    const recordOf = (entry: WebhookEntry, fill: { nextId: () => string; now: string }): WebhookRecord => ({
      id: entry.id ?? fill.nextId(),
      orgId: entry.orgId,
      url: entry.url,
      events: entry.events ?? ['*'],
      description: entry.description ?? '',
      active: entry.active ?? true,
      secret: entry.secret ?? generateSecret(seedSecrets),
      previousSecret: entry.previousSecret ?? null,
      previousSecretUntil: entry.previousSecretUntil ?? null,
      createdAt: entry.createdAt ?? fill.now,
      updatedAt: entry.updatedAt ?? entry.createdAt ?? fill.now,
    });
    return {
      api: { service },
      state: {
        recordsFrom: {
          [WEBHOOKS]: (entries, fill) => (entries as WebhookEntry[]).map((entry) => recordOf(entry, fill)),
          // Events and deliveries are imported as exported: whole records.
          [WEBHOOK_EVENTS]: (entries) => entries as WebhookEventRecord[],
          [WEBHOOK_DELIVERIES]: (entries) => entries as WebhookDeliveryRecord[],
        },
        check: {
          [WEBHOOK_DELIVERIES]: (entries, snapshot) => {
            // A delivery names an event and a subscription of the same snapshot.
            const eventIds = new Set((snapshot[WEBHOOK_EVENTS] ?? []).map((e) => (e as WebhookEventRecord).id));
            const subscriptionIds = new Set((snapshot[WEBHOOKS] ?? []).map((s) => (s as WebhookEntry).id));
            return (entries as WebhookDeliveryRecord[]).flatMap((entry, index) => [
              ...(eventIds.has(entry.eventId) ? [] : [{ field: `${index}.eventId`, message: 'Event not found' }]),
              ...(subscriptionIds.has(entry.subscriptionId) ? [] : [{ field: `${index}.subscriptionId`, message: 'Webhook not found' }]),
            ]);
          },
        },
        seedEntries: () => ({ [WEBHOOKS]: startup.entries }),
        // A store that existed keeps its subscriptions, those of an earlier --webhook too (stored
        // data, even when the URL is no longer given). Each organisation gets a --webhook URL it is
        // not yet subscribed at, whatever the state of a subscription there; a --webhook-secret
        // given replaces the secret of the one there (a generated secret never does).
        async ensureOnStart() {
          const now = new Date(parts.clock.now()).toISOString();
          const nextId = (): string => nextFreeId(parts.ids, (candidate) => subscriptions.get(candidate) !== undefined);
          const given = parts.config.webhookSecret;
          const changes: Change[] = [];
          for (const entry of startup.entries as WebhookEntry[]) {
            const held = subscriptions.forOrg(entry.orgId).find((s) => s.url === entry.url);
            if (held === undefined) changes.push({ collection: WEBHOOKS, insert: recordOf(entry, { nextId, now }) });
            else if (given !== undefined && held.secret !== given) {
              const update: WebhookRecord = { ...held, secret: given, previousSecret: null, previousSecretUntil: null, updatedAt: now };
              changes.push({ collection: WEBHOOKS, update });
            }
          }
          if (changes.length > 0) await parts.store.apply(changes);
        },
        afterLoad: () => service.reload(),
      },
      startupNotes() {
        if (startup.secret === undefined) return [];
        const urls = new Set(parts.config.webhookUrls);
        const secrets = new Set(
          parts.store
            .collection<WebhookRecord>(WEBHOOKS)
            .all()
            .filter((s) => urls.has(s.url) && parts.orgIds.includes(s.orgId))
            .map((s) => s.secret),
        );
        return [`Webhooks (--webhook ${[...urls].join(' ')}) for ${parts.orgIds.join(', ')}, signed with: ${[...secrets].join(' ')}`];
      },
      stop: () => service.stop(),
      sample: (_fields, orgId) => ({ orgId }),
    };
  },
};

export type { WebhookRecord, WebhookEventRecord, WebhookDeliveryRecord };
