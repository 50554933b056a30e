import type { Collection, Filter } from 'mongodb';
import type { Logger } from 'pino';
import type { AggregateDoc } from './aggregate-store.js';
import { publishEvent, type JetStreamClient } from './nats.js';
import { withAggregateLock } from './serial.js';

export interface RelayOptions {
  js: JetStreamClient;
  prefix: string;
  logger: Logger;
  /** How often the sweeper looks for events a crash or an outage left unpublished. */
  sweepIntervalMs?: number;
  /** Only documents untouched this long are swept, so the sweeper does not race the write that just kicked. */
  staleMs?: number;
}

type AnyCollection = Collection<AggregateDoc<unknown>>;

/**
 * Publishes outbox events to JetStream: at once after each write (kick), and from a periodic sweep that finds
 * what a crash between write and publish left behind. Publishing twice is harmless: Nats-Msg-Id is the event id.
 */
export function createRelay(opts: RelayOptions) {
  const log = opts.logger.child({ component: 'outbox-relay' });
  const collections = new Set<AnyCollection>();
  const inFlight = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  let published = 0;
  let running = false;

  /** Publishes what is pending, then records it, under the aggregate's lock so no command write is lost. */
  const publishPending = (collection: AnyCollection, id: string) => withAggregateLock(collection, id, () => publishUnlocked(collection, id));

  async function publishUnlocked(collection: AnyCollection, id: string): Promise<void> {
    const doc = await collection.findOne({ _id: id } as Filter<AggregateDoc<unknown>>);
    if (!doc || doc.published >= doc.events.length) return;
    for (const { event, trace } of doc.events.slice(doc.published)) {
      await publishEvent(opts.js, opts.prefix, event, trace);
      published++;
    }
    const done = { $max: { published: doc.events.length } };
    const r = await collection.updateOne({ _id: id, version: doc.version } as Filter<AggregateDoc<unknown>>, { ...done, $set: { unpublished: false } } as never);
    // A write landed meanwhile: record progress, keep the flag, and let that write's own kick publish the rest.
    if (r.matchedCount === 0) await collection.updateOne({ _id: id } as Filter<AggregateDoc<unknown>>, done as never);
  }

  /** Publishes one aggregate's pending events, one run at a time per aggregate, errors logged and left for the sweeper. */
  function run(collection: AnyCollection, id: string): Promise<void> {
    const key = `${collection.collectionName}/${id}`;
    const previous = inFlight.get(key) ?? Promise.resolve();
    const next = previous.then(() => publishPending(collection, id)).catch((e) => {
      log.warn({ err: (e as Error).message, aggregate: id }, 'publish failed; the sweeper will retry');
    }).finally(() => {
      if (inFlight.get(key) === next) inFlight.delete(key);
    });
    inFlight.set(key, next);
    return next;
  }

  async function sweepOnce(): Promise<number> {
    let found = 0;
    for (const collection of collections) {
      const stale = new Date(Date.now() - (opts.staleMs ?? 1000));
      const pending = await collection.find({ unpublished: true, updatedAt: { $lt: stale } } as Filter<AggregateDoc<unknown>>, { projection: { _id: 1 } }).limit(200).toArray();
      found += pending.length;
      await Promise.all(pending.map((d) => run(collection, d._id)));
    }
    return found;
  }

  return {
    /** Adds a collection of aggregates whose outbox this relay serves. */
    watch(collection: Collection<AggregateDoc<never>>) {
      collections.add(collection as unknown as AnyCollection);
    },
    /** Publish this aggregate's new events now (called after each write). */
    kick(collection: Collection<AggregateDoc<never>>, id: string) {
      void run(collection as unknown as AnyCollection, id);
    },
    /** One sweep over every watched collection; returns how many aggregates had unpublished events. */
    sweep: () => sweepOnce().catch((e) => { log.warn({ err: (e as Error).message }, 'sweep failed'); return 0; }),
    /** Starts periodic sweeping (and sweeps at once: a restart publishes what the crash left). */
    start() {
      running = true;
      const tick = async () => {
        if (!running) return;
        sweeping = this.sweep().then(() => undefined);
        await sweeping;
        if (running) timer = setTimeout(() => void tick(), opts.sweepIntervalMs ?? 2000).unref();
      };
      void tick();
    },
    /** Stops sweeping and waits for publishes in flight. */
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await sweeping;
      await Promise.all(inFlight.values());
    },
    /** Events in the outbox not yet acknowledged by JetStream, across watched collections. */
    async backlog(): Promise<number> {
      let n = 0;
      for (const c of collections) n += await c.countDocuments({ unpublished: true } as Filter<AggregateDoc<unknown>>);
      return n;
    },
    stats: () => ({ published, inFlight: inFlight.size }),
  };
}
export type Relay = ReturnType<typeof createRelay>;
