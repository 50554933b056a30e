import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { createEnvelope, registry } from '@passerelle/contracts';
import { DLQ_HEADERS, publishEvent } from '@passerelle/platform';
import { eventually, isolatedEnv, testToken } from '@passerelle/testkit';
import { start as startTrainings } from '@passerelle/trainings/main';
import { start as startProjection } from './main.js';
import { readModel } from './apply/read-model.js';

// One command-to-report path across two real services, NATS and the database.
const env = isolatedEnv('slice');
let projection: Awaited<ReturnType<typeof startProjection>>;
let nc: NatsConnection;
let jsm: JetStreamManager;
let writer: string;
let reporter: string;

const training = (topic: string) => ({
  title: { fr: 'Formation', en: 'Training' },
  topics: [topic],
  startDate: '2020-03-02',
  endDate: '2020-03-04',
  place: { country: 'MA', region: 'Oriental', city: 'Oujda' },
  modality: 'in_person',
  organiser: 'IOM',
  activityLine: '1.1',
  plannedParticipants: 25,
});

async function post(base: string, path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as any;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Plans, holds and records attendance of one training; returns its id. */
async function heldTraining(base: string, topic: string, female: number, male: number) {
  const t = await post(base, '/trainings', training(topic));
  await post(base, `/trainings/${t.id}/held`, { version: 1 });
  await post(base, `/trainings/${t.id}/attendance`, {
    version: 2,
    rows: [
      { sex: 'female', category: 'police', count: female },
      { sex: 'male', category: 'police', count: male },
    ],
  });
  return t.id as string;
}

async function report(by: string) {
  const res = await fetch(`${projection.url}/reports/participants?by=${by}&country=MA`, {
    headers: { authorization: `Bearer ${reporter}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as any).rows as Array<Record<string, string | number>>;
}
const figure = async (by: string, key: string) => (await report(by)).find((r) => r[by] === key)?.participants ?? 0;
const streamMessages = async () => (await jsm.streams.info(env.stream)).state.messages;
const caughtUp = async () => {
  const s = (await (
    await fetch(`${projection.url}/projection/status`, { headers: { authorization: `Bearer ${reporter}` } })
  ).json()) as any;
  return s.lag === 0 && s.lastApplied === (await jsm.streams.info(env.stream)).state.last_seq ? true : undefined;
};

beforeAll(async () => {
  projection = await startProjection(env.env('projection'));
  nc = await connect({ servers: env.infra.natsUrl });
  jsm = await jetstreamManager(nc);
  writer = await testToken(['trainings:write', 'trainings:read']);
  reporter = await testToken(['reports:read']);
});
afterAll(async () => {
  await projection?.rt.shutdown();
  await nc?.close();
});

describe('the slice: HTTP command in, report figure out', () => {
  it('reports participants by topic and by sex', async () => {
    const trainings = await startTrainings(env.env('trainings'));
    try {
      await heldTraining(trainings.url, 'sexual_exploitation_abuse', 13, 9);
      await heldTraining(trainings.url, 'international_migration_law', 20, 27);
      await eventually(
        async () => ((await figure('topic', 'international_migration_law')) === 47 ? true : undefined),
        15_000,
        'the report',
      );
      expect(await figure('topic', 'sexual_exploitation_abuse')).toBe(22);
      expect(await figure('sex', 'female')).toBe(33);
      expect(await figure('sex', 'male')).toBe(36);
    } finally {
      await trainings.rt.shutdown();
    }
  });
});

describe('a crash between the database write and the publish', () => {
  it('loses nothing once the service restarts, and a republished event is not counted twice', async () => {
    const before = await streamMessages();
    const crashed = await startTrainings(env.env('trainings'), { relay: false });
    const id = await heldTraining(crashed.url, 'border_management', 5, 6);
    await new Promise((r) => setTimeout(r, 300));
    expect(await streamMessages()).toBe(before);
    await crashed.rt.shutdown();

    const restarted = await startTrainings(env.env('trainings'));
    try {
      await eventually(
        async () => ((await streamMessages()) === before + 3 ? true : undefined),
        15_000,
        'the outbox sweep',
      );
      await eventually(
        async () => ((await figure('topic', 'border_management')) === 11 ? true : undefined),
        15_000,
        'the figure',
      );

      // Force the relay to publish the same events again, as if the ack had been lost.
      const sent = await restarted.store.trainings.historyCollection.find({ aggregate: id }).sort({ seq: 1 }).toArray();
      const outbox = sent.map((h) => ({ event: h.event, trace: {}, seq: h.seq }));
      await restarted.store.trainings.collection.updateOne(
        { _id: id },
        { $set: { outbox, unpublished: true, updatedAt: new Date(0) } },
      );
      expect(await restarted.rt.relay.sweep()).toBe(1);
      expect(await streamMessages()).toBe(before + 3);
      await eventually(caughtUp, 10_000, 'projection caught up');
      expect(await figure('topic', 'border_management')).toBe(11);
    } finally {
      await restarted.rt.shutdown();
    }
  });
});

describe('redelivery and poison events', () => {
  const attendance = (trainingId: string, count: number) =>
    createEnvelope(
      {
        type: 'trainings.training.attendance_recorded',
        subject: trainingId,
        country: 'MA',
        data: {
          trainingId,
          businessDate: '2020-05-01',
          rows: [{ sex: 'female', category: 'judiciary', count }],
          total: count,
          topics: ['migration_governance_data'],
          activityLine: '1.1',
        },
      },
      { actor: 'tester', correlationid: 'c1' },
    );
  const held = (trainingId: string) =>
    createEnvelope(
      {
        type: 'trainings.training.held',
        subject: trainingId,
        country: 'MA',
        data: {
          trainingId,
          businessDate: '2020-05-01',
          startDate: '2020-05-01',
          endDate: '2020-05-01',
          durationDays: 1,
          topics: ['migration_governance_data'],
          activityLine: '1.1',
          partnerIds: [],
        },
      },
      { actor: 'tester', correlationid: 'c1' },
    );

  it('the same event delivered again does not change the figure', async () => {
    const js = jetstream(nc);
    const trainingId = '0e0b8a5e-31a5-4c53-9d62-5b0c0a4d2b11';
    const ev = attendance(trainingId, 7);
    await publishEvent(js, env.prefix, held(trainingId));
    const ack = await publishEvent(js, env.prefix, ev);
    await eventually(
      async () => ((await figure('topic', 'migration_governance_data')) === 7 ? true : undefined),
      10_000,
      'first delivery',
    );
    // The exact same stream message again (what a redelivery is), and the same event as a new message.
    const model = readModel(projection.rt.db, await projection.generations.current());
    expect(await model.applyBatch([{ event: registry.parse(JSON.stringify(ev)), seq: ack.seq }])).toEqual({
      applied: 0,
      duplicates: 1,
    });
    await js.publish(`${env.prefix}.MA.${ev.type}`, JSON.stringify(ev), { msgID: `${ev.id}-again` });
    await eventually(caughtUp, 10_000, 'projection caught up');
    expect(await figure('topic', 'migration_governance_data')).toBe(7);
  });

  it('a late write of a killed process (facts of an event replaced since) is swept', async () => {
    const trainingId = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
    const js = jetstream(nc);
    await publishEvent(js, env.prefix, held(trainingId));
    const recorded = {
      ...attendance(trainingId, 6),
      data: { ...attendance(trainingId, 6).data, topics: ['labour_migration'] },
    };
    const first = await publishEvent(js, env.prefix, recorded);
    const second = await publishEvent(js, env.prefix, {
      ...attendance(trainingId, 9),
      type: 'trainings.training.attendance_corrected',
      data: { ...attendance(trainingId, 9).data, topics: ['labour_migration'], previousTotal: 6 },
    });
    await eventually(
      async () => ((await figure('topic', 'labour_migration')) === 9 ? true : undefined),
      10_000,
      'the correction',
    );
    const model = readModel(projection.rt.db, await projection.generations.current());
    // The first event comes back as a redelivery (its first process died): nothing to apply, but remembered...
    expect(
      await model.applyBatch([{ event: registry.parse(JSON.stringify(recorded)), seq: first.seq, redelivered: true }]),
    ).toEqual({ applied: 0, duplicates: 1 });
    // ...because the dead process's insert of its facts can land now, after the correction replaced them.
    const current = await model.facts.findOne({ source: `training:${trainingId}:attendance` });
    expect(current?.seq).toBe(second.seq);
    await model.facts.insertOne({
      ...current!,
      _id: `training:${trainingId}:attendance@${first.seq}#0`,
      seq: first.seq,
      value: 6,
    });
    const stale = { source: `training:${trainingId}:attendance` };
    expect(await model.facts.countDocuments(stale)).toBe(2);
    // Reports read the cells the applier maintained, not the facts, so the stale fact never shows in a figure...
    expect(await figure('topic', 'labour_migration')).toBe(9);
    // ...but explain and a rebuild's comparison read facts: the sweep removes it.
    expect(await model.sweep()).toBe(1);
    expect(await model.facts.countDocuments(stale)).toBe(1);
    expect(await figure('topic', 'labour_migration')).toBe(9);
    expect(await model.sweep()).toBe(0);
  });

  it('a dead-lettered event is projected when replayed after a fix (here: an upcaster for its old version)', async () => {
    const js = jetstream(nc);
    const trainingId = '6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a';
    await publishEvent(js, env.prefix, held(trainingId));
    // A version this code does not know yet: dead-lettered with the reason.
    const current = attendance(trainingId, 5);
    const { rows: _rows, ...withoutRows } = current.data;
    const old = { ...current, dataversion: '0', data: { ...withoutRows, topics: ['health_and_migration'], women: 5 } };
    await js.publish(`${env.prefix}.MA.${old.type}`, JSON.stringify(old), { msgID: old.id });
    const admin = await testToken(['projection:admin']);
    const letters = await eventually(
      async () => {
        const r = (await (
          await fetch(`${projection.url}/admin/dead-letters?pageSize=100`, {
            headers: { authorization: `Bearer ${admin}` },
          })
        ).json()) as any;
        return r.items.find((l: any) => /UNKNOWN_VERSION/.test(l.reason));
      },
      15_000,
      'the dead letter',
    );
    // The fix, as a deployment would bring it: version 0 data (a count of women) upcast to rows.
    const def = registry.get(old.type)!;
    def.upcasters = {
      '0': (d) => {
        const { women, ...rest } = d as { women: number };
        return { ...rest, rows: [{ sex: 'female', category: 'judiciary', count: women }] };
      },
    };
    try {
      const res = await fetch(`${projection.url}/admin/dead-letters/${letters.seq}/replay`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(res.status).toBe(200);
      expect(await figure('topic', 'health_and_migration')).toBe(5);
    } finally {
      delete def.upcasters;
    }
  });

  it('an event that fails validation goes to the dead-letter stream with the reason; the next one is projected', async () => {
    const js = jetstream(nc);
    const bad = attendance('5b7c6a2e-0d8f-4f4e-8a40-7a1d2f3e4c55', 3);
    (bad.data as { rows: unknown[] }).rows = [{ sex: 'female', category: 'judiciary', count: -3 }];
    const before = (await jsm.streams.info(env.deadLetter)).state.messages;
    const badAck = await js.publish(`${env.prefix}.MA.${bad.type}`, JSON.stringify(bad), { msgID: bad.id });
    await js.publish(`${env.prefix}.MA.trainings.training.held`, 'not json at all', { msgID: 'garbage-1' });
    const goodId = '9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d';
    await publishEvent(js, env.prefix, held(goodId));
    await publishEvent(js, env.prefix, {
      ...attendance(goodId, 4),
      data: { ...attendance(goodId, 4).data, topics: ['border_management'] },
    });

    const dead = await eventually(
      async () => {
        const info = await jsm.streams.info(env.deadLetter);
        return info.state.messages >= before + 2 ? info.state.messages : undefined;
      },
      15_000,
      'dead letters',
    );
    expect(dead).toBe(before + 2);
    const first = await jsm.streams.getMessage(env.deadLetter, { seq: before + 1 });
    expect(first?.header.get(DLQ_HEADERS.sequence)).toBe(String(badAck.seq));
    expect(first?.header.get(DLQ_HEADERS.reason)).toMatch(/INVALID_DATA.*rows\.0\.count/);
    const second = await jsm.streams.getMessage(env.deadLetter, { seq: before + 2 });
    expect(second?.header.get(DLQ_HEADERS.reason)).toMatch(/MALFORMED_JSON/);
    await eventually(
      async () => ((await figure('topic', 'border_management')) === 11 + 4 ? true : undefined),
      10_000,
      'the next event projected',
    );
  });
});
