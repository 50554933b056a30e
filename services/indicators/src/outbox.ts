import type { Collection } from 'mongodb';
import { createRelay, type AggregateDoc, type Runtime } from '@passerelle/platform';

/**
 * Publishes the frameworks' outbox with the kit's relay, but never while a framework is being written.
 * FerretDB 1.24 (SQLite) applies two concurrent updates of one document as last-writer-wins: both match the
 * `version` filter, so the relay's "published" mark can erase an append that landed between its read and its
 * write, and two appends with the same version can both succeed. Every write and every publish pass of this
 * process therefore runs in one queue. (Several replicas on FerretDB would still race; MongoDB does not.)
 */
export function createSerialOutbox(rt: Pick<Runtime, 'js' | 'streams' | 'logger'>, opts: { sweepIntervalMs?: number } = {}) {
  // A negative staleness makes each pass see the write queued just before it, even within the same millisecond.
  const relay = createRelay({ js: rt.js, prefix: rt.streams.prefix, logger: rt.logger, staleMs: -60_000 });
  let tail: Promise<unknown> = Promise.resolve();
  let passQueued = false;
  let timer: NodeJS.Timeout | undefined;

  /** Runs fn after every write and publish pass queued before it. */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  }

  /** Queues one publish pass (at most one waits at a time). */
  function kick(): void {
    if (passQueued) return;
    passQueued = true;
    void serial(() => {
      passQueued = false;
      return relay.sweep();
    });
  }

  return {
    serial,
    kick,
    watch: (collection: Collection<AggregateDoc<never>>) => relay.watch(collection),
    /** Publishes what a crash left at once, then checks periodically (a NATS outage leaves events pending). */
    start() {
      kick();
      timer = setInterval(kick, opts.sweepIntervalMs ?? 2000).unref();
    },
    async stop() {
      clearInterval(timer);
      await serial(async () => undefined);
      await relay.stop();
    },
  };
}
export type SerialOutbox = ReturnType<typeof createSerialOutbox>;
