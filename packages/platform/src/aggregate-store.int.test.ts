import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BSON, MongoClient, type Db } from 'mongodb';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { createEnvelope, type Envelope } from '@passerelle/contracts';
import { isolatedEnv } from '../../testkit/src/index.js';
import { openAggregateStore, type AggregateDoc } from './aggregate-store.js';
import { detectBackend } from './backend.js';
import { createLogger } from './logger.js';
import { ensureEventStreams, publishEvent } from './nats.js';
import { createRelay, type Relay } from './relay.js';

// The aggregate store on the real servers: published events leave the document, crashes lose and duplicate
// nothing, and documents written before (every event kept inline) still work.
const env = isolatedEnv('aggstore');
const logger = createLogger({ service: 'aggstore-test', level: 'silent' });
let nc: NatsConnection;
let jsm: JetStreamManager;
let mongo: MongoClient;
let db: Db;
let relay: Relay;

const event = (subject: string, n: number): Envelope =>
  createEnvelope(
    {
      type: 'trainings.topic.added',
      subject,
      country: 'MA',
      data: { code: `topic_${n}`, label: { fr: `Sujet ${n}`, en: `Topic ${n}` }, businessDate: '2020-01-01' },
    },
    { actor: 'tester-1', correlationid: 'c' },
  );
const events = (subject: string, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => event(subject, from + i));
const streamCount = async () => (await jsm.streams.info(env.stream)).state.messages;

beforeAll(async () => {
  nc = await connect({ servers: env.infra.natsUrl });
  jsm = await jetstreamManager(nc);
  await ensureEventStreams(jsm, { stream: env.stream, prefix: env.prefix, deadLetter: env.deadLetter });
  mongo = await new MongoClient(env.infra.mongoUrl).connect();
  db = mongo.db(`aggstore_${env.id}`);
  relay = createRelay({ js: jetstream(nc), prefix: env.prefix, logger, staleMs: 0 });
});
afterAll(async () => {
  await relay?.stop();
  await nc?.close();
  await mongo?.close();
});

describe('backend detection', () => {
  it("names the server the tests run on, and FerretDB's storage from its query plan", async () => {
    await db.collection('probe').insertOne({ _id: 'x' } as never);
    const b = await detectBackend(db);
    if (env.infra.mongo.startsWith('FerretDB')) {
      expect(b.engine).toBe('ferretdb');
      expect(env.infra.mongo).toContain(b.version);
      // The testkit starts its local FerretDB on SQLite; a given MONGO_URL may run either.
      if (env.infra.mongo.includes('local')) expect(b.backend).toBe('sqlite');
    } else {
      expect(b).toMatchObject({ engine: 'mongodb' });
    }
    expect(await detectBackend(db)).toBe(b);
  });
});

describe('the aggregate document stays small', () => {
  it('an aggregate with 10,000 events keeps only its state; the history holds the events, in order', async () => {
    const store = await openAggregateStore<{ n: number }>({ db, collection: 'long', what: 'thing', relay });
    const before = await streamCount();
    let a = await store.create('long-1', 'MA', { n: 0 }, [event('long-1', 0)]);
    // 10,000 events in 100 commands of 100: each write is one conditional single-document update.
    for (let batch = 0; batch < 100; batch++) {
      a = await store.append(
        a,
        a.version,
        { n: a.version + 100 },
        events('long-1', a.version, batch === 99 ? 99 : 100),
      );
    }
    expect(a.version).toBe(10_000);
    await relay.stop();
    await relay.sweep();
    expect(await store.outbox.backlog()).toBe(0);
    const doc = await store.collection.findOne({ _id: 'long-1' });
    const bytes = BSON.calculateObjectSize(doc!);
    expect(bytes).toBeLessThan(1024);
    expect(doc!.outbox).toEqual([]);
    expect(await streamCount()).toBe(before + 10_000);
    const history = await store.history('long-1');
    expect(history).toHaveLength(10_000);
    expect(history.map((e) => (e.data as { code: string }).code)).toEqual(
      Array.from({ length: 10_000 }, (_, i) => `topic_${i}`),
    );
  }, 240_000);
});

describe('crashes lose nothing and publish nothing twice', () => {
  it('a relay that dies after publishing, before recording it: the next run republishes under the same Nats-Msg-Id, and JetStream keeps one', async () => {
    const store = await openAggregateStore<{ n: number }>({ db, collection: 'crashy', what: 'thing' });
    await store.create('c-1', 'MA', { n: 3 }, events('c-1', 0, 3));
    const before = await streamCount();
    const js = jetstream(nc);
    await expect(
      store.outbox.publish('c-1', async (e) => {
        await publishEvent(js, env.prefix, e.event, e.trace);
        if (e.seq === 3) throw new Error('killed before the mark');
      }),
    ).rejects.toThrow('killed');
    expect(await streamCount()).toBe(before + 3);
    expect((await store.collection.findOne({ _id: 'c-1' }))!.outbox).toHaveLength(3);

    const again = createRelay({ js, prefix: env.prefix, logger, staleMs: 0 });
    again.watch(store.outbox);
    expect(await again.sweep()).toBe(1);
    await again.stop();
    expect(await streamCount()).toBe(before + 3);
    expect((await store.collection.findOne({ _id: 'c-1' }))!.outbox).toEqual([]);
    expect((await store.history('c-1')).map((e) => (e.data as { code: string }).code)).toEqual([
      'topic_0',
      'topic_1',
      'topic_2',
    ]);
  });

  it('a write that lands while the relay publishes keeps its events in the outbox for the next run', async () => {
    const store = await openAggregateStore<{ n: number }>({ db, collection: 'racy', what: 'thing' });
    const a = await store.create('r-1', 'MA', { n: 1 }, [event('r-1', 0)]);
    const js = jetstream(nc);
    // Not under the store's lock on purpose: on MongoDB nothing serialises the two; on FerretDB a second process would not.
    await store.outbox
      .publish('r-1', async (e) => {
        await publishEvent(js, env.prefix, e.event, e.trace);
        await store.collection.updateOne({ _id: 'r-1' }, {
          $set: { version: 2, unpublished: true },
          $push: { outbox: { event: event('r-1', 1), trace: {}, seq: 2 } },
        } as never);
      })
      .catch(() => undefined);
    const doc = (await store.collection.findOne({ _id: 'r-1' }))!;
    expect(doc.outbox.map((e) => e.seq)).toEqual([2]);
    expect(doc.unpublished).toBe(true);
    expect(a.version).toBe(1);
  });
});

describe('documents written before published events left them', () => {
  const legacy = (id: string, published: number): AggregateDoc<{ n: number }> => ({
    _id: id,
    country: 'MA',
    version: 3,
    state: { n: 3 },
    outbox: undefined as never,
    unpublished: published < 3,
    events: events(id, 0, 3).map((e) => ({ event: e, trace: {} })),
    published,
    createdAt: new Date(),
    updatedAt: new Date(0),
  });

  it('are upgraded at start-up: sent events go to the history, unsent ones stay in the outbox, and only those are published', async () => {
    const raw = db.collection<AggregateDoc<{ n: number }>>('olden');
    const { outbox: _o, ...doc } = legacy('old-1', 2);
    await raw.insertOne(doc as never);
    const store = await openAggregateStore<{ n: number }>({ db, collection: 'olden', what: 'thing' });
    const upgraded = (await raw.findOne({ _id: 'old-1' }))!;
    expect(upgraded.events).toBeUndefined();
    expect(upgraded.published).toBeUndefined();
    expect(upgraded.outbox.map((e) => e.seq)).toEqual([3]);
    expect((await store.history('old-1')).map((e) => (e.data as { code: string }).code)).toEqual([
      'topic_0',
      'topic_1',
      'topic_2',
    ]);

    const before = await streamCount();
    const again = createRelay({ js: jetstream(nc), prefix: env.prefix, logger, staleMs: 0 });
    again.watch(store.outbox);
    await again.sweep();
    await again.stop();
    expect(await streamCount()).toBe(before + 1);
    // Commands go on from the old version.
    const a = await store.append({ id: 'old-1', country: 'MA' }, 3, { n: 4 }, [event('old-1', 3)]);
    expect(a.version).toBe(4);
    expect((await store.history('old-1')).map((e) => (e.data as { code: string }).code)).toEqual([
      'topic_0',
      'topic_1',
      'topic_2',
      'topic_3',
    ]);
  });

  it('one met by the relay before any upgrade is upgraded as it is read, and its history reads the same before and after', async () => {
    const store = await openAggregateStore<{ n: number }>({ db, collection: 'midway', what: 'thing' });
    const { outbox: _o, ...doc } = legacy('old-2', 0);
    await store.collection.insertOne(doc as never);
    const codes = async () => (await store.history('old-2')).map((e) => (e.data as { code: string }).code);
    expect(await codes()).toEqual(['topic_0', 'topic_1', 'topic_2']);
    const again = createRelay({ js: jetstream(nc), prefix: env.prefix, logger, staleMs: 0 });
    again.watch(store.outbox);
    await again.sweep();
    await again.stop();
    const after = (await store.collection.findOne({ _id: 'old-2' }))!;
    expect([after.events, after.outbox, after.unpublished]).toEqual([undefined, [], false]);
    expect(await codes()).toEqual(['topic_0', 'topic_1', 'topic_2']);
  });
});
