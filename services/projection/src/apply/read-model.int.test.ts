import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import { attendanceRecorded, createEnvelope, registry } from '@passerelle/contracts';
import { isolatedEnv, prng } from '@passerelle/testkit';
import { serviceEvents } from '@passerelle/testkit/history';
import { createFactCache } from '../query/fact-cache.js';
import { figure, Measure } from '../query/figures.js';
import { readWholeFacts, useFactCache } from '../query/read.js';
import { createLru } from './lru.js';
import { forgetGuards, modelVersion, readModel, configureApplier, FERRETDB_WRITES_PER_CALL } from './read-model.js';

// The write path alone, against the database: which facts a source ends with, whatever the order of delivery.
const env = isolatedEnv('readmodel');
let client: MongoClient;
let db: Db;
const T = '0e0b8a5e-31a5-4c53-9d62-5b0c0a4d2b11';
const attendance = (counts: number[], country: 'MA' | 'TN' = 'MA', trainingId = T) =>
  createEnvelope(
    attendanceRecorded.build({
      subject: trainingId,
      country,
      data: {
        trainingId,
        businessDate: '2020-02-10',
        rows: counts.map((count, i) => ({
          sex: i % 2 ? 'male' : 'female',
          category: (['police', 'judiciary', 'student'] as const)[Math.floor(i / 2)]!,
          count,
        })),
        total: counts.reduce((a, b) => a + b, 0),
        topics: ['trafficking_in_persons'],
        activityLine: '1.1',
      },
    }),
    { actor: 'tester', correlationid: 'c' },
  );
const values = async (gen: string) =>
  (await readModel(db, gen).dump()).filter((f) => f.source === `training:${T}:attendance`).map((f) => [f.seq, f.value]);

beforeAll(async () => {
  client = await new MongoClient(env.infra.mongoUrl).connect();
  db = client.db(env.env('projection').MONGO_DB!);
});
afterAll(() => client?.close());

describe('the read model write path', () => {
  it('keeps the newest event of a source when a redelivered older one comes behind it in the same batch', async () => {
    const model = readModel(db, 'order');
    await model.applyBatch([
      { event: attendance([5, 6]), seq: 20 },
      { event: attendance([1, 2, 3]), seq: 10, redelivered: true },
    ]);
    expect(await values('order')).toEqual([
      [20, 5],
      [20, 6],
    ]);
    expect(await model.lastSeq()).toBe(20);
  });

  it('ignores an older event applied after a newer one, in a later batch', async () => {
    const model = readModel(db, 'later');
    await model.applyBatch([{ event: attendance([5, 6]), seq: 20 }]);
    await model.applyBatch([{ event: attendance([1, 2, 3]), seq: 10 }]);
    expect(await values('later')).toEqual([
      [20, 5],
      [20, 6],
    ]);
  });

  it('after a crash between facts and guard, a successor replaces the facts the dead process wrote', async () => {
    const model = readModel(db, 'crash');
    await model.applyBatch([{ event: attendance([1, 2, 3]), seq: 10 }]);
    // The dead process had reserved and written seq 30 (three facts), but not its guard.
    const dead = { ...attendance([7, 8, 9]) };
    await model.sources.insertOne({
      _id: `training:${T}:attendance@30:r`,
      source: `training:${T}:attendance`,
      seq: 30,
      count: 3,
    });
    const facts = (await model.facts.find({ seq: 10 }).toArray()).map((f, i) => ({
      ...f,
      _id: `training:${T}:attendance@30#${i}`,
      seq: 30,
      eventId: dead.id,
      value: 7 + i,
    }));
    await model.facts.insertMany(facts);
    forgetGuards();
    // Its successor gets a newer event first (a correction to one row), then the redelivery of 30, which is now old.
    await readModel(db, 'crash').applyBatch([{ event: attendance([4]), seq: 40 }]);
    await readModel(db, 'crash').applyBatch([{ event: dead, seq: 30, redelivered: true }]);
    expect(await values('crash')).toEqual([[40, 4]]);
  });

  it('serves repeated figures from memory until a batch or a sweep changes the model, never longer', async () => {
    const cache = useFactCache(createFactCache(1000));
    try {
      const model = readModel(db, 'cached');
      const total = async () =>
        (
          await figure(
            model.view().facts,
            { match: { source: `training:${T}:attendance` }, measure: Measure.Sum },
            { threshold: 5, internal: true },
          )
        ).cells[0]?.value ?? 0;
      await model.applyBatch([{ event: attendance([1, 2]), seq: 10 }]);
      expect(await total()).toBe(3);
      const reads = cache.stats().misses;
      // A write behind the model's back (which nothing in the service does) shows that the second answer came from memory.
      await model.facts.insertOne({ ...(await model.facts.findOne({ seq: 10 }))!, _id: 'outside-write', value: 100 });
      expect(await total()).toBe(3);
      // Every read of the first answer (the facts, and what protection needs) came from memory the second time.
      expect(cache.stats().hits).toBe(reads);
      await model.facts.deleteOne({ _id: 'outside-write' });
      await model.applyBatch([{ event: attendance([4, 5]), seq: 20 }]);
      expect(await total()).toBe(9);
      // A sweep that removes facts changes the version too.
      const before = await modelVersion(model.facts);
      await model.applyBatch([{ event: attendance([7]), seq: 15, redelivered: true }]);
      await model.facts.insertOne({
        ...(await model.facts.findOne({ seq: 20 }))!,
        _id: `training:${T}:attendance@15#0`,
        seq: 15,
        value: 7,
      });
      const afterBatch = await modelVersion(model.facts);
      expect(afterBatch).not.toBe(before);
      expect(await total()).toBe(16);
      expect(await model.sweep()).toBe(1);
      expect(await modelVersion(model.facts)).not.toBe(afterBatch);
      expect(await total()).toBe(9);
    } finally {
      useFactCache(createFactCache(0));
    }
  });

  it('as of any instant, reads what a replay up to that instant would hold, and builds nothing to answer', async () => {
    // Record times one second apart, so instants fall between events; stream order is the order of the list.
    const start = Date.parse('2021-03-01T00:00:00Z');
    const events = serviceEvents('trainings', { seed: 11, count: 200 }).map((e, i) => ({
      event: registry.parse(JSON.stringify({ ...e, time: new Date(start + i * 1000).toISOString() })),
      seq: i + 1,
    }));
    const r = prng(3);
    const live = readModel(db, 'tt_live');
    // Batches of every size, some delivered again later behind newer ones (a crash's redeliveries).
    for (let i = 0; i < events.length;) {
      const batch = events.slice(i, (i += r.int(1, 25)));
      await live.applyBatch(batch);
      if (r.chance(0.3))
        await live.applyBatch(
          events.slice(Math.max(0, i - r.int(1, 40)), i - 1).map((e) => ({ ...e, redelivered: true })),
        );
    }
    const collections = async () =>
      (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    const strip = (fs: Array<Record<string, unknown>>) =>
      fs.map(({ recordedAt: _r, ...f }) => f).sort((a, b) => String(a._id).localeCompare(String(b._id)));
    const instants = [-1, 3, 17, 40, 75, events.length - 1].map((at) =>
      new Date(start + at * 1000 + 500).toISOString(),
    );
    const replays = [];
    for (const [k, instant] of instants.entries()) {
      const replayed = readModel(db, `tt_replay${k}`);
      await replayed.applyBatch(events.filter((e) => e.event.time <= instant));
      replays.push(strip(await replayed.dump()));
    }
    const before = await collections();
    for (const [k, instant] of instants.entries())
      expect(strip(await readWholeFacts(live.view(instant).facts, {})), `as of ${instant}`).toEqual(replays[k]);
    // Now is the current facts, and an instant given with another offset is the same instant.
    expect(strip(await readWholeFacts(live.view().facts, {}))).toEqual(strip(await live.dump()));
    const noon = new Date(start + 17_500).toISOString();
    const offset = `${noon.slice(0, 19).replace('T00:', 'T01:')}.500+01:00`;
    expect(strip(await readWholeFacts(live.view(offset).facts, {}))).toEqual(replays[2]);
    expect(await collections()).toEqual(before);
  });

  it("on MongoDB's paths (a few sources in memory, every delete one call, 500 cell writes a call), builds the same model as holding them all, across restarts", async () => {
    const events = serviceEvents('trainings', { seed: 17, count: 260 }).map((e, i) => ({
      event: registry.parse(JSON.stringify(e)),
      seq: i + 1,
    }));
    const run = async (gen: string) => {
      const r = prng(5);
      for (let i = 0; i < events.length;) {
        await readModel(db, gen).applyBatch(events.slice(i, (i += r.int(1, 20))));
        if (r.chance(0.3))
          await readModel(db, gen).applyBatch(
            events.slice(Math.max(0, i - r.int(1, 30)), i - 1).map((e) => ({ ...e, redelivered: true })),
          );
        // A restart: the next applier starts with nothing in memory.
        if (r.chance(0.2)) forgetGuards();
      }
      const model = readModel(db, gen);
      return { facts: (await model.dump()).map(({ _id, value }) => [_id, value]), cells: await model.dumpCells() };
    };
    const all = await run('bounded_all');
    configureApplier({ sourceCacheLimit: 3, fewIdsOneByOne: false, cellWritesPerCall: 500 });
    try {
      forgetGuards();
      expect(await run('bounded_3')).toEqual(all);
    } finally {
      configureApplier({
        sourceCacheLimit: Infinity,
        fewIdsOneByOne: true,
        cellWritesPerCall: FERRETDB_WRITES_PER_CALL,
      });
      forgetGuards();
    }
    expect(all.facts.length).toBeGreaterThan(50);
    expect(all.cells.length).toBeGreaterThan(10);
  });

  it('evicts the least recently used source beyond its limit, and says so', () => {
    const cache = createLru<{ lastSeq: number; written: Map<number, number> }>(2);
    const state = (lastSeq: number) => ({ lastSeq, written: new Map([[lastSeq, 1]]) });
    cache.set('a', state(1));
    cache.set('b', state(2));
    expect(cache.get('a')?.lastSeq).toBe(1);
    expect(cache.evicted()).toBe(false);
    cache.set('c', state(3));
    expect([cache.get('b'), cache.get('a')?.lastSeq, cache.get('c')?.lastSeq]).toEqual([undefined, 1, 3]);
    expect(cache.evicted()).toBe(true);
    // A state read back does not overwrite one this process wrote; a written one does.
    cache.set('a', state(0), false);
    expect(cache.get('a')?.lastSeq).toBe(1);
    cache.set('a', state(9));
    expect(cache.get('a')?.lastSeq).toBe(9);
  });

  it('keeps a cached figure of a kind in a country through batches that change other kinds or countries', async () => {
    const cache = useFactCache(createFactCache(10_000));
    try {
      const model = readModel(db, 'targeted');
      const other = '7d1f3c2a-5b6e-4f70-8a9b-0c1d2e3f4a5b';
      const sum = async (match: Record<string, unknown>) =>
        (await figure(model.view().facts, { match, measure: Measure.Sum }, { threshold: 5, internal: true })).cells[0]
          ?.value ?? 0;
      const maAttendance = () => sum({ kind: 'training_attendance', country: 'MA' });
      await model.applyBatch([{ event: attendance([1, 2]), seq: 1 }]);
      expect(await maAttendance()).toBe(3);
      const misses = () => cache.stats().misses;
      const before = misses();
      // Attendance in another country, and another kind of fact in Morocco: the Moroccan attendance stays cached.
      await model.applyBatch([{ event: attendance([10], 'TN', other), seq: 2 }]);
      expect(await maAttendance()).toBe(3);
      expect(misses()).toBe(before);
      expect(await sum({ kind: 'training_attendance', country: 'TN' })).toBe(10);
      // Attendance in Morocco again: read again, and right.
      await model.applyBatch([{ event: attendance([4, 5]), seq: 3 }]);
      expect(await maAttendance()).toBe(9);
      expect(misses()).toBeGreaterThan(before + 1);
      // A read across countries follows every batch.
      const all = await sum({ kind: 'training_attendance' });
      await model.applyBatch([{ event: attendance([20], 'TN', other), seq: 4 }]);
      expect(await sum({ kind: 'training_attendance' })).toBe(Number(all) + 10);
      // A sweep that removes Moroccan facts a dead process left behind changes the Moroccan version too.
      await model.applyBatch([{ event: attendance([7]), seq: 2, redelivered: true }]);
      await model.facts.insertOne({
        ...(await model.facts.findOne({ seq: 3 }))!,
        _id: `training:${T}:attendance@2#0`,
        seq: 2,
        value: 7,
      });
      const withStale = await modelVersion(model.facts, { kind: 'training_attendance', country: 'MA' });
      expect(await model.sweep()).toBe(1);
      expect(await modelVersion(model.facts, { kind: 'training_attendance', country: 'MA' })).not.toBe(withStale);
      expect(await maAttendance()).toBe(9);
    } finally {
      useFactCache(createFactCache(0));
    }
  });
});
