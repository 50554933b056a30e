import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rawConsume, rawDatabase } from '../baselines.js';
import type { Infra } from '../infra.js';
import { summariseProfile, type ProfileSummary } from '../profile.js';
import { waitForCheckpoint } from '../projected.js';
import { publishHistory } from '../publish.js';
import { OUTPUT_DIR, entries, startChild } from '../services.js';
import { rate } from '../stats.js';

export interface ProjectionOptions {
  events: number;
  seed: number;
  /** Run the projection with --cpu-prof and summarise where its time goes. */
  profile: boolean;
  /** Most seconds of database time each raw write mode may take (upserts slow down as the collection grows). */
  rawBudgetSeconds: number;
  /** PROJECTION_MAX_BATCH of the projection under test; its default when absent. */
  maxBatch?: number;
  log: (line: string) => void;
}

/**
 * Scenario 1: N generated events already in the stream; the raw consume-and-ack rate and the raw bulk-upsert rate
 * of the same data, then the time the projection takes to apply them all; its rate against the smaller raw limit.
 */
export async function projectionScenario(infra: Infra, o: ProjectionOptions) {
  const space = await infra.space('proj');
  const gen = { seed: o.seed, count: o.events, prefix: space.streams.prefix };
  o.log(`publishing ${o.events} events into ${space.streams.stream}`);
  const pub = await publishHistory(infra.js, gen, (n) => o.log(`  ${n} published`));
  const head = (await infra.jsm.streams.info(space.streams.stream)).state.last_seq;
  if (head !== o.events) throw new Error(`the stream holds ${head} messages, expected ${o.events}`);

  o.log('raw JetStream consume + ack (handler does nothing)');
  const consume = await rawConsume(infra.js, infra.jsm, space.streams.stream, head);
  o.log('raw database bulk writes of the same facts');
  const raw = await rawDatabase(infra.mongo.db(space.db('raw')), gen, o.rawBudgetSeconds);

  o.log(`projection${o.profile ? ' (with --cpu-prof)' : ''} applying ${head} events`);
  const profileDir = join(OUTPUT_DIR, 'profiles', space.id);
  const child = startChild(
    'projection',
    entries.projection,
    space.env('projection', { PORT: '0', ...(o.maxBatch ? { PROJECTION_MAX_BATCH: String(o.maxBatch) } : {}) }),
    o.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  const t0 = performance.now();
  let done: number;
  try {
    done = await waitForCheckpoint(infra.mongo.db(space.db('projection')), head, {
      timeoutMs: Math.max(600_000, o.events * 20),
      alive: () => child.proc.exitCode === null,
      onProgress: (seq) =>
        o.log(`  ${seq} of ${head} applied (${rate(seq, (performance.now() - t0) / 1000)} events/s)`),
    });
  } finally {
    await child.stop();
  }
  const seconds = (done - t0) / 1000;
  let profile: ProfileSummary | undefined;
  if (o.profile) {
    const file = readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(profileDir, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (file) profile = summariseProfile(file, 15);
  }
  const consumeRate = rate(consume.messages, consume.seconds);
  const upsertEventRate = rate(raw.upsert.events, raw.upsert.seconds);
  const insertEventRate = rate(raw.insert.events, raw.insert.seconds);
  const projectionRate = rate(head, seconds);
  // The floor: the projection consumes and acks every event and inserts its facts; it never upserts.
  const floor = Math.min(consumeRate, insertEventRate);
  return {
    events: head,
    publish: { seconds: round(pub.seconds), eventsPerSecond: rate(pub.published, pub.seconds) },
    rawConsume: { seconds: round(consume.seconds), eventsPerSecond: consumeRate },
    rawUpsert: {
      ...raw.upsert,
      seconds: round(raw.upsert.seconds),
      factsPerSecond: rate(raw.upsert.docs, raw.upsert.seconds),
      eventsPerSecond: upsertEventRate,
    },
    rawInsert: {
      ...raw.insert,
      seconds: round(raw.insert.seconds),
      factsPerSecond: rate(raw.insert.docs, raw.insert.seconds),
      eventsPerSecond: insertEventRate,
    },
    projection: {
      seconds: round(seconds),
      eventsPerSecond: projectionRate,
      includesProcessStart: true,
      maxBatch: o.maxBatch ?? 5000,
    },
    ratioToFloor: floor ? Math.round((100 * projectionRate) / floor) / 100 : null,
    floorLimitedBy: consumeRate <= insertEventRate ? 'JetStream consume + ack' : 'database insertMany',
    // Bulk replaceOne upserts are a write path the projection does not use: shown for comparison, never as the floor.
    ratioToReplaceOneUpserts: upsertEventRate ? Math.round((100 * projectionRate) / upsertEventRate) / 100 : null,
    ...(profile ? { profile } : {}),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
