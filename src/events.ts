// The in-process event bus: resources commit what happened (a record created, a status moved) with
// the store change that caused it, and other parts (webhooks, the inspector) record and subscribe,
// without either knowing the other.
import type { Change, Store } from './store/store.js';

/** Something that happened, by type, with its data. */
export interface FakeEvent {
  /** Dotted type, e.g. `client.created`. */
  readonly type: string;
  /** The organisation it belongs to. */
  readonly orgId: string;
  /** ISO 8601 instant by the fake's clock. */
  readonly at: string;
  readonly data: unknown;
}

/** Store changes that record events (an outbox), made while the change that caused them is written. */
export type EventRecorder = (events: readonly FakeEvent[]) => readonly Change[];

/** Commit, record and subscribe, synchronously and in order. */
export interface EventBus {
  /**
   * Applies `changes` in one store write together with the changes the recorders make for `events`,
   * then publishes `events` in order. When the write fails nothing is recorded nor published.
   */
  commit(changes: readonly Change[], events: readonly FakeEvent[]): Promise<void>;
  /** Adds `recorder`'s changes to every commit; returns the function that removes it. */
  record(recorder: EventRecorder): () => void;
  /** Calls `listener` for every event published (committed) after this; returns the unsubscribe function. */
  subscribe(listener: (event: FakeEvent) => void): () => void;
}

/**
 * Creates an event bus over the store. A listener that throws is reported and never stops the
 * others, nor the request that committed the event.
 *
 * @example
 * const events = createEventBus(store, (error) => logger.error(String(error)));
 * events.subscribe((event) => seen.push(event.type));
 * await events.commit([{ collection: 'clients', insert: record }], [{ type: 'client.created', orgId, at, data: record }]);
 */
export function createEventBus(store: Pick<Store, 'apply'>, onListenerError: (error: unknown) => void): EventBus {
  let listeners: ((event: FakeEvent) => void)[] = [];
  let recorders: EventRecorder[] = [];
  return {
    async commit(changes, events) {
      const recorded = events.length === 0 ? [] : recorders.flatMap((recorder) => recorder(events));
      await store.apply(recorded.length === 0 ? changes : [...changes, ...recorded]);
      for (const event of events) {
        for (const listener of listeners) {
          try {
            listener(event);
          } catch (error) {
            onListenerError(error);
          }
        }
      }
    },
    record(recorder) {
      recorders = [...recorders, recorder];
      return () => {
        recorders = recorders.filter((r) => r !== recorder);
      };
    },
    subscribe(listener) {
      listeners = [...listeners, listener];
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
  };
}
