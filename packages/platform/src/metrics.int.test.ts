import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, eventually, testToken } from '../../testkit/src/index.js';
import { loadConfig, serviceConfigShape } from './config.js';
import { PoisonMessageError, startConsumer } from './consumer.js';
import { createHttpApp, httpOptionsFrom } from './http.js';
import { METRICS } from './metrics.js';
import { startRuntime, type Runtime } from './runtime.js';
import { createAggregateStore } from './aggregate-store.js';

// The /metrics of a real runtime: HTTP latency by route template and status, the streams, dead letters, the
// consumer's pending and redelivered counts, and the outbox backlog, read from the real servers at scrape time.
const env = isolatedEnv('metrics');
let rt: Runtime;
let url: string;

const scrape = async () => (await fetch(`${url}/metrics`)).text();
const value = (text: string, name: string, labels = '') => {
  const line = text.split('\n').find((l) => l.startsWith(name) && l.includes(labels) && !l.startsWith('#'));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

beforeAll(async () => {
  rt = await startRuntime('metrics-test', loadConfig(serviceConfigShape({ port: 0, db: 'x' }), env.env('metrics')));
  url = await rt.listen(
    createHttpApp({
      service: 'metrics-test',
      ...httpOptionsFrom(rt),
      routes(api) {
        api.get('/things/:id', { summary: 'one thing', scope: 'things:read' }, async ({ req }) => ({
          id: req.params.id,
        }));
      },
    }),
  );
});
afterAll(async () => {
  await rt?.shutdown();
});

describe('/metrics', () => {
  it('answers without a token, in the Prometheus text format', async () => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain; version=0\.0\.4/);
  });

  it('times requests by route template and status, never by raw path', async () => {
    const token = await testToken(['things:read']);
    for (const id of ['a', 'b', 'c'])
      await fetch(`${url}/things/${id}`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${url}/things/a`);
    await fetch(`${url}/nowhere/${Math.random()}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await scrape();
    expect(value(text, `${METRICS.httpDuration}_count`, 'route="/things/:id",status="200"')).toBe(3);
    // Refused before routing (no token): counted, under the shared label.
    expect(value(text, `${METRICS.httpDuration}_count`, 'route="unmatched",status="401"')).toBe(1);
    expect(value(text, `${METRICS.httpDuration}_count`, 'route="unmatched",status="404"')).toBe(1);
    expect(text).toMatch(
      new RegExp(
        `${METRICS.httpDuration}_bucket\\{le="0.05",service="metrics-test",method="GET",route="/things/:id",status="200"\\}`,
      ),
    );
    expect(text).not.toMatch(/things\/a"/);
  });

  it("reports a consumer's pending and redelivered events, and the dead letters", async () => {
    for (let i = 0; i < 5; i++) await rt.js.publish(`${env.prefix}.MA.metrics.thing.done`, String(i));
    const seen: number[] = [];
    const consumer = await startConsumer({
      nc: rt.nc,
      js: rt.js,
      jsm: rt.jsm,
      streams: rt.streams,
      logger: rt.logger,
      durable: 'metered',
      filterSubjects: [`${env.prefix}.>`],
      maxDeliver: 2,
      ackWaitMs: 1000,
      handler: async (m) => {
        seen.push(m.info.streamSequence);
        if (m.string() === '4') throw new PoisonMessageError('bad');
      },
    });
    rt.metrics.watchConsumer(rt.jsm, rt.streams.stream, 'metered');
    await eventually(
      async () => (value(await scrape(), METRICS.deadLetters) === 1 ? true : undefined),
      10_000,
      'the dead letter',
    );
    await consumer.stop();
    await rt.js.publish(`${env.prefix}.MA.metrics.thing.done`, 'later');
    const text = await scrape();
    expect(value(text, METRICS.consumerPending, 'consumer="metered"')).toBe(1);
    expect(value(text, METRICS.consumerRedelivered, 'consumer="metered"')).toBe(0);
    expect(value(text, METRICS.streamMessages, `stream="${env.stream}"`)).toBe(6);
    expect(value(text, METRICS.streamLastSequence, `stream="${env.stream}"`)).toBe(6);
    expect(value(text, METRICS.streamBytes, `stream="${env.stream}"`)).toBeGreaterThan(0);
    expect(value(text, METRICS.streamMaxBytes, `stream="${env.stream}"`)).toBe(-1);
  });

  it('reports the outbox backlog: aggregates with events JetStream has not acknowledged', async () => {
    const store = createAggregateStore({ db: rt.db, collection: 'things', what: 'thing' });
    const things = store.collection;
    rt.relay.watch(store.outbox);
    expect(value(await scrape(), METRICS.outboxBacklog)).toBe(0);
    await things.insertMany([
      { _id: 'a', unpublished: true },
      { _id: 'b', unpublished: true },
      { _id: 'c', unpublished: false },
    ] as never);
    expect(value(await scrape(), METRICS.outboxBacklog)).toBe(2);
    expect(value(await scrape(), METRICS.outboxPublished)).toBe(0);
  });
});
