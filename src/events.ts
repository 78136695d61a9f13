// The in-process event bus: resources publish what happened (a record created, a status moved),
// and other parts (webhooks, the inspector) subscribe, without either knowing the other.

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

/** Publish and subscribe, synchronously and in order. */
export interface EventBus {
  publish(event: FakeEvent): void;
  /** Calls `listener` for every event published after this; returns the unsubscribe function. */
  subscribe(listener: (event: FakeEvent) => void): () => void;
}

/**
 * Creates an event bus. A listener that throws is reported and never stops the others, nor the
 * request that published the event.
 *
 * @example
 * const events = createEventBus((error) => logger.error(String(error)));
 * events.subscribe((event) => seen.push(event.type));
 * events.publish({ type: 'client.created', orgId, at, data: record });
 */
export function createEventBus(onListenerError: (error: unknown) => void): EventBus {
  let listeners: ((event: FakeEvent) => void)[] = [];
  return {
    publish(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      listeners = [...listeners, listener];
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
  };
}
