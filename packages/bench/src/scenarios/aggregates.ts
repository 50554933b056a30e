import { BSON } from 'mongodb';
import { createEnvelope, type Envelope } from '@passerelle/contracts';
import { detectBackend, openAggregateStore, publishEvent, type Aggregate } from '@passerelle/platform';
import type { Infra } from '../infra.js';
import { percentiles } from '../stats.js';

export interface AggregatesOptions {
  /** Events the long-lived aggregate has before the commands are timed (issue 19: 10,000). */
  history: number;
  /** Commands timed on each of the two aggregates. */
  samples: number;
  log: (line: string) => void;
}

interface State {
  n: number;
}

const event = (subject: string, n: number): Envelope =>
  createEnvelope(
    {
      type: 'trainings.topic.added',
      subject,
      country: 'MA',
      data: { code: `topic_${n}`, label: { fr: `Sujet ${n}`, en: `Topic ${n}` }, businessDate: '2020-01-01' },
    },
    { actor: 'bench', correlationid: 'bench' },
  );

/**
 * Issue 19: a command on an aggregate with a long history must cost about what it costs on a new one. The kit's
 * store keeps only unpublished events in the document, so both timings below should match; before, every event
 * stayed in the document and each command and each publish read and rewrote all of it.
 * Timed per command: the pipeline's write (read the aggregate, then the conditional append of one event), and the
 * relay's publish (read the outbox, publish to JetStream, record the history, empty the outbox).
 */
export async function aggregatesScenario(infra: Infra, o: AggregatesOptions) {
  const space = await infra.space('aggregates');
  const db = infra.mongo.db(space.db('aggregates'));
  // Each in a collection of its own that holds it alone: on FerretDB/SQLite a look-up by _id scans the collection
  // and stops at the match, so sharing one collection would time the documents' order, not their size.
  const longStore = await openAggregateStore<State>({ db, collection: 'long', what: 'thing' });
  const freshStore = await openAggregateStore<State>({ db, collection: 'fresh', what: 'thing' });
  const send = ({ event: e, trace }: { event: Envelope; trace: Record<string, string> }) =>
    publishEvent(infra.js, space.streams.prefix, e, trace).then(() => undefined);

  // The long-lived aggregate: its history written 100 events a command and published as it goes.
  let long: Aggregate<State> = await longStore.create('long', 'MA', { n: 1 }, [event('long', 0)]);
  while (long.version < o.history) {
    const n = Math.min(100, o.history - long.version);
    long = await longStore.append(
      long,
      long.version,
      { n: long.version + n },
      Array.from({ length: n }, (_, i) => event('long', long.version + i)),
    );
    await longStore.outbox.publish('long', send);
  }
  o.log(`  aggregate with ${long.version} events written and published`);

  const timings = {
    fresh: { write: [] as number[], publish: [] as number[] },
    long: { write: [] as number[], publish: [] as number[] },
  };
  async function command(which: 'fresh' | 'long', store: typeof longStore, id: string) {
    const t0 = performance.now();
    const current = await store.get(id);
    await store.append(current, current.version, { n: current.version + 1 }, [event(id, current.version)]);
    const t1 = performance.now();
    await store.outbox.publish(id, send);
    const t2 = performance.now();
    timings[which].write.push(t1 - t0);
    timings[which].publish.push(t2 - t1);
  }
  // Alternating, so a slow moment of the machine weighs on both alike; each new aggregate gets one command, then
  // leaves its collection to the next (its size is measured on the first).
  let freshBytes = 0;
  for (let k = 0; k < o.samples; k++) {
    const id = `fresh-${k}`;
    await freshStore.create(id, 'MA', { n: 1 }, [event(id, 0)]);
    await freshStore.outbox.publish(id, send);
    await command('fresh', freshStore, id);
    await command('long', longStore, 'long');
    if (k === 0) freshBytes = BSON.calculateObjectSize((await freshStore.collection.findOne({ _id: id }))!);
    await freshStore.collection.deleteOne({ _id: id });
  }
  // What the document would weigh had every event stayed in it, as before this change.
  const inline = BSON.calculateObjectSize({
    events: (await longStore.historyCollection.find({ aggregate: 'long' }).toArray()).map((h) => ({
      event: h.event,
      trace: {},
    })),
  });
  const ratioOf = (x: Record<'fresh' | 'long', Record<'p50' | 'mean', number | null>>, k: 'p50' | 'mean') =>
    Math.round(((x.long[k] ?? 0) / (x.fresh[k] ?? 1)) * 100) / 100;
  const stat = (xs: number[]) => ({
    ...percentiles(xs),
    mean: Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100,
  });
  const result = {
    backend: await detectBackend(db),
    historyEvents: o.history,
    samples: o.samples,
    documentBytes: {
      fresh: freshBytes,
      long: BSON.calculateObjectSize((await longStore.collection.findOne({ _id: 'long' }))!),
      longIfEventsStayedInline: inline,
    },
    writeMs: { fresh: stat(timings.fresh.write), long: stat(timings.long.write) },
    publishMs: { fresh: stat(timings.fresh.publish), long: stat(timings.long.publish) },
  };
  await db.dropDatabase().catch(() => undefined);
  return {
    ...result, // Medians compare the usual command; means also carry the machine's stalls (other work on 2 cores), seen in p99.
    ratio: {
      write: ratioOf(result.writeMs, 'p50'),
      publish: ratioOf(result.publishMs, 'p50'),
      writeMean: ratioOf(result.writeMs, 'mean'),
      publishMean: ratioOf(result.publishMs, 'mean'),
    },
  };
}
