import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { MongoClient } from 'mongodb';
import { createLogger, ensureEventStreams } from '@passerelle/platform';
import { eventually, isolatedEnv, prng } from '@passerelle/testkit';
import { generateEvents } from '@passerelle/testkit/history';
import { createGenerations } from './apply/generations.js';
import { readModel } from './apply/read-model.js';
import { replay } from './apply/replay.js';

// The guarantee of DESIGN.md: whatever the crash points, the incremental read model (facts, versions and cells)
// equals a rebuild from the whole stream. The projection runs as a child process and is SIGKILLed at random moments while it works.
const env = isolatedEnv('crash');
const SEED = Number(process.env.CRASH_SEED ?? 20261129);
const KILLS = Number(process.env.CRASH_KILLS ?? 6);
const EVENTS = Number(process.env.CRASH_EVENTS ?? 3600);
const serviceEnv = env.env('projection', {
  PROJECTION_ACK_WAIT_MS: '1000',
  PROJECTION_MAX_BATCH: '50',
  LOG_LEVEL: 'info',
});
mkdirSync(join(import.meta.dirname, '..', 'test-output'), { recursive: true });
let nc: NatsConnection;
let mongo: MongoClient;
const children: ChildProcess[] = [];

function startChild(): ChildProcess {
  // The children's logs stay in test-output/ for whoever has to find out why a run failed.
  const log = openSync(join(import.meta.dirname, '..', 'test-output', 'crash-children.log'), 'a');
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'dist', 'main.js')], {
    env: { ...process.env, ...serviceEnv, PORT: '0' },
    stdio: ['ignore', log, log],
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  nc = await connect({ servers: env.infra.natsUrl });
  mongo = await new MongoClient(env.infra.mongoUrl).connect();
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await nc?.close();
  await mongo?.close();
});

describe('crash safety', () => {
  it(`killed at random points, the projection ends equal to a rebuild from the stream (seed ${SEED})`, async () => {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const streams = { stream: env.stream, prefix: env.prefix, deadLetter: env.deadLetter };
    await ensureEventStreams(jsm, streams);
    // Every service's events (the testkit's seeded history): corrections, cancellations, voids, dates moved and
    // out of order, people assisted several times, partners renamed, and some events published twice.
    const history = [...generateEvents({ seed: SEED, count: EVENTS, prefix: env.prefix })];
    for (let i = 0; i < history.length; i += 200) {
      await Promise.all(
        history
          .slice(i, i + 200)
          .map(({ event, subject, msgId }) => js.publish(subject, JSON.stringify(event), { msgID: msgId })),
      );
    }
    const head = (await jsm.streams.info(env.stream)).state.last_seq;
    expect(head).toBeGreaterThan(EVENTS * 0.8);

    const r = prng(SEED);
    // Progress as the stream sees it: the consumer acks only after the read model holds an event's effect.
    const progress = async () => {
      const c = await jsm.consumers.info(env.stream, 'projection').catch(() => undefined);
      return c && c.num_ack_pending === 0 ? c.ack_floor.stream_seq : Math.min(c?.ack_floor.stream_seq ?? 0, head - 1);
    };
    let kills = 0;
    // Deliveries so far (redeliveries included): a child is killed only once events reach it, so every kill lands
    // while it works, however slowly a loaded machine starts a process.
    const delivered = async () =>
      (await jsm.consumers.info(env.stream, 'projection').catch(() => undefined))?.delivered.consumer_seq ?? 0;
    while (kills < KILLS && (await progress()) < head) {
      const before = await delivered();
      const child = startChild();
      await eventually(
        async () => ((await delivered()) > before ? true : undefined),
        60_000,
        'events delivered to the new process',
      );
      await new Promise((res) => setTimeout(res, r.int(50, 1500)));
      const exited = new Promise((res) => child.once('exit', res));
      child.kill('SIGKILL');
      await exited;
      kills++;
      console.log(`kill ${kills}: ${await progress()} of ${head} applied`);
    }
    expect(kills).toBeGreaterThanOrEqual(Math.min(3, KILLS));
    // The survivor applies what is left (about 3,200 events); with month cells the whole test took 4 minutes here.
    const survivor = startChild();
    await eventually(async () => ((await progress()) >= head ? true : undefined), 480_000, 'every event acknowledged');
    survivor.kill('SIGTERM');
    await new Promise((res) => survivor.once('exit', res));

    const reader = await new MongoClient(env.infra.mongoUrl).connect();
    const live = readModel(
      reader.db(serviceEnv.MONGO_DB!),
      await createGenerations(reader.db(serviceEnv.MONGO_DB!)).current(),
    );
    const rebuilt = readModel(mongo.db(`${serviceEnv.MONGO_DB}_rebuilt`), 1);
    await replay({ js, jsm, streams, logger: createLogger({ service: 'test', level: 'silent' }), into: rebuilt });
    const [a, b] = await Promise.all([live.dump(), rebuilt.dump()]);
    expect(a.length).toBeGreaterThan(300);
    // On a difference, name the facts first: a 4,000-fact deep-equal diff says nothing useful.
    const ids = (xs: typeof a) => new Set(xs.map((f) => f._id));
    const [ia, ib] = [ids(a), ids(b)];
    const onlyLive = [...ia].filter((x) => !ib.has(x));
    const onlyRebuilt = [...ib].filter((x) => !ia.has(x));
    if (onlyLive.length || onlyRebuilt.length) {
      const sources = [
        ...new Set(
          [...a, ...b].filter((f) => onlyLive.includes(f._id) || onlyRebuilt.includes(f._id)).map((f) => f.source),
        ),
      ];
      for (const source of sources)
        console.log(
          source,
          'guards',
          await live.sources.find({ source }).toArray(),
          'rebuilt',
          b.filter((f) => f.source === source).map((f) => f._id),
        );
    }
    expect({ onlyLive, onlyRebuilt }).toEqual({ onlyLive: [], onlyRebuilt: [] });
    expect(a).toEqual(b);
    // Every version and its facts too: "as of" answers read them, so they must be what a clean replay keeps.
    const [ha, hb] = await Promise.all([live.dumpHistory(), rebuilt.dumpHistory()]);
    expect(ha.versions.length).toBeGreaterThan(EVENTS * 0.8);
    expect(ha.versions).toEqual(hb.versions);
    expect(ha.history).toEqual(hb.history);
    // And the cells reports read: what every cell holds, part by part, is what the clean replay built.
    const [ca, cb] = await Promise.all([live.dumpCells(), rebuilt.dumpCells()]);
    expect(ca.length).toBeGreaterThan(100);
    expect(ca.map((c) => c._id)).toEqual(cb.map((c) => c._id));
    expect(ca).toEqual(cb);
    await reader.close();
  }, 900_000);
});
