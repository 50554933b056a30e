import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { Db, IndexDescription } from 'mongodb';
import type { Envelope } from '@passerelle/contracts';
import { generateEvents, type GeneratorOptions } from '@passerelle/testkit/history';
import { entries } from './services.js';

type ChangesOf = (event: Envelope) => Array<{ source: string; facts: Array<Record<string, unknown>> }>;

/** The projection's own event-to-facts function, from its build (not exported by the package: loaded by path). */
async function projectionFacts(): Promise<ChangesOf> {
  const mod = (await import(new URL('facts/facts.js', `file://${entries.projection}`).href)) as {
    changesOf: ChangesOf;
  };
  return mod.changesOf;
}

/** The projection's cell writes per call on a server, from its build, so the baseline chunks as it does. */
async function projectionWritesPerCall(): Promise<(ferret: boolean) => number> {
  const mod = (await import(new URL('apply/applier.js', `file://${entries.projection}`).href)) as {
    writesPerCallOn: (ferret: boolean) => number;
  };
  return mod.writesPerCallOn;
}

/**
 * Raw JetStream limit: a durable pull consumer on the same stream, pulling as the projection does (200 at a time,
 * 400 unacknowledged) with a handler that does nothing but ack.
 */
export async function rawConsume(js: JetStreamClient, jsm: JetStreamManager, stream: string, expected: number) {
  const durable = 'bench_raw';
  await jsm.consumers.add(stream, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: 400,
  });
  const consumer = await js.consumers.get(stream, durable);
  const started = performance.now();
  const messages = await consumer.consume({ max_messages: 200 });
  let n = 0;
  for await (const m of messages) {
    m.ack();
    if (++n >= expected) break;
  }
  messages.stop();
  const seconds = (performance.now() - started) / 1000;
  await jsm.consumers.delete(stream, durable).catch(() => undefined);
  return { messages: n, seconds };
}

/** The projection's fact indexes, so raw writes pay for the same index maintenance. */
const FACT_INDEXES: IndexDescription[] = [
  { key: { source: 1 }, name: 'by_source' },
  { key: { kind: 1, country: 1, businessDate: 1 }, name: 'by_kind_country_date' },
  { key: { eventId: 1 }, name: 'by_event' },
];

/**
 * Raw database limit: the facts the same history yields (same count and shape as the projection writes), written
 * in batches of the facts of `batchEvents` events, by bulk replaceOne upserts (fact ids as the projection made
 * them, so corrections replace), then by insertMany of unique ids for reference. Only the database calls are
 * timed. Each mode stops after `budgetSeconds` of database time: FerretDB on SQLite scans the collection for every
 * upsert, so a full run of 100,000 events' facts would take hours; the rate is then that of the part written.
 */
export async function rawDatabase(db: Db, gen: GeneratorOptions, budgetSeconds: number, batchEvents = 200) {
  const changesOf = await projectionFacts();
  // As many upserts to a call as the projection sends cell writes (its `cellWritesPerCall`): FerretDB 1.24 holds a
  // storage connection per statement of an update until the command ends, and stops answering once they fill its pool.
  const ferret = !!((await db.command({ buildInfo: 1 })) as { ferretdbVersion?: string }).ferretdbVersion;
  const perCall = (await projectionWritesPerCall())(ferret);
  const result = {} as Record<
    'upsert' | 'insert',
    { events: number; docs: number; seconds: number; complete: boolean }
  >;
  for (const mode of ['upsert', 'insert'] as const) {
    const coll = db.collection<{ _id: string }>(`raw_${mode}`);
    await coll.drop().catch(() => undefined);
    await coll.createIndexes(FACT_INDEXES);
    const r = (result[mode] = { events: 0, docs: 0, seconds: 0, complete: false as boolean });
    let docs: Array<Record<string, unknown> & { _id: string }> = [];
    let events = 0;
    const flush = async () => {
      if (!docs.length) return;
      const t0 = performance.now();
      if (mode === 'upsert')
        for (let i = 0; i < docs.length; i += perCall)
          await coll.bulkWrite(
            docs
              .slice(i, i + perCall)
              .map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })),
            { ordered: false },
          );
      else await coll.insertMany(docs, { ordered: false });
      r.seconds += (performance.now() - t0) / 1000;
      r.docs += docs.length;
      r.events = events;
      docs = [];
    };
    for (const { event } of generateEvents(gen)) {
      events++;
      for (const change of changesOf(event)) {
        change.facts.forEach((f, i) =>
          docs.push({
            ...f,
            _id: mode === 'upsert' ? `${change.source}#${i}` : `${change.source}#${i}:${events}`,
            source: change.source,
            seq: events,
            eventId: event.id,
            eventType: event.type,
            country: event.country,
            recordedAt: event.time,
          }),
        );
      }
      if (events % batchEvents === 0) {
        await flush();
        if (r.seconds > budgetSeconds) break;
      }
    }
    await flush();
    r.complete = r.events === gen.count;
    await coll.drop().catch(() => undefined);
  }
  return result;
}

/**
 * Raw limit of one command's input/output, without the service: the database and NATS calls a "plan training"
 * command causes (insert the aggregate with its outbox, the relay's read, the publish with its message id, the
 * relay's mark), on a copy of a document the service itself stored, from `concurrency` workers for at most
 * `count` commands or `budgetSeconds`. No HTTP, validation or domain code: what the servers allow.
 */
export async function rawCommandIo(
  db: Db,
  js: JetStreamClient,
  template: Record<string, unknown>,
  subject: string,
  o: { count: number; concurrency: number; budgetSeconds: number },
) {
  const coll = db.collection<Record<string, unknown> & { _id: string }>('raw_commands');
  await coll.drop().catch(() => undefined);
  await coll.createIndex({ unpublished: 1, updatedAt: 1 }, { name: 'outbox_pending' });
  const { _id: _ignored, ...shape } = template;
  const payload = new TextEncoder().encode(JSON.stringify((template.events as unknown[] | undefined)?.[0] ?? template));
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + o.budgetSeconds * 1000;
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (next < o.count && performance.now() < deadline) {
        const id = `raw-${next++}`;
        const t0 = performance.now();
        await coll.insertOne({ ...shape, _id: id, version: 1, published: 0, unpublished: true, updatedAt: new Date() });
        const doc = await coll.findOne({ _id: id });
        await js.publish(subject, payload, { msgID: `raw-command-${id}-${started}` });
        await coll.updateOne(
          { _id: id, version: doc?.version ?? 1 },
          { $max: { published: 1 }, $set: { unpublished: false } },
        );
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await coll.drop().catch(() => undefined);
  return { commands: latencies.length, seconds, latencies };
}
