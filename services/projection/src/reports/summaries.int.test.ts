import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { createEnvelope, registry, type Envelope } from '@passerelle/contracts';
import { publishEvent } from '@passerelle/platform';
import ExcelJS from 'exceljs';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSheet, SHEET_TYPES } from '@passerelle/sheets';
import { eventually, isolatedEnv, testToken } from '@passerelle/testkit';
import { start } from '../main.js';
import { Counting } from './counting.js';

// Summaries, 3W, results by line of work and contributions over a small Moroccan year, read by an internal
// user and by an external one (small cells of children and trafficking victims hidden).
const env = isolatedEnv('summaries');
let projection: Awaited<ReturnType<typeof start>>;
let nc: NatsConnection;
let internal: string;
let external: string;

const at = (iso: string) => ({ actor: 'staff-1', correlationid: 'c', now: new Date(iso) });
const ev = (type: string, subject: string, data: object, recorded = '2021-06-01T00:00:00Z') =>
  createEnvelope({ type, subject, country: 'MA', data }, at(recorded));
const t = (en: string) => ({ en, fr: `${en} (fr)` });
const tag = (framework: string, code: string) => ({ framework, code });
const fw = { frameworkId: 'ARMP-MA', businessDate: '2019-10-01' };
const P = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const P2 = 'psy-partner';
const uuid = (n: number) => `1a2b3c4d-0000-4000-8000-${String(n).padStart(12, '0')}`;
const key = (n: number) => n.toString(16).padStart(64, '0');

// The nodes and tags of the Morocco demo framework (services/indicators/demo/morocco-framework.yaml).
const nodes = [
  { code: 'OBJ', level: 'objective', title: t('Objective'), alignments: [tag('sdg', '10.7'), tag('gcm', '23')] },
  {
    code: '1',
    level: 'outcome',
    parent: 'OBJ',
    title: t('Migration management'),
    alignments: [tag('sdg', '10.7'), tag('gcm', '7'), tag('snia', '15')],
  },
  {
    code: '1.1',
    level: 'activity_line',
    parent: '1',
    title: t('Trainings'),
    alignments: [tag('sdg', '16.2'), tag('sdg', '17.9'), tag('gcm', '10'), tag('snia', '16'), tag('snia', '26')],
  },
  {
    code: '1.2',
    level: 'activity_line',
    parent: '1',
    title: t('SNIA follow-up'),
    alignments: [tag('sdg', '17.18'), tag('gcm', '1'), tag('snia', '26'), tag('snia', '27')],
  },
  {
    code: '1.3',
    level: 'activity_line',
    parent: '1',
    title: t('Children centre'),
    alignments: [tag('sdg', '16.2'), tag('gcm', '7'), tag('snia', '15')],
  },
  {
    code: '1.4',
    level: 'activity_line',
    parent: '1',
    title: t('Regional councils'),
    alignments: [tag('sdg', '10.7'), tag('gcm', '7'), tag('snia', '15')],
  },
  {
    code: '2',
    level: 'outcome',
    parent: 'OBJ',
    title: t('Partnership'),
    alignments: [tag('sdg', '17.17'), tag('gcm', '23'), tag('snia', '17')],
  },
  {
    code: '2.1',
    level: 'activity_line',
    parent: '2',
    title: t('Data'),
    alignments: [tag('sdg', '17.18'), tag('gcm', '1'), tag('snia', '26')],
  },
  {
    code: '2.2',
    level: 'activity_line',
    parent: '2',
    title: t('Committee'),
    alignments: [tag('sdg', '16.a'), tag('gcm', '10'), tag('snia', '16')],
  },
  {
    code: '2.3',
    level: 'activity_line',
    parent: '2',
    title: t('Associations'),
    alignments: [tag('sdg', '17.17'), tag('gcm', '23'), tag('snia', '17')],
  },
];
const indicator = (code: string, nodeCode: string, extra: object) =>
  ev(
    'indicators.indicator.defined',
    'ARMP-MA',
    {
      ...fw,
      code,
      name: t(`Indicator ${code}`),
      definition: t('Definition'),
      unit: 'people',
      nodeCode,
      revision: 1,
      ...extra,
    },
    '2020-01-01T00:00:00Z',
  );

type Row = { sex: string; category: string; count: number };
const trainings = [
  {
    id: uuid(1),
    date: '2020-02-10',
    topics: ['trafficking_in_persons', 'unaccompanied_children'],
    partnerIds: [P],
    rows: [
      { sex: 'female', category: 'police', count: 14 },
      { sex: 'male', category: 'judiciary', count: 10 },
    ] as Row[],
  },
  {
    id: uuid(2),
    date: '2020-06-15',
    topics: ['international_migration_law'],
    partnerIds: [],
    rows: [
      { sex: 'female', category: 'student', count: 20 },
      { sex: 'male', category: 'student', count: 27 },
    ] as Row[],
  },
  {
    id: uuid(3),
    date: '2021-01-10',
    topics: ['trafficking_in_persons'],
    partnerIds: [P],
    rows: [{ sex: 'female', category: 'social_worker', count: 26 }] as Row[],
  },
];
const trainingEvents = trainings.flatMap((x) => {
  const common = {
    trainingId: x.id,
    businessDate: x.date,
    topics: x.topics,
    activityLine: '1.1',
    region: 'Rabat-Salé-Kénitra',
  };
  return [
    ev('trainings.training.held', x.id, {
      ...common,
      startDate: x.date,
      endDate: x.date,
      durationDays: 1,
      partnerIds: x.partnerIds,
    }),
    ev('trainings.training.attendance_recorded', x.id, {
      ...common,
      rows: x.rows,
      total: x.rows.reduce((n, r) => n + r.count, 0),
    }),
  ];
});

type Person = { key: number; sex: string; ageGroup: string; flags: string[] };
const adult = (k: number): Person => ({ key: k, sex: 'female', ageGroup: '18-59', flags: ['none'] });
const child = (k: number): Person => ({
  key: k,
  sex: 'male',
  ageGroup: '12-17',
  flags: ['unaccompanied_separated_child'],
});
const deliveryData = (id: string, date: string, kind: string, partnerId: string) => ({
  deliveryId: id,
  businessDate: date,
  kind,
  context: 'covid19',
  partnerId,
  place: { country: 'MA', region: 'Oriental' },
  region: 'Oriental',
  activityLine: '1.4',
  quantity: 1,
  unit: 'parcel',
});
const keyed = (id: string, date: string, people: Person[]) =>
  ev('assistance.delivery.recorded', id, {
    ...deliveryData(id, date, 'food', P),
    mode: 'keys',
    total: people.length,
    rows: people.map((p) => ({ sex: p.sex, ageGroup: p.ageGroup, flags: p.flags, count: 1 })),
    beneficiaries: people.map((p) => ({ key: key(p.key), sex: p.sex, ageGroup: p.ageGroup, flags: p.flags })),
  });
const counted = [
  { sex: 'male', ageGroup: '18-59', flags: ['victim_of_trafficking'], count: 3 },
  { sex: 'male', ageGroup: '18-59', flags: ['none'], count: 10 },
];
const D = [uuid(11), uuid(12), uuid(13), uuid(14)];
const events: Envelope[] = [
  ev(
    'indicators.framework.published',
    'ARMP-MA',
    {
      ...fw,
      programme: 'ARMP',
      programmeStart: '2019-10-01',
      frameworkVersion: 1,
      title: t('ARMP Morocco'),
      context: t('Context'),
      targetGroups: [],
      nodes,
      indicators: [],
    },
    '2020-01-01T00:00:00Z',
  ),
  indicator('1.1.a', '1.1', {
    disaggregations: ['sex'],
    sensitive: false,
    alignments: [tag('sdg', '17.9'), tag('snia', '26')],
    computation: {
      method: 'rule',
      rule: { source: 'training_attendance', measure: 'sum_participants', filters: { activity_line: ['1.1'] } },
    },
  }),
  indicator('1.a', '1', {
    disaggregations: ['age_group'],
    sensitive: true,
    alignments: [tag('sdg', '10.7')],
    computation: {
      method: 'rule',
      rule: { source: 'assistance_beneficiaries', measure: 'unique_people', filters: {} },
    },
  }),
  ev(
    'indicators.target.set',
    'ARMP-MA',
    {
      ...fw,
      indicatorCode: '1.1.a',
      period: 'PY1',
      periodStart: '2019-10-01',
      periodEnd: '2020-09-30',
      value: 100,
      targetVersion: 1,
    },
    '2020-01-01T00:00:00Z',
  ),
  ev('partners.partner.registered', P, {
    partnerId: P,
    businessDate: '2020-01-05',
    name: { fr: 'Fondation Orient-Occident', en: 'Orient-Occident Foundation' },
    type: 'foundation',
    level: 'national',
    country: 'MA',
    region: 'Rabat-Salé-Kénitra',
    tags: [],
    active: true,
  }),
  ev('partners.partner.support_provided', P, {
    partnerId: P,
    businessDate: '2020-03-15',
    name: { fr: 'Fondation Orient-Occident', en: 'Orient-Occident Foundation' },
    type: 'foundation',
    level: 'national',
    country: 'MA',
    region: 'Rabat-Salé-Kénitra',
    tags: [],
    active: true,
    supportId: uuid(21),
    kind: 'technical_assistance',
    date: '2020-03-15',
    description: 'Help with reporting',
    activityLine: '2.3',
  }),
  ...trainingEvents,
  keyed(D[0]!, '2020-05-01', [1, 2, 3, 4, 5, 6].map(adult)),
  keyed(D[1]!, '2020-05-20', [...[5, 6, 7, 8].map(adult), child(20), child(21)]),
  ev('assistance.delivery.recorded', D[2]!, {
    ...deliveryData(D[2]!, '2020-07-01', 'medical', P2),
    mode: 'counts',
    rows: counted,
    total: 13,
  }),
  // The only delivery of 2021: two unaccompanied children, so the total itself is a small sensitive figure.
  keyed(D[3]!, '2021-03-01', [child(30), child(31)]),
];

const run = promisify(execFile);

async function get(path: string, token = internal) {
  const res = await fetch(`${projection.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    type,
    disposition: res.headers.get('content-disposition'),
    body: type.includes('json') ? ((await res.json()) as any) : Buffer.from(await res.arrayBuffer()),
  };
}
const cells = (s: any, by: string, measure: string) =>
  s.breakdowns.find((b: any) => b.by === by && b.measure === measure).cells as Array<{
    key: string;
    value: number | string | null;
    counting: string;
    suppressed?: true;
  }>;
const value = (s: any, by: string, measure: string, k: string) => cells(s, by, measure).find((c) => c.key === k)?.value;
const sum = (rows: Row[]) => rows.reduce((n, r) => n + r.count, 0);
const inPY1 = trainings.filter((x) => x.date < '2020-10-01');

beforeAll(async () => {
  projection = await start(env.env('projection'));
  nc = await connect({ servers: env.infra.natsUrl });
  const js = jetstream(nc);
  internal = await testToken(['reports:read', 'reports:internal'], ['MA']);
  external = await testToken(['reports:read'], ['MA']);
  for (const e of events) registry.parse(JSON.stringify(e));
  for (const e of events) await publishEvent(js, env.prefix, e);
  await eventually(
    async () => ((await get('/projection/status')).body.lag === 0 ? true : undefined),
    20_000,
    'the projection',
  );
});
afterAll(async () => {
  await projection?.rt.shutdown();
  await nc?.close();
});

describe('trainings summary', () => {
  it('counts trainings held and participants of a programme year, by topic (each topic of a training), category, sex and region', async () => {
    const r = await get('/reports/trainings-summary?framework=ARMP-MA&period=PY1');
    expect(r.status).toBe(200);
    expect(r.body.totals).toMatchObject({
      trainings: { value: inPY1.length },
      participants: { value: sum(inPY1.flatMap((x) => x.rows)) },
    });
    for (const topic of new Set(inPY1.flatMap((x) => x.topics))) {
      const held = inPY1.filter((x) => x.topics.includes(topic));
      expect(value(r.body, 'topic', 'trainings', topic)).toBe(held.length);
      expect(value(r.body, 'topic', 'participants', topic)).toBe(sum(held.flatMap((x) => x.rows)));
    }
    expect(value(r.body, 'participant_category', 'participants', 'student')).toBe(
      sum(inPY1.flatMap((x) => x.rows).filter((x) => x.category === 'student')),
    );
    expect(value(r.body, 'sex', 'participants', 'female')).toBe(
      sum(inPY1.flatMap((x) => x.rows).filter((x) => x.sex === 'female')),
    );
    expect(value(r.body, 'region', 'participants', 'Rabat-Salé-Kénitra')).toBe(sum(inPY1.flatMap((x) => x.rows)));
    expect(r.body.suppressedCells).toBe(0);
  });
  it('takes calendar periods without a framework, and the whole programme', async () => {
    expect((await get('/reports/trainings-summary?country=MA&period=2020-Q1')).body.totals.trainings.value).toBe(
      trainings.filter((x) => x.date >= '2020-01-01' && x.date <= '2020-03-31').length,
    );
    expect((await get('/reports/trainings-summary?period=all')).body.totals.participants.value).toBe(
      sum(trainings.flatMap((x) => x.rows)),
    );
  });
  it('is a CSV with accents intact, and an XLSX, with the same figures', async () => {
    const csv = await get('/reports/trainings-summary?framework=ARMP-MA&period=PY1&format=csv');
    expect(csv.type).toMatch(/^text\/csv/);
    expect(csv.disposition).toBe('attachment; filename="trainings-ARMP-MA-PY1-en.csv"');
    const rows = await readSheet(csv.body, SHEET_TYPES.csv);
    expect(
      rows.find((x) => x.values.breakdown === 'Region' && x.values.measure === 'participants')?.values,
    ).toMatchObject({ value: 'Rabat-Salé-Kénitra', figure: String(sum(inPY1.flatMap((x) => x.rows))) });
    // Values in the language, codes beside them; the topic column has the topic's name.
    expect(rows.find((x) => x.values.code === 'female' && x.values.measure === 'participants')?.values).toMatchObject({
      breakdown: 'Sex',
      value: 'Female',
    });
    const fr = await readSheet(
      (await get('/reports/trainings-summary?framework=ARMP-MA&period=PY1&format=csv&lang=fr')).body,
      SHEET_TYPES.csv,
    );
    expect(
      fr.find((x) => x.values.code === 'trafficking_in_persons' && x.values.mesure === 'participants')?.values,
    ).toMatchObject({ ventilation: 'Thème', valeur: expect.stringMatching(/^Lutte contre la traite/) });
    const xlsx = await get('/reports/trainings-summary?framework=ARMP-MA&period=PY1&format=xlsx');
    expect(xlsx.type).toBe(SHEET_TYPES.xlsx);
    // The same data; the CSV's notes follow its data, the XLSX's are on their own sheet.
    expect((await readSheet(xlsx.body, SHEET_TYPES.xlsx)).map((x) => x.values)).toEqual(
      rows.filter((x) => x.values.measure).map((x) => x.values),
    );
  });
});

describe('assistance summary', () => {
  it('counts people once where keys exist, adds counted people as totals, and says which per figure', async () => {
    const r = (await get('/reports/assistance-summary?framework=ARMP-MA&period=PY1')).body;
    const keys = new Set([1, 2, 3, 4, 5, 6, 7, 8, 20, 21]);
    // Every people figure names its two parts: distinct people of lists, and people counted without a list.
    expect(r.totals.people).toEqual({
      value: keys.size + 13,
      keyedPeople: keys.size,
      countedPeople: 13,
      counting: Counting.MayCountTwice,
    });
    expect(r.totals.deliveries.value).toBe(3);
    expect(cells(r, 'what', 'people').find((c) => c.key === 'food')).toMatchObject({
      value: keys.size,
      keyedPeople: keys.size,
      countedPeople: 0,
      counting: Counting.Unique,
    });
    expect(cells(r, 'what', 'people').find((c) => c.key === 'medical')).toMatchObject({
      value: 13,
      keyedPeople: 0,
      countedPeople: 13,
      counting: Counting.MayCountTwice,
    });
    expect(cells(r, 'partnerId', 'people').find((c) => c.key === P)).toMatchObject({
      value: keys.size,
      name: { en: 'Orient-Occident Foundation' },
    });
    expect(value(r, 'partnerId', 'deliveries', P)).toBe(2);
    expect(value(r, 'vulnerability', 'people', 'victim_of_trafficking')).toBe(3);
    expect(value(r, 'age_group', 'people', '12-17')).toBe(2);
    expect(r.suppressedCells).toBe(0);
  });
  it('hides small cells of children and victims from an external reader, and totals cannot give them back', async () => {
    const open = (await get('/reports/assistance-summary?framework=ARMP-MA&period=PY1')).body;
    const shown = (await get('/reports/assistance-summary?framework=ARMP-MA&period=PY1', external)).body;
    expect(value(shown, 'age_group', 'people', '12-17')).toBe('<5');
    expect(value(shown, 'vulnerability', 'people', 'victim_of_trafficking')).toBe('<5');
    expect(shown.suppressedCells).toBeGreaterThanOrEqual(3);
    expect(shown.protection).toContain(`${shown.suppressedCells} small cell(s)`);
    // The attack: total minus every visible cell of a breakdown, against each true value hidden in it.
    for (const b of shown.breakdowns.filter((x: any) => x.measure === 'people')) {
      const hidden = cells(shown, b.by, 'people').filter((c) => c.suppressed);
      if (!hidden.length) continue;
      expect(hidden.length).toBeGreaterThanOrEqual(2);
      const rest =
        shown.totals.people.value -
        cells(shown, b.by, 'people').reduce((n, c) => n + (typeof c.value === 'number' ? c.value : 0), 0);
      for (const h of hidden) expect(rest).not.toBe(value(open, b.by, 'people', h.key));
    }
  });
  it('hides every small people figure, the total too, when few people were reached and some are children', async () => {
    const shown = (await get('/reports/assistance-summary?country=MA&period=2021', external)).body;
    expect(shown.totals.people.value).toBe('<5');
    const numbers = shown.breakdowns
      .filter((b: any) => b.measure === 'people')
      .flatMap((b: any) => b.cells.map((c: any) => c.value));
    expect(numbers.length).toBeGreaterThan(0);
    for (const n of numbers) expect(typeof n === 'number' ? n >= 5 : n === '<5' || n === null).toBe(true);
    expect((await get('/reports/assistance-summary?country=MA&period=2021')).body.totals.people.value).toBe(2);
  });
});

describe('3W', () => {
  it('says who does what where when, with a figure each', async () => {
    const r = (await get('/reports/3w?framework=ARMP-MA&period=PY1&granularity=quarter')).body;
    const find = (q: object) => r.rows.filter((x: any) => Object.entries(q).every(([k, v]) => x[k] === v));
    expect(find({ type: 'training', partnerId: P, when: '2020-Q1' })).toMatchObject([
      {
        activityLine: '1.1',
        figure: sum(trainings[0]!.rows),
        activities: 1,
        partner: { en: 'Orient-Occident Foundation' },
      },
    ]);
    expect(find({ type: 'training', partnerId: null, when: '2020-Q2' })).toMatchObject([
      { figure: sum(trainings[1]!.rows) },
    ]);
    expect(find({ type: 'assistance', kind: 'food' })).toMatchObject([
      {
        partnerId: P,
        region: 'Oriental',
        when: '2020-Q2',
        figure: 10,
        keyedPeople: 10,
        countedPeople: 0,
        activities: 2,
        counting: Counting.Unique,
      },
    ]);
    expect(find({ type: 'assistance', kind: 'medical' })).toMatchObject([
      {
        partnerId: P2,
        partner: null,
        when: '2020-Q3',
        figure: 13,
        keyedPeople: 0,
        countedPeople: 13,
        counting: Counting.MayCountTwice,
      },
    ]);
    expect(find({ type: 'support' })).toMatchObject([
      { partnerId: P, activityLine: '2.3', kind: 'technical_assistance', region: 'Rabat-Salé-Kénitra', figure: 1 },
    ]);
    const months = (await get('/reports/3w?framework=ARMP-MA&period=PY1&granularity=month')).body.rows.map(
      (x: any) => x.when,
    );
    expect(new Set(months)).toEqual(new Set(['2020-02', '2020-03', '2020-05', '2020-06', '2020-07']));
  });
  it('hides a small row of children from an external reader, and is a table too', async () => {
    const shown = (await get('/reports/3w?country=MA&period=2021&granularity=year', external)).body;
    expect(shown.rows.find((x: any) => x.type === 'assistance')).toMatchObject({ figure: '<5', suppressed: true });
    expect(shown.suppressedCells).toBe(1);
    const xlsx = await get('/reports/3w?country=MA&period=2021&granularity=year&format=xlsx', external);
    expect(xlsx.disposition).toBe('attachment; filename="3w-year-MA-2021-en.xlsx"');
    const rows = (await readSheet(xlsx.body, SHEET_TYPES.xlsx)).map((x) => x.values);
    expect(rows.find((x) => x.type === 'Assistance')).toMatchObject({ figure: '<5', hidden: 'yes' });
    // The notes, the protection sentence among them, are on a sheet of their own, not under the data.
    expect(rows.every((x) => x.type)).toBe(true);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body);
    expect(book.worksheets.map((w) => w.name)).toEqual(['3W', 'Notes and sources']);
    expect(book.worksheets[1]!.getColumn(1).values.join(' ')).toContain('To protect people, 1 figure(s)');
  });
});

describe('results by line of work', () => {
  it('gives each node its indicators and the trainings and deliveries of the period on it', async () => {
    const r = (await get('/reports/results?framework=ARMP-MA&period=PY1')).body;
    const line = (code: string) => r.lines.find((l: any) => l.code === code);
    expect(r.lines.map((l: any) => l.code)).toEqual(nodes.map((n) => n.code));
    expect(line('1.1').indicators).toMatchObject([
      { code: '1.1.a', actual: sum(inPY1.flatMap((x) => x.rows)), target: { value: 100 } },
    ]);
    expect(line('1.1').trainings).toEqual(
      inPY1.map((x) => ({ trainingId: x.id, date: x.date, topics: x.topics, participants: sum(x.rows) })),
    );
    expect(line('1.4').deliveries).toEqual([
      { deliveryId: D[0], date: '2020-05-01', kind: 'food', people: 6, keyedPeople: 6, countedPeople: 0 },
      { deliveryId: D[1], date: '2020-05-20', kind: 'food', people: 6, keyedPeople: 6, countedPeople: 0 },
      { deliveryId: D[2], date: '2020-07-01', kind: 'medical', people: 13, keyedPeople: 0, countedPeople: 13 },
    ]);
    expect(line('1').indicators.map((i: any) => i.code)).toEqual(['1.a']);
  });
  it('hides the people of a small delivery to children from an external reader', async () => {
    const r = (await get('/reports/results?framework=ARMP-MA&period=PY2', external)).body;
    expect(r.lines.find((l: any) => l.code === '1.4').deliveries).toMatchObject([{ deliveryId: D[3], people: '<5' }]);
    expect(r.suppressedCells).toBeGreaterThanOrEqual(1);
  });
});

describe('contributions', () => {
  it('lists SDG goals 10, 16 and 17 and SNIA OSPs 15, 16, 17, 26 and 27, with the indicators and lines behind each', async () => {
    const r = (await get('/reports/contributions?framework=ARMP-MA&period=PY1')).body;
    expect(r.sdg.goals.map((g: any) => g.code)).toEqual(['10', '16', '17']);
    expect(r.snia.objectives.map((o: any) => o.code)).toEqual(['15', '16', '17', '26', '27']);
    const target = (code: string) => r.sdg.goals.flatMap((g: any) => g.targets).find((x: any) => x.code === code);
    expect(target('17.9')).toMatchObject({
      label: { en: expect.stringContaining('capacity') },
      indicators: [{ code: '1.1.a', actual: sum(inPY1.flatMap((x) => x.rows)) }],
      activityLines: [{ code: '1.1' }],
    });
    expect(target('10.7').indicators.map((i: any) => i.code)).toEqual(['1.a']);
    expect(r.gcm.objectives.find((o: any) => o.code === '7')).toMatchObject({ indicators: [{ code: '1.a' }] });
  });
});

describe('indicator progress as a table', () => {
  it('keeps the suppression of the JSON in the CSV and says how many cells were hidden', async () => {
    const json = (await get('/reports/indicators?framework=ARMP-MA&period=PY1', external)).body;
    const csv = await get('/reports/indicators?framework=ARMP-MA&period=PY1&format=csv&lang=fr', external);
    expect(csv.disposition).toBe('attachment; filename="indicateurs-ARMP-MA-PY1-fr.csv"');
    const rows = (await readSheet(csv.body, SHEET_TYPES.csv)).map((x) => x.values);
    const ages = json.indicators.find((i: any) => i.code === '1.a').breakdowns.age_group;
    // 1.a is marked sensitive: every age group is listed, those under 5 (even empty) hidden, the rest rounded.
    const hidden = { value: '<5', suppressed: true, keyedPeople: '<5', countedPeople: '<5' };
    expect(ages).toEqual([
      { key: '0-4', ...hidden },
      { key: '12-17', ...hidden },
      {
        key: '18-59',
        value: 25,
        rounded: true,
        keyedPeople: 10,
        countedPeople: 15,
        roundedParts: ['keyedPeople', 'countedPeople'],
      },
      { key: '5-11', ...hidden },
      { key: '60+', ...hidden },
    ]);
    for (const c of ages.filter((x: any) => x.suppressed))
      expect(rows.find((x) => x.indicateur === '1.a' && x.code === c.key)).toMatchObject({
        chiffre: c.value,
        masque: 'oui',
        nom: 'Indicator 1.a (fr)',
        dimension: "Tranche d'âge",
      });
    expect(rows.find((x) => x.indicateur === '1.1.a' && !x.dimension)).toMatchObject({
      cible: '100',
      realise: String(sum(inPY1.flatMap((x) => x.rows))),
      version_du_cadre: '1',
      periode: 'PY1',
    });
    expect(
      rows.some((x) =>
        x.indicateur?.startsWith(
          `Pour protéger les personnes, ${json.indicators.reduce((n: number, i: any) => n + i.suppressedCells, 0)} chiffre(s)`,
        ),
      ),
    ).toBe(true);
  });
});

describe('bad input', () => {
  const problem = async (path: string, status: number, token = internal) => {
    const r = await get(path, token);
    expect(r.status).toBe(status);
    expect(r.type).toMatch(/^application\/problem\+json/);
    return r.body;
  };
  it('refuses an unknown format or granularity (400)', async () => {
    await problem('/reports/trainings-summary?format=pdf', 400);
    await problem('/reports/indicators?framework=ARMP-MA&format=xml', 400);
    await problem('/reports/3w?granularity=week', 400);
  });
  it('refuses a bad period, a programme year without a framework, and a framework of another country than asked (422)', async () => {
    expect((await problem('/reports/assistance-summary?period=2020-Q7', 422)).code).toBe('BAD_PERIOD');
    expect((await problem('/reports/trainings-summary?period=PY1', 422)).code).toBe('FRAMEWORK_NEEDED');
    expect(
      (await problem('/reports/3w?country=TN&framework=ARMP-MA', 422, await testToken(['reports:read'], ['MA', 'TN'])))
        .code,
    ).toBe('COUNTRY_MISMATCH');
  });
  it("refuses another country than the token's (403), and an unknown framework (404)", async () => {
    await problem('/reports/assistance-summary?country=TN', 403);
    await problem('/reports/contributions?framework=ARMP-TN', 403);
    await problem('/reports/results?framework=ARMP-TN', 404, await testToken(['reports:read'], ['MA', 'TN']));
    await problem(
      '/reports/trainings-summary?framework=ARMP-TN&period=PY1',
      404,
      await testToken(['reports:read'], ['TN']),
    );
  });
  it('shows a reader of another country nothing of Morocco', async () => {
    const tn = await testToken(['reports:read'], ['TN']);
    expect((await get('/reports/trainings-summary', tn)).body.totals.participants.value).toBe(0);
    expect((await get('/reports/3w', tn)).body.rows).toEqual([]);
  });
});

describe('exports as a person sees them', () => {
  it('renders the indicators and 3W sheets with LibreOffice: each prints one page wide, its notes on a page of their own; PNG images in test-output/', async () => {
    const soffice = '/usr/bin/soffice';
    if (!existsSync(soffice))
      throw new Error('LibreOffice is missing: infra/dev/setup.sh installs libreoffice-calc-nogui');
    const out = fileURLToPath(new URL('../../test-output/exports/', import.meta.url));
    mkdirSync(out, { recursive: true });
    for (const [name, path] of [
      ['indicateurs-fr', '/reports/indicators?framework=ARMP-MA&period=PY1&format=xlsx&lang=fr'],
      ['3w-en', '/reports/3w?framework=ARMP-MA&period=PY1&granularity=month&format=xlsx&lang=en'],
    ] as const) {
      const file = join(out, `${name}.xlsx`);
      writeFileSync(file, (await get(path, external)).body);
      // Not spawnSync: the projection answers from this process, and a loop blocked for the conversion's seconds
      // lets the server's keep-alive timer close the socket as the next fetch reuses it (ECONNRESET, seen once).
      const r = await run(
        soffice,
        [
          '--headless',
          '--norestore',
          `-env:UserInstallation=file://${out}lo-profile`,
          '--convert-to',
          'pdf',
          '--outdir',
          out,
          file,
        ],
        { encoding: 'utf8', timeout: 120_000 },
      ).then(
        (o) => ({ status: 0, stderr: o.stderr }),
        (e: { code?: number; stderr?: string }) => ({ status: e.code ?? -1, stderr: e.stderr ?? String(e) }),
      );
      expect(r.status, r.stderr).toBe(0);
      const pdf = join(out, `${name}.pdf`);
      // The data sheet on one landscape A4 page, its last column included (fit to width), then the notes sheet.
      const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout;
      expect(info).toMatch(/Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)/);
      expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBe(2);
      const first = spawnSync('pdftotext', ['-f', '1', '-l', '1', '-layout', pdf, '-'], { encoding: 'utf8' }).stdout;
      expect(first).toContain(name.startsWith('3w') ? 'counting' : 'pas de données');
      expect(spawnSync('pdftoppm', ['-png', '-r', '110', pdf, join(out, name)]).status).toBe(0);
      expect(statSync(join(out, `${name}-1.png`)).size).toBeGreaterThan(5_000);
    }
  }, 240_000);
});
