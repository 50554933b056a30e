import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { createEnvelope, registry, type Envelope } from '@passerelle/contracts';
import { publishEvent } from '@passerelle/platform';
import { eventually, isolatedEnv, testToken } from '@passerelle/testkit';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { start } from './main.js';
import { readModel } from './apply/read-model.js';

// The questions of the reporting API: figures, the events behind a figure, as of a past instant, what changed,
// and the admin side (rebuild into a new generation, dead letters).
const env = isolatedEnv('reports');
let projection: Awaited<ReturnType<typeof start>>;
let nc: NatsConnection;
let js: JetStreamClient;
let token: string;

const at = (iso: string) => ({ actor: 'staff-1', correlationid: 'c', now: new Date(iso) });
const T = '0e0b8a5e-31a5-4c53-9d62-5b0c0a4d2b11';
const D1 = '1a2b3c4d-0000-4000-8000-000000000001';
const D2 = '1a2b3c4d-0000-4000-8000-000000000002';
const D3 = '1a2b3c4d-0000-4000-8000-000000000003';
const D4 = '1a2b3c4d-0000-4000-8000-000000000004';
const key = (n: number) => n.toString(16).padStart(64, '0');
const attendance = (type: string, female: number, recorded: string, extra = {}) =>
  createEnvelope(
    {
      type,
      subject: T,
      country: 'MA',
      data: {
        trainingId: T,
        businessDate: '2020-02-10',
        rows: [
          { sex: 'female', category: 'police', count: female },
          { sex: 'male', category: 'police', count: 10 },
        ],
        total: female + 10,
        topics: ['trafficking_in_persons'],
        activityLine: '1.1',
        ...extra,
      },
    },
    at(recorded),
  );
const fw = { frameworkId: 'ARMP-MA' };
const text = { fr: 'Texte', en: 'Text' };
const framework = () => [
  createEnvelope(
    {
      type: 'indicators.framework.published',
      subject: 'ARMP-MA',
      country: 'MA',
      data: {
        ...fw,
        businessDate: '2019-10-01',
        programme: 'ARMP',
        programmeStart: '2019-10-01',
        frameworkVersion: 2,
        title: text,
        context: text,
        targetGroups: [],
        nodes: [],
        indicators: [],
      },
    },
    at('2020-01-01T00:00:00Z'),
  ),
  createEnvelope(
    {
      type: 'indicators.indicator.defined',
      subject: 'ARMP-MA',
      country: 'MA',
      data: {
        ...fw,
        businessDate: '2019-10-01',
        code: '1.1.a',
        name: { fr: 'Personnes formées', en: 'People trained' },
        definition: text,
        unit: 'people',
        nodeCode: '1.1',
        disaggregations: ['sex'],
        sensitive: false,
        alignments: [],
        revision: 1,
        computation: {
          method: 'rule',
          rule: { source: 'training_attendance', measure: 'sum_participants', filters: { activity_line: ['1.1'] } },
        },
      },
    },
    at('2020-01-01T00:00:00Z'),
  ),
  createEnvelope(
    {
      type: 'indicators.target.set',
      subject: 'ARMP-MA',
      country: 'MA',
      data: {
        ...fw,
        businessDate: '2019-10-01',
        indicatorCode: '1.1.a',
        period: 'PY1',
        periodStart: '2019-10-01',
        periodEnd: '2020-09-30',
        value: 50,
        targetVersion: 1,
      },
    },
    at('2020-01-01T00:00:00Z'),
  ),
  createEnvelope(
    {
      type: 'indicators.indicator.defined',
      subject: 'ARMP-MA',
      country: 'MA',
      data: {
        ...fw,
        businessDate: '2019-10-01',
        code: '1.a',
        name: { fr: 'Migrants assistés', en: 'Migrants assisted' },
        definition: text,
        unit: 'people',
        nodeCode: '1.4',
        disaggregations: [],
        sensitive: true,
        alignments: [],
        revision: 1,
        computation: {
          method: 'rule',
          rule: { source: 'assistance_beneficiaries', measure: 'unique_people', filters: {} },
        },
      },
    },
    at('2020-01-01T00:00:00Z'),
  ),
];
const P = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const partner = (type: string, name: { fr: string; en: string }, recorded: string, extra = {}) =>
  createEnvelope(
    {
      type,
      subject: P,
      country: 'MA',
      data: {
        partnerId: P,
        businessDate: recorded.slice(0, 10),
        name,
        acronym: 'FOO',
        type: 'foundation',
        level: 'national',
        country: 'MA',
        region: 'Rabat-Salé-Kénitra',
        tags: [],
        active: true,
        ...extra,
      },
    },
    at(recorded),
  );
const delivery = (
  id: string,
  keys: number[],
  who: { ageGroup: string; flags: string[] } = { ageGroup: '18-59', flags: ['none'] },
) =>
  createEnvelope(
    {
      type: 'assistance.delivery.recorded',
      subject: id,
      country: 'MA',
      data: {
        deliveryId: id,
        businessDate: '2020-05-01',
        kind: 'food',
        context: 'covid19',
        partnerId: 'foo',
        place: { country: 'MA', region: 'Oriental' },
        region: 'Oriental',
        activityLine: '1.4',
        quantity: keys.length,
        unit: 'parcel',
        mode: 'keys',
        rows: [{ sex: 'female', ...who, count: keys.length }],
        total: keys.length,
        beneficiaries: keys.map((k) => ({ key: key(k), sex: 'female', ...who })),
      },
    },
    at('2020-05-02T10:00:00Z'),
  );

async function get(path: string, method = 'GET') {
  const res = await fetch(`${projection.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as any };
}
const caughtUp = async () => ((await get('/projection/status')).body.lag === 0 ? true : undefined);
const figure = async (q: string) =>
  (await get(`/reports/figures?${q}`)).body.rows as Array<{ key: string | null; value: number }>;

beforeAll(async () => {
  projection = await start(env.env('projection'));
  nc = await connect({ servers: env.infra.natsUrl });
  js = jetstream(nc);
  token = await testToken(['reports:read', 'reports:internal', 'projection:admin'], ['MA']);
  const events: Envelope[] = [
    attendance('trainings.training.attendance_recorded', 12, '2020-02-11T09:00:00Z'),
    attendance('trainings.training.attendance_corrected', 15, '2020-03-01T09:00:00Z', { previousTotal: 22 }),
    delivery(D1, [1, 2, 3]),
    delivery(D2, [2, 3, 4, 5]),
    // Recorded in error, then voided: it must count for nothing.
    delivery(D3, [9]),
    // Two unaccompanied children: a small cell of a sensitive group.
    delivery(D4, [20, 21], { ageGroup: '12-17', flags: ['unaccompanied_separated_child'] }),
    createEnvelope(
      {
        type: 'assistance.delivery.voided',
        subject: D3,
        country: 'MA',
        data: {
          deliveryId: D3,
          businessDate: '2020-05-01',
          reason: 'entered twice',
          kind: 'food',
          context: 'covid19',
          partnerId: 'foo',
          activityLine: '1.4',
          region: 'Oriental',
          previousTotal: 1,
        },
      },
      at('2020-05-03T10:00:00Z'),
    ),
    ...framework(),
    partner(
      'partners.partner.registered',
      { fr: 'Fondation Orient Occident', en: 'Orient Occident Foundation' },
      '2020-01-05T00:00:00Z',
    ),
    partner(
      'partners.partner.updated',
      { fr: 'Fondation Orient-Occident', en: 'Orient-Occident Foundation' },
      '2020-06-01T00:00:00Z',
      { changed: ['name'], previousName: { fr: 'Fondation Orient Occident', en: 'Orient Occident Foundation' } },
    ),
  ];
  for (const e of events) registry.parse(JSON.stringify(e));
  for (const e of events) await publishEvent(js, env.prefix, e);
  await eventually(caughtUp, 15_000, 'the projection');
});
afterAll(async () => {
  await projection?.rt.shutdown();
  await nc?.close();
});

describe('figures', () => {
  it('participants by sex show the corrected figure', async () => {
    expect(await figure('source=training_attendance&by=sex')).toEqual([
      { key: 'female', value: 15 },
      { key: 'male', value: 10 },
    ]);
  });
  it('people assisted: 9 assistances but 7 unique people, said so by the measure; a voided delivery counts for nothing', async () => {
    expect(await figure('source=assistance_beneficiaries&measure=sum')).toEqual([{ key: null, value: 9 }]);
    // Every figure of unique people gives its two parts: distinct people of lists, and people counted without one.
    expect(await figure('source=assistance_beneficiaries&measure=unique')).toMatchObject([
      { key: null, value: 7, keyedPeople: 7, countedPeople: 0 },
    ]);
  });
  it('a token for another country sees nothing of Morocco and cannot ask for it', async () => {
    const tn = await testToken(['reports:read'], ['TN']);
    const res = await fetch(`${projection.url}/reports/figures?source=training_attendance&country=MA`, {
      headers: { authorization: `Bearer ${tn}` },
    });
    expect(res.status).toBe(403);
  });
  it('an unknown period is a 422, an unknown source a 400', async () => {
    expect((await get('/reports/figures?source=training_attendance&period=2020-Q7')).status).toBe(422);
    expect((await get('/reports/figures?source=knitting')).status).toBe(400);
  });
});

describe('indicator progress', () => {
  it('computes each indicator by its rule for a programme year, against its target and versions', async () => {
    const r = await get('/reports/indicators?framework=ARMP-MA&period=PY1');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ frameworkVersion: 2, period: { from: '2019-10-01', to: '2020-09-30' } });
    const trained = r.body.indicators.find((i: any) => i.code === '1.1.a');
    expect(trained).toMatchObject({
      actual: 25,
      target: { value: 50, version: 1 },
      percentOfTarget: 50,
      revision: 1,
      breakdowns: {
        sex: [
          { key: 'female', value: 15 },
          { key: 'male', value: 10 },
        ],
      },
    });
    expect(r.body.indicators.find((i: any) => i.code === '1.a')).toMatchObject({ actual: 7, measure: 'unique_people' });
  });
});

describe('small-cell protection', () => {
  it('hides small cells of sensitive groups outside the internal scope, and says so', async () => {
    const external = await testToken(['reports:read'], ['MA']);
    const ask = async (t: string) =>
      (await (
        await fetch(`${projection.url}/reports/figures?source=assistance_beneficiaries&measure=unique&by=age_group`, {
          headers: { authorization: `Bearer ${t}` },
        })
      ).json()) as any;
    const open = await ask(token);
    expect(open).toMatchObject({
      suppressedCells: 0,
      rows: [
        { key: '12-17', value: 2 },
        { key: '18-59', value: 5 },
      ],
    });
    const shown = await ask(external);
    // The children's cell is "<5", and the adults' cell is hidden too: 7 people in all minus 5 would give 2 away.
    // Indicator 1.a, marked sensitive, counts every person assisted: every people figure is protected. Each child
    // age group is listed, empty or not ("<5"), and the adults' part is rounded to a multiple of 5.
    expect(shown).toMatchObject({
      suppressedCells: 3,
      rows: [
        { key: '0-4', value: '<5', suppressed: true },
        { key: '12-17', value: '<5', suppressed: true },
        { key: '18-59', value: 5, rounded: true },
        { key: '5-11', value: '<5', suppressed: true },
      ],
    });
    // Figures of groups that are not sensitive stay as they are.
    const sexes = await fetch(`${projection.url}/reports/figures?source=training_attendance&by=sex`, {
      headers: { authorization: `Bearer ${external}` },
    });
    expect(((await sexes.json()) as any).rows).toEqual([
      { key: 'female', value: 15 },
      { key: 'male', value: 10 },
    ]);
    const explain = await fetch(`${projection.url}/reports/explain?source=training_attendance`, {
      headers: { authorization: `Bearer ${external}` },
    });
    expect(explain.status).toBe(403);
  });
});

describe('partners in reports', () => {
  it('show their latest name after a rename, and the old one as of before it', async () => {
    expect((await get('/reports/partners')).body).toMatchObject([
      { partnerId: P, name: { en: 'Orient-Occident Foundation' }, type: 'foundation' },
    ]);
    expect((await get('/reports/partners?asOf=2020-03-01T00:00:00Z')).body).toMatchObject([
      { name: { en: 'Orient Occident Foundation' } },
    ]);
  });
});

describe('explaining a figure', () => {
  it('lists the event behind the female police cell', async () => {
    const r = await get('/reports/explain?source=training_attendance&sex=female');
    expect(r.body.total).toBe(1);
    expect(r.body.items[0]).toMatchObject({
      eventType: 'trainings.training.attendance_corrected',
      businessDate: '2020-02-10',
      value: 15,
    });
  });
});

describe('as of a past instant, and what changed', () => {
  it('reproduces what was reported before the correction', async () => {
    expect(await figure('source=training_attendance&sex=female&asOf=2020-02-20T00:00:00Z')).toEqual([
      { key: null, value: 12 },
    ]);
    expect(await figure('source=training_attendance&sex=female&asOf=2020-01-01T00:00:00Z')).toEqual([]);
  });
  it('names the correction as the cause of the change', async () => {
    const r = await get(
      '/reports/diff?source=training_attendance&by=sex&from=2020-02-20T00:00:00Z&to=2020-03-02T00:00:00Z',
    );
    expect(r.body.changes).toHaveLength(1);
    expect(r.body.changes[0]).toEqual({ key: 'female', from: 12, to: 15, change: 3 });
    expect(r.body.causes).toMatchObject({
      total: 1,
      more: false,
      items: [{ eventType: 'trainings.training.attendance_corrected', cells: [{ key: 'female', change: 3 }] }],
    });
  });
});

describe('admin', () => {
  it('rebuilds into a new generation and switches readers with the same figures', async () => {
    const before = (await get('/projection/status')).body.generation;
    expect((await get('/admin/rebuild', 'POST')).status).toBe(202);
    const done = await eventually(
      async () => {
        const s = (await get('/projection/status')).body;
        return s.rebuild?.state === 'done' ? s : undefined;
      },
      20_000,
      'the rebuild',
    );
    expect(done.generation).toBeGreaterThan(before);
    expect(await figure('source=assistance_beneficiaries&measure=unique')).toMatchObject([{ key: null, value: 7 }]);
    expect(await figure('source=training_attendance&by=sex')).toEqual([
      { key: 'female', value: 15 },
      { key: 'male', value: 10 },
    ]);
  });
  it('replaying the whole stream over the live model changes nothing', async () => {
    const model = readModel(projection.rt.db, await projection.generations.current());
    const before = await model.dump();
    // Every message of the stream again, from the first, in one batch (replay() would start at the checkpoint).
    const head = (await projection.rt.jsm.streams.info(env.stream)).state.last_seq;
    const again = [];
    for (let seq = 1; seq <= head; seq++) {
      const m = await projection.rt.jsm.streams.getMessage(env.stream, { seq });
      try {
        again.push({ event: registry.parse(m!.data, m!.subject), seq, redelivered: true });
      } catch {
        // Poison events are not part of the model.
      }
    }
    expect(again.length).toBeGreaterThan(10);
    expect(await model.applyBatch(again)).toMatchObject({ applied: 0 });
    expect(await model.dump()).toEqual(before);
  });

  it('the rebuild command rebuilds into a new generation, and the running service follows it', async () => {
    const before = (await get('/projection/status')).body.generation;
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'dist', 'cli', 'rebuild.js')], {
        env: { ...process.env, ...env.env('projection'), LOG_LEVEL: 'error' },
      });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`rebuild exited with ${code}`))));
    });
    expect(JSON.parse(out.trim().split('\n').pop()!).generation).toBeGreaterThan(before);
    await eventually(
      async () => ((await get('/projection/status')).body.generation > before ? true : undefined),
      5_000,
      'the service on the new generation',
    );
    expect(await figure('source=training_attendance&by=sex')).toEqual([
      { key: 'female', value: 15 },
      { key: 'male', value: 10 },
    ]);
  });

  it('lists dead letters with their reason; replaying one that is still invalid says so', async () => {
    await js.publish(`${env.prefix}.MA.trainings.training.held`, JSON.stringify({ hello: 'world' }), {
      msgID: 'poison-1',
    });
    const letters = await eventually(
      async () => {
        const r = await get('/admin/dead-letters');
        return r.body.total >= 1 ? r.body : undefined;
      },
      15_000,
      'the dead letter',
    );
    expect(letters.items[0]).toMatchObject({
      consumer: 'projection',
      reason: expect.stringMatching(/INVALID_ENVELOPE/),
    });
    const replay = await get(`/admin/dead-letters/${letters.items[0].seq}/replay`, 'POST');
    expect(replay.status).toBe(422);
    expect(replay.body.code).toBe('STILL_INVALID');
    expect(
      (
        await fetch(`${projection.url}/admin/dead-letters`, {
          headers: { authorization: `Bearer ${await testToken(['reports:read'])}` },
        })
      ).status,
    ).toBe(403);
  });
});
