import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { isolatedEnv, eventually } from '../../testkit/src/index.js';
import { startConsumer } from './consumer.js';
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
      nc, js: jetstream(nc), jsm: await jetstreamManager(nc), streams, logger, durable: 'slow_batches',
      filterSubjects: [`${env.prefix}.MA.slow.batch`], ackWaitMs: 1000, maxBatch: 10, maxAckPending: 30,
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
    expect(seen.map((s) => s.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => seen[0]!.seq + i).sort((a, b) => a - b));
  }, 60_000);

  it('keeps a single message alive while its handler runs three ack waits long', async () => {
    await publish('slow.single', 2);
    const seen: number[] = [];
    const consumer = await startConsumer({
      nc, js: jetstream(nc), jsm: await jetstreamManager(nc), streams, logger, durable: 'slow_single',
      filterSubjects: [`${env.prefix}.MA.slow.single`], ackWaitMs: 1000,
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
