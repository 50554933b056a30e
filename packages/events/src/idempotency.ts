/** Where an app remembers the events it has applied. Keep it beside the effects (same database, same transaction) when you can. */
export interface IdempotencyStore {
  /** True when the event id was recorded before. */
  seen(eventId: string): Promise<boolean>;
  /** Records the event id once its effect is durable. */
  remember(eventId: string): Promise<void>;
}

/** An in-process store of the last `max` event ids: enough against redeliveries, not across restarts. */
export function memoryIdempotencyStore(max = 100_000): IdempotencyStore {
  const ids = new Set<string>();
  return {
    seen: async (id) => ids.has(id),
    async remember(id) {
      ids.add(id);
      // A Set iterates in insertion order: the first one is the oldest.
      if (ids.size > max) ids.delete(ids.values().next().value!);
    },
  };
}

/**
 * Wraps a handler so that an event whose id the store has seen is skipped: at-least-once delivery (redeliveries,
 * replays, publisher retries) then has an exactly-once effect, as long as the effect and `remember` both happen.
 */
export function idempotent<E extends { id: string }, C>(
  store: IdempotencyStore,
  handler: (event: E, ctx: C) => Promise<void> | void,
) {
  return async (event: E, ctx: C): Promise<void> => {
    if (await store.seen(event.id)) return;
    await handler(event, ctx);
    await store.remember(event.id);
  };
}
