// The webhooks' admin operations (the real service configures webhooks in its portal, so these are
// the only way in): subscriptions, pings, the delivery log, redelivery, the emitted events, and a
// wait for a delivered event that the handles turn into waitFor().
import type { AdminHttpInput, ResourceAdminHandleOf } from '../../admin/operations.js';
import type { ResourceAdminTree } from '../../api/resource.js';
import { ApiError, type FieldError } from '../../errors.js';
import { checkFor, coerceQueryFor } from '../../validation/validator.js';
import type { Webhook, WebhookDeliveryRecord, WebhookEventRecord, WebhookEventType, WebhookWithSecret } from './records.js';
import type {
  DeliveredEvent,
  DeliveryFilter,
  EventFilter,
  WaitAnswer,
  WaitQuery,
  WebhookChanges,
  WebhookInput,
  WebhooksService,
} from './service.js';

/** What the webhooks' admin operations run on. */
export interface WebhooksApi {
  service: WebhooksService;
}

/** What waitFor() looks for: the wait's filters, a condition on the event, and how long to wait (real ms, default 5000). */
export interface WaitForFilter {
  orgId?: string;
  type?: WebhookEventType;
  subscriptionId?: string;
  /** A condition the delivered event must meet too (e.g. on its `data`). */
  where?: (event: WebhookEventRecord) => boolean;
  timeoutMs?: number;
}

/**
 * What waitFor() rejects with when no matching event was delivered in time: the deliveries it saw.
 *
 * @example
 * try {
 *   await fake.webhooks.waitFor({ type: 'request.approved', timeoutMs: 1000 });
 * } catch (error) {
 *   if (error instanceof WebhookWaitTimeout) console.log(error.seen);
 * }
 */
export class WebhookWaitTimeout extends Error {
  readonly seen: readonly WebhookDeliveryRecord[];

  constructor(filter: Omit<WaitForFilter, 'where'>, conditional: boolean, timeoutMs: number, seen: readonly WebhookDeliveryRecord[]) {
    const wanted = JSON.stringify(filter) + (conditional ? ' meeting the condition' : '');
    const lines = seen.map((d) => {
      const last = d.attempts.at(-1);
      const outcome = last === undefined ? 'not sent yet' : `attempt ${last.attempt}: ${last.error ?? last.status}`;
      return `  ${d.id} ${d.eventType} to ${d.subscriptionId}: ${d.status} (${outcome})`;
    });
    super(`no webhook ${wanted} was delivered within ${timeoutMs} ms; seen:${lines.length === 0 ? ' nothing' : `\n${lines.join('\n')}`}`);
    this.name = 'WebhookWaitTimeout';
    this.seen = seen;
  }
}

const DEFAULT_WAIT_MS = 5000;

function validOrThrow(errors: FieldError[]): void {
  if (errors.length > 0) throw new ApiError('VALIDATION_ERROR', { errors });
}

const toDeliveryFilter = coerceQueryFor('webhook-delivery-filter.schema.json');
const toWaitQuery = coerceQueryFor('webhook-wait.schema.json');

/** An operation on one subscription, by `{id}`. */
const BY_ID = {
  input: (id: string): string => id,
  toHttp: (id: string) => ({ params: { id } }),
  fromHttp: ({ params }: AdminHttpInput): string => params.id ?? '',
};

/**
 * `/__admin/webhooks...`, on the handles as `fake.webhooks.*`.
 *
 * @example
 * const { id, secret } = await fake.webhooks.create({ orgId: 'org_acme', url: receiver.url });
 * const { event } = await fake.webhooks.waitFor({ type: 'request.approved', where: (e) => e.data.id === requestId });
 */
export const WEBHOOK_ADMIN = {
  create: {
    method: 'POST',
    path: '',
    status: 201,
    summary:
      'Subscribe an organisation: {orgId, url (http or https), events (names or "*", the default), description, active}; 201 with the subscription and its whsec_ secret, shown this once; 422 for a URL that is not http or https',
    bodySchema: 'webhook-create.schema.json',
    input: (input: WebhookInput): WebhookInput => input,
    toHttp: (input: WebhookInput) => ({ body: input }),
    fromHttp: ({ body }: AdminHttpInput): WebhookInput => (body ?? {}) as WebhookInput,
    run: ({ service }: WebhooksApi, input: WebhookInput): Promise<WebhookWithSecret> => {
      validOrThrow(checkFor('webhook-create.schema.json')(input));
      return service.create(input);
    },
  },
  list: {
    method: 'GET',
    path: '',
    summary: "The subscriptions (?orgId= one organisation's), oldest first, without their secrets: {webhooks: [...]}",
    querySchema: 'orgId',
    input: (options?: { orgId?: string }): { orgId?: string } => ({ orgId: options?.orgId }),
    toHttp: ({ orgId }: { orgId?: string }) => ({ query: { orgId } }),
    fromHttp: ({ query }: AdminHttpInput): { orgId?: string } => ({ orgId: typeof query.orgId === 'string' ? query.orgId : undefined }),
    run: ({ service }: WebhooksApi, { orgId }: { orgId?: string }): { webhooks: Webhook[] } => ({ webhooks: service.list(orgId) }),
    result: (body: { webhooks: Webhook[] }): Webhook[] => body.webhooks,
  },
  update: {
    method: 'PATCH',
    path: '/:id',
    summary:
      'Change a subscription: any of {url, events, description, active}; an inactive one gets no new deliveries and sends none until active again; 404 unknown',
    bodySchema: 'webhook-update.schema.json',
    input: (id: string, changes: WebhookChanges): { id: string; changes: WebhookChanges } => ({ id, changes }),
    toHttp: ({ id, changes }: { id: string; changes: WebhookChanges }) => ({ params: { id }, body: changes }),
    fromHttp: ({ params, body }: AdminHttpInput) => ({ id: params.id ?? '', changes: (body ?? {}) as WebhookChanges }),
    run: ({ service }: WebhooksApi, { id, changes }: { id: string; changes: WebhookChanges }): Promise<Webhook> => {
      validOrThrow(checkFor('webhook-update.schema.json')(changes));
      return service.update(id, changes);
    },
  },
  rotateSecret: {
    ...BY_ID,
    method: 'POST',
    path: '/:id/rotate-secret',
    summary:
      "Give a subscription a new secret, answered this once with the subscription; for 24 h of the fake's clock deliveries carry the old secret's signature beside the new one's; 404 unknown",
    run: ({ service }: WebhooksApi, id: string): Promise<WebhookWithSecret> => service.rotateSecret(id),
  },
  remove: {
    ...BY_ID,
    method: 'DELETE',
    path: '/:id',
    status: 204,
    summary: 'Delete a subscription (204); its pending deliveries are canceled, the log keeps them; 404 unknown',
    run: ({ service }: WebhooksApi, id: string): Promise<void> => service.remove(id),
  },
  ping: {
    ...BY_ID,
    method: 'POST',
    path: '/:id/ping',
    status: 201,
    summary:
      'Send a test ping: an event with metadata.test true carrying a sample of the first event type subscribed; 201 with its pending delivery; 404 unknown',
    run: ({ service }: WebhooksApi, id: string): Promise<WebhookDeliveryRecord> => service.ping(id),
  },
  deliveries: {
    list: {
      method: 'GET',
      path: '/deliveries',
      summary:
        'The delivery log, oldest first: each delivery with status (pending, delivered, failed, canceled), nextAttemptAt and its attempts (time, status or error, durationMs, first 4 KB of the body); filters orgId, type, subscriptionId, status',
      querySchema: 'webhook-delivery-filter.schema.json',
      input: (filter?: DeliveryFilter): DeliveryFilter => filter ?? {},
      toHttp: (filter: DeliveryFilter) => ({ query: { ...filter } }),
      fromHttp: ({ query }: AdminHttpInput): DeliveryFilter => toDeliveryFilter(query) as DeliveryFilter,
      run: ({ service }: WebhooksApi, filter: DeliveryFilter): { deliveries: WebhookDeliveryRecord[] } => {
        validOrThrow(checkFor('webhook-delivery-filter.schema.json')(filter));
        return { deliveries: service.deliveries(filter) };
      },
      result: (body: { deliveries: WebhookDeliveryRecord[] }): WebhookDeliveryRecord[] => body.deliveries,
    },
    redeliver: {
      ...BY_ID,
      method: 'POST',
      path: '/deliveries/:id/redeliver',
      status: 201,
      summary:
        "Send a delivery's event to its subscription again, as a new delivery (attempts from 1); 201 with it; 404 unknown delivery or subscription",
      run: ({ service }: WebhooksApi, id: string): Promise<WebhookDeliveryRecord> => service.redeliver(id),
    },
  },
  waitFor: {
    method: 'GET',
    path: '/deliveries/wait',
    summary:
      "Wait (up to timeoutMs real ms, default 5000) for a delivered event matching orgId, type, subscriptionId, after the cursor `after`: {delivered: [{event, delivery}], cursor, seen}; delivered is empty when the time ran out. The handles' waitFor({type, orgId, subscriptionId, where, timeoutMs}) resumes it until an event meets `where`, and rejects with what was seen",
    querySchema: 'webhook-wait.schema.json',
    input: (query: WaitQuery): WaitQuery => query,
    toHttp: (query: WaitQuery) => ({ query: { ...query } }),
    fromHttp: ({ query }: AdminHttpInput): WaitQuery => toWaitQuery(query) as WaitQuery,
    run: ({ service }: WebhooksApi, query: WaitQuery): Promise<WaitAnswer> => {
      validOrThrow(checkFor('webhook-wait.schema.json')(query));
      return service.wait(query);
    },
    /**
     * `fake.webhooks.waitFor(filter)`: the first delivered event that matches (one delivered before
     * the call counts), or a {@link WebhookWaitTimeout}; both handles resume the wait alike.
     */
    async call(send: (query: WaitQuery) => Promise<WaitAnswer>, filter: WaitForFilter = {}): Promise<DeliveredEvent> {
      const { where, timeoutMs = DEFAULT_WAIT_MS, ...query } = filter;
      const deadline = performance.now() + timeoutMs;
      let after: string | undefined;
      for (;;) {
        const remaining = Math.max(0, Math.round(deadline - performance.now()));
        const answer = await send({ ...query, ...(after === undefined ? {} : { after }), timeoutMs: remaining });
        const found = answer.delivered.find(({ event }) => where === undefined || where(event));
        if (found !== undefined) return found;
        if (answer.delivered.length === 0) throw new WebhookWaitTimeout(query, where !== undefined, timeoutMs, answer.seen);
        after = answer.cursor;
      }
    },
  },
  events: {
    list: {
      method: 'GET',
      path: '/events',
      summary:
        'Every event emitted, oldest first, whether or not anything was subscribed (test pings too): {events: [{id, orgId, type, test, data, createdAt}]}; filters orgId, type',
      querySchema: 'webhook-event-filter.schema.json',
      input: (filter?: EventFilter): EventFilter => filter ?? {},
      toHttp: (filter: EventFilter) => ({ query: { ...filter } }),
      fromHttp: ({ query }: AdminHttpInput): EventFilter => query as EventFilter,
      run: ({ service }: WebhooksApi, filter: EventFilter): { events: WebhookEventRecord[] } => {
        validOrThrow(checkFor('webhook-event-filter.schema.json')(filter));
        return { events: service.events(filter) };
      },
      result: (body: { events: WebhookEventRecord[] }): WebhookEventRecord[] => body.events,
    },
  },
} satisfies ResourceAdminTree<WebhooksApi>;

// The webhooks' controls on the handles (fake.webhooks.*), typed.
declare module '../../admin/handle.js' {
  interface ResourceAdminHandles {
    webhooks: ResourceAdminHandleOf<typeof WEBHOOK_ADMIN>;
  }
}
