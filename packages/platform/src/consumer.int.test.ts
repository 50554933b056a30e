import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { MongoNetworkError } from 'mongodb';
import { isolatedEnv, eventually } from '../../testkit/src/index.js';
import { PoisonMessageError, startConsumer } from './consumer.js';
import { createLogger } from './logger.js';
import { ensureEventStreams } from './nats.js';

// A slow database makes batches outlast the ack wait; held messages must not be redelivered meanwhile.
const env = isolatedEnv('consumer');
const streams = { stream: env.stream, prefix: env.prefix, deadLetter: env.deadLetter };
const logger = createLogger({ service: 'consumer-test', level: 'silent' });
let nc: NatsConnection;

beforeAll(async () => {
  nc = await connect({ servers: env.infra.natsUrl });
  await ensureEventStreams(await jetstreamManager(nc), streams);
});
afterAll(async () => {
  await nc?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function publish(subject: string, n: number) {
  const js = jetstream(nc);
  for (let i = 0; i < n; i++) await js.publish(`${env.prefix}.MA.${subject}`, new TextEncoder().encode(String(i)));
}

describe('a consumer whose handler is slower than the ack wait', () => {
  it('keeps every message it holds alive: batches taking 1.5 s under a 1 s ack wait are each handled once', async () => {
    await publish('slow.batch', 30);
    const seen: Array<{ seq: number; deliveries: number }> = [];
    const consumer = await startConsumer({
      nc,
      js: jetstream(nc),
      jsm: await jetstreamManager(nc),
      streams,
      logger,
      durable: 'slow_batches',
      filterSubjects: [`${env.prefix}.MA.slow.batch`],
      ackWaitMs: 1000,
      maxBatch: 10,
      maxAckPending: 30,
      batchHandler: async (msgs: JsMsg[]) => {
        for (const m of msgs) seen.push({ seq: m.info.streamSequence, deliveries: m.info.deliveryCount });
        await sleep(1500);
      },
    });
    await eventually(async () => (consumer.handled() >= 30 ? true : undefined), 30_000, '30 messages acked');
    // Long enough for a redelivery of anything acked late to show up.
    await sleep(1500);
    await consumer.stop();
    expect(seen.map((s) => s.deliveries).filter((d) => d > 1)).toEqual([]);
    expect(seen.map((s) => s.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => seen[0]!.seq + i).sort((a, b) => a - b),
    );
  }, 60_000);

  it('keeps a single message alive while its handler runs three ack waits long', async () => {
    await publish('slow.single', 2);
    const seen: number[] = [];
    const consumer = await startConsumer({
      nc,
      js: jetstream(nc),
      jsm: await jetstreamManager(nc),
      streams,
      logger,
      durable: 'slow_single',
      filterSubjects: [`${env.prefix}.MA.slow.single`],
      ackWaitMs: 1000,
      handler: async (m) => {
        seen.push(m.info.deliveryCount);
        await sleep(3000);
      },
    });
    await eventually(async () => (consumer.handled() >= 2 ? true : undefined), 30_000, '2 messages acked');
    await sleep(1500);
    await consumer.stop();
    expect(seen).toEqual([1, 1]);
  }, 60_000);
});

describe('a batch with one poison message among many', () => {
  it('dead-letters that one and applies the others, finding it by halves rather than one by one', async () => {
    const subject = `${env.prefix}.MA.mixed.batch`;
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sizes: number[] = [];
    const applied = new Set<string>();
    const consumer = await startConsumer({
      nc,
      js,
      jsm,
      streams,
      logger,
      durable: 'mixed_batch',
      filterSubjects: [subject],
      maxBatch: 64,
      maxAckPending: 100,
      batchHandler: async (msgs: JsMsg[]) => {
        sizes.push(msgs.length);
        // The first message holds the consumer until the next 64 have arrived: they then form one batch.
        if (msgs.some((m) => m.string() === 'start')) await gate;
        if (msgs.some((m) => m.string() === 'poison')) throw new PoisonMessageError('cannot be read');
        for (const m of msgs) applied.add(m.string());
      },
    });
    await js.publish(subject, new TextEncoder().encode('start'));
    await eventually(async () => (sizes.length ? true : undefined), 10_000, 'the first batch');
    for (let i = 0; i < 64; i++) await js.publish(subject, new TextEncoder().encode(i === 37 ? 'poison' : String(i)));
    await sleep(1000);
    release();
    await eventually(async () => (consumer.handled() >= 64 ? true : undefined), 30_000, '64 messages acked');
    const deadLetters = await eventually(
      async () => {
        const n = (await jsm.streams.info(env.deadLetter)).state.messages;
        return n >= 1 ? n : undefined;
      },
      10_000,
      'the dead letter',
    );
    await consumer.stop();
    expect(applied.size).toBe(64);
    expect(applied.has('poison')).toBe(false);
    expect(deadLetters).toBe(1);
    const after = sizes.slice(1);
    expect(after[0]).toBe(64);
    // One by one would take 65 calls after the start; by halves about 2·log2(64) = 12 plus the whole batch.
    expect(after.length).toBeLessThanOrEqual(13);
  });
});

describe('a batch that fails because the database is unreachable', () => {
  it('comes back whole, later, instead of message by message', async () => {
    const subject = `${env.prefix}.MA.db.down`;
    const js = jetstream(nc);
    for (let i = 0; i < 10; i++) await js.publish(subject, new TextEncoder().encode(String(i)));
    const calls: Array<{ size: number; deliveries: number }> = [];
    const consumer = await startConsumer({
      nc,
      js,
      jsm: await jetstreamManager(nc),
      streams,
      logger,
      durable: 'db_down',
      filterSubjects: [subject],
      maxBatch: 10,
      maxAckPending: 10,
      batchHandler: async (msgs: JsMsg[]) => {
        calls.push({ size: msgs.length, deliveries: msgs[0]!.info.deliveryCount });
        if (calls.length === 1) throw new MongoNetworkError('connection refused');
      },
    });
    await eventually(async () => (consumer.handled() >= 10 ? true : undefined), 30_000, '10 messages acked');
    await consumer.stop();
    expect(calls.length).toBeLessThanOrEqual(3);
    expect(calls.every((c, i) => i === 0 || c.deliveries === 2)).toBe(true);
  });
});
