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

interface State { n: number }

const event = (subject: string, n: number): Envelope => createEnvelope(
  { type: 'trainings.topic.added', subject, country: 'MA', data: { code: `topic_${n}`, label: { fr: `Sujet ${n}`, en: `Topic ${n}` }, businessDate: '2020-01-01' } },
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
  const store = await openAggregateStore<State>({ db, collection: 'things', what: 'thing' });
  const send = ({ event: e, trace }: { event: Envelope; trace: Record<string, string> }) => publishEvent(infra.js, space.streams.prefix, e, trace).then(() => undefined);

  // The long-lived aggregate: its history written 100 events a command and published as it goes.
  let long: Aggregate<State> = await store.create('long', 'MA', { n: 1 }, [event('long', 0)]);
  while (long.version < o.history) {
    const n = Math.min(100, o.history - long.version);
    long = await store.append(long, long.version, { n: long.version + n }, Array.from({ length: n }, (_, i) => event('long', long.version + i)));
    await store.outbox.publish('long', send);
  }
  o.log(`  aggregate with ${long.version} events written and published`);

  const timings = { fresh: { write: [] as number[], publish: [] as number[] }, long: { write: [] as number[], publish: [] as number[] } };
  async function command(which: 'fresh' | 'long', id: string) {
    const t0 = performance.now();
    const current = await store.get(id);
    await store.append(current, current.version, { n: current.version + 1 }, [event(id, current.version)]);
    const t1 = performance.now();
    await store.outbox.publish(id, send);
    const t2 = performance.now();
    timings[which].write.push(t1 - t0);
    timings[which].publish.push(t2 - t1);
  }
  // Alternating, so a slow moment of the machine weighs on both alike; each fresh command gets a new aggregate.
  for (let k = 0; k < o.samples; k++) {
    const id = `fresh-${k}`;
    await store.create(id, 'MA', { n: 1 }, [event(id, 0)]);
    await store.outbox.publish(id, send);
    await command('fresh', id);
    await command('long', 'long');
  }
  const sizeOf = async (id: string) => BSON.calculateObjectSize((await store.collection.findOne({ _id: id }))!);
  // What the document would weigh had every event stayed in it, as before this change.
  const inline = BSON.calculateObjectSize({ events: (await store.historyCollection.find({ aggregate: 'long' }).toArray()).map((h) => ({ event: h.event, trace: {} })) });
  const stat = (xs: number[]) => ({ ...percentiles(xs), mean: Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 });
  const result = {
    backend: await detectBackend(db),
    historyEvents: o.history,
    samples: o.samples,
    documentBytes: { fresh: await sizeOf('fresh-0'), long: await sizeOf('long'), longIfEventsStayedInline: inline },
    writeMs: { fresh: stat(timings.fresh.write), long: stat(timings.long.write) },
    publishMs: { fresh: stat(timings.fresh.publish), long: stat(timings.long.publish) },
  };
  await db.dropDatabase().catch(() => undefined);
  return { ...result, ratio: { write: Math.round((result.writeMs.long.mean / result.writeMs.fresh.mean) * 100) / 100, publish: Math.round((result.publishMs.long.mean / result.publishMs.fresh.mean) * 100) / 100 } };
}
