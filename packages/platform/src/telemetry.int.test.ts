import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MongoClient } from 'mongodb';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createEnvelope } from '@passerelle/contracts';
import { isolatedEnv, eventually } from '../../testkit/src/index.js';
import { createAggregateStore } from './aggregate-store.js';
import { startConsumer } from './consumer.js';
import { createLogger } from './logger.js';
import { ensureEventStreams } from './nats.js';
import { createRelay } from './relay.js';
import { tracer } from './telemetry.js';

// One trace must follow a request through the outbox, the relay and NATS to the consumer.
const exporter = new InMemorySpanExporter();
const env = isolatedEnv('otel');
let nc: NatsConnection;
let mongo: MongoClient;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  nc = await connect({ servers: env.infra.natsUrl });
  mongo = await new MongoClient(env.infra.mongoUrl).connect();
});
afterAll(async () => {
  await nc?.close();
  await mongo?.close();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('trace context across the outbox and NATS', () => {
  it('the consumer runs inside the trace of the request that wrote the event, even when published later', async () => {
    const logger = createLogger({ service: 'otel-test', level: 'silent' });
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const streams = { stream: env.stream, prefix: env.prefix, deadLetter: env.deadLetter };
    await ensureEventStreams(jsm, streams);
    const store = createAggregateStore<{ n: number }>({
      db: mongo.db(`otel_${env.id}`),
      collection: 'things',
      what: 'thing',
    });

    const requestTrace = await tracer.startActiveSpan('HTTP POST /things', async (span) => {
      const event = createEnvelope(
        {
          type: 'trainings.topic.added',
          subject: 'x',
          country: 'MA',
          data: { code: 'knitting', label: { fr: 'Tricot', en: 'Knitting' }, businessDate: '2020-01-01' },
        },
        { actor: 'a', correlationid: 'c' },
      );
      await store.create('thing-1', 'MA', { n: 1 }, [event]);
      span.end();
      return span.spanContext().traceId;
    });

    // The relay starts after the request ended: the trace comes from what was stored with the event.
    const relay = createRelay({ js, prefix: env.prefix, logger, staleMs: 0 });
    relay.watch(store.outbox);
    const seen: string[] = [];
    const consumer = await startConsumer({
      nc,
      js,
      jsm,
      streams,
      logger,
      durable: 'otel',
      filterSubjects: [`${env.prefix}.>`],
      handler: async () => {
        seen.push(trace.getActiveSpan()?.spanContext().traceId ?? 'none');
      },
    });
    await relay.sweep();
    await eventually(async () => (seen.length ? true : undefined), 10_000, 'the consumer');
    await consumer.stop();
    await relay.stop();

    expect(seen).toEqual([requestTrace]);
    const names = exporter
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === requestTrace)
      .map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'HTTP POST /things',
        'publish trainings.topic.added',
        `process ${env.prefix}.MA.trainings.topic.added`,
      ]),
    );
  });
});
