import type { Collection, Filter } from 'mongodb';
import { publishEvent, type AggregateDoc, type JetStreamClient, type Logger } from '@passerelle/platform';

/**
 * Runs tasks one at a time per key, in call order. FerretDB 1.x applies an update by reading the document and
 * writing it back whole, so two writers of one aggregate can silently undo each other (a relay marking events
 * published can revert a command written meanwhile). Serialising every write of an aggregate in the process avoids it.
 */
export function createKeyedQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return function enqueue<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(task);
    const tail = result.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}

export interface PublishTarget {
  js: JetStreamClient;
  prefix: string;
  logger: Logger;
}

/**
 * Publishes an aggregate's unpublished events and records the progress, like the kit relay's kick does, but
 * awaitable so it can run inside the aggregate's queue. Failures are logged and left to the relay's sweeper.
 */
export function createOutboxPublisher<S>(collection: Collection<AggregateDoc<S>>, target: PublishTarget) {
  const log = target.logger.child({ component: 'partners-outbox' });
  return async function publishPending(id: string): Promise<void> {
    try {
      const doc = await collection.findOne({ _id: id } as Filter<AggregateDoc<S>>);
      if (!doc || doc.published >= doc.events.length) return;
      for (const { event, trace } of doc.events.slice(doc.published)) await publishEvent(target.js, target.prefix, event, trace);
      await collection.updateOne({ _id: id, version: doc.version } as Filter<AggregateDoc<S>>, { $max: { published: doc.events.length }, $set: { unpublished: false } } as never);
    } catch (e) {
      log.warn({ err: (e as Error).message, aggregate: id }, 'publish failed; the sweeper will retry');
    }
  };
}
