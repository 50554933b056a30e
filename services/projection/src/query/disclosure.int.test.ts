import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { createEnvelope, registry, type Envelope } from '@passerelle/contracts';
import { publishEvent } from '@passerelle/platform';
import { readSheet, SHEET_TYPES } from '@passerelle/sheets';
import { eventually, isolatedEnv, testToken } from '@passerelle/testkit';
import { start } from '../main.js';

// The questions of issue 14, asked route by route by a reader with reports:read only, over a small Senegalese year:
// three victims of trafficking and two unaccompanied children among 41 people, one delivery counted without a list.
const env = isolatedEnv('disclosure');
let projection: Awaited<ReturnType<typeof start>>;
let nc: NatsConnection;
let reader: string;
let internal: string;

const FW = 'ATK-SN';
const at = (iso: string) => ({ actor: 'staff-1', correlationid: 'c', now: new Date(iso) });
const ev = (type: string, subject: string, data: object, recorded: string) =>
  createEnvelope({ type, subject, country: 'SN', data }, at(recorded));
const t = (en: string) => ({ en, fr: `${en} (fr)` });
const id = (n: number) => `5e1f0000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const key = (n: number) => (9000 + n).toString(16).padStart(64, '0');
type P = { n: number; sex: string; ageGroup: string; flags: string[] };
const adult = (n: number, sex = 'female'): P => ({ n, sex, ageGroup: '18-59', flags: ['none'] });
const victim = (n: number): P => ({ n, sex: 'female', ageGroup: '18-59', flags: ['victim_of_trafficking'] });
const child = (n: number): P => ({ n, sex: 'male', ageGroup: '12-17', flags: ['unaccompanied_separated_child'] });
const base = (d: string, date: string, region: string) => ({
  deliveryId: d,
  businessDate: date,
  kind: 'food',
  context: 'programme',
  partnerId: 'p-sn',
  place: { country: 'SN', region },
  region,
  activityLine: '1.4',
  quantity: 1,
  unit: 'kit',
});
const keyed = (d: string, date: string, region: string, people: P[], recorded: string) =>
  ev(
    'assistance.delivery.recorded',
    d,
    {
      ...base(d, date, region),
      mode: 'keys',
      total: people.length,
      rows: people.map((p) => ({ sex: p.sex, ageGroup: p.ageGroup, flags: p.flags, count: 1 })),
      beneficiaries: people.map((p) => ({ key: key(p.n), sex: p.sex, ageGroup: p.ageGroup, flags: p.flags })),
    },
    recorded,
  );
const range = (from: number, n: number, f: (k: number) => P) => Array.from({ length: n }, (_, i) => f(from + i));
const BEFORE = '2021-02-01T00:00:00Z';
const AFTER = '2021-04-01T00:00:00Z';

const events: Envelope[] = [
  ev(
    'indicators.framework.published',
    FW,
    {
      frameworkId: FW,
      businessDate: '2020-01-01',
      programme: 'ATK',
      programmeStart: '2020-01-01',
      frameworkVersion: 1,
      title: t('Programme'),
      context: t('Context'),
      targetGroups: [],
      nodes: [
        { code: 'O', level: 'objective', title: t('Objective') },
        { code: '1', level: 'outcome', parent: 'O', title: t('Outcome') },
        { code: '1.4', level: 'activity_line', parent: '1', title: t('Assistance') },
      ],
      indicators: [],
    },
    '2021-01-01T00:00:00Z',
  ),
  ...[
    {
      code: '1.a',
      unit: 'people',
      disaggregations: ['sex', 'vulnerability'],
      computation: {
        method: 'rule',
        rule: { source: 'assistance_beneficiaries', measure: 'unique_people', filters: {} },
      },
    },
    {
      code: '1.b',
      unit: 'trainings',
      disaggregations: [],
      computation: { method: 'rule', rule: { source: 'trainings_held', measure: 'count_trainings', filters: {} } },
    },
    { code: '1.c', unit: 'milestone', disaggregations: [], computation: { method: 'manual' } },
  ].map((i) =>
    ev(
      'indicators.indicator.defined',
      FW,
      {
        frameworkId: FW,
        businessDate: '2020-01-01',
        name: t(`Indicator ${i.code}`),
        definition: t('Definition'),
        nodeCode: '1.4',
        revision: 1,
        sensitive: false,
        alignments: [{ framework: 'sdg', code: '10.7' }],
        ...i,
      },
      '2021-01-01T00:00:00Z',
    ),
  ),
  ...['1.a', '1.b', '1.c'].map((code) =>
    ev(
      'indicators.target.set',
      FW,
      {
        frameworkId: FW,
        businessDate: '2020-01-01',
        indicatorCode: code,
        period: 'PY1',
        periodStart: '2020-01-01',
        periodEnd: '2020-12-31',
        value: 10,
        targetVersion: 1,
      },
      '2021-01-01T00:00:00Z',
    ),
  ),
  keyed(
    id(1),
    '2020-03-10',
    'Dakar',
    [...range(1, 12, (n) => adult(n)), victim(50), victim(51)],
    '2021-01-05T00:00:00Z',
  ),
  keyed(
    id(2),
    '2020-04-10',
    'Thiès',
    [...range(20, 8, (n) => adult(n, 'male')), child(60), child(61)],
    '2021-01-05T00:00:00Z',
  ),
  ev(
    'assistance.delivery.recorded',
    id(3),
    {
      ...base(id(3), '2020-05-10', 'Dakar'),
      mode: 'counts',
      total: 14,
      rows: [
        { sex: 'male', ageGroup: '18-59', flags: ['none'], count: 13 },
        { sex: 'female', ageGroup: '18-59', flags: ['victim_of_trafficking'], count: 1 },
      ],
    },
    '2021-03-01T00:00:00Z',
  ),
  ...[4, 5, 6].map((n) => keyed(id(n), '2020-06-01', 'Dakar', [adult(100 + n)], '2021-03-02T00:00:00Z')),
];

async function get(path: string, token = reader) {
  const res = await fetch(`${projection.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    body: type.includes('json') ? ((await res.json()) as any) : (Buffer.from(await res.arrayBuffer()) as any),
  };
}
const numbers = (x: unknown): number[] =>
  typeof x === 'number'
    ? [x]
    : Array.isArray(x)
      ? x.flatMap(numbers)
      : x && typeof x === 'object'
        ? Object.values(x).flatMap(numbers)
        : [];

beforeAll(async () => {
  projection = await start(env.env('projection'));
  nc = await connect({ servers: env.infra.natsUrl });
  const js = jetstream(nc);
  for (const e of events) registry.parse(JSON.stringify(e));
  for (const e of events) await publishEvent(js, env.prefix, e);
  reader = await testToken(['reports:read'], ['SN']);
  internal = await testToken(['reports:read', 'reports:internal'], ['SN']);
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

describe('the walk-arounds of issue 14 are closed for reports:read', () => {
  it('a filter on a protected group is hidden, like the same cell of a breakdown', async () => {
    const q = 'source=assistance_beneficiaries&measure=unique&country=SN';
    expect((await get(`/reports/figures?${q}&vulnerability=victim_of_trafficking`, internal)).body.rows[0].value).toBe(
      3,
    );
    expect((await get(`/reports/figures?${q}&vulnerability=victim_of_trafficking`)).body.rows).toEqual([
      expect.objectContaining({ key: null, value: '<5', suppressed: true }),
    ]);
    const cell = (await get(`/reports/figures?${q}&by=vulnerability`)).body.rows.find(
      (r: any) => r.key === 'victim_of_trafficking',
    );
    expect(cell).toMatchObject({ value: '<5', suppressed: true });
    const summary = (await get('/reports/assistance-summary?country=SN')).body.breakdowns.find(
      (b: any) => b.by === 'vulnerability' && b.measure === 'people',
    );
    expect(summary.cells.find((c: any) => c.key === 'victim_of_trafficking')).toMatchObject({ value: '<5' });
  });

  it('a breakdown of a protected group by an identifying key lists every delivery, each hidden, empty or not', async () => {
    const rows = (
      await get(
        '/reports/figures?source=assistance_beneficiaries&measure=unique&country=SN&vulnerability=victim_of_trafficking&by=deliveryId',
      )
    ).body.rows;
    expect(rows.map((r: any) => r.key).sort()).toEqual([1, 2, 3, 4, 5, 6].map(id).sort());
    for (const r of rows) expect(r).toMatchObject({ value: '<5', suppressed: true });
    const children = (
      await get('/reports/figures?source=assistance_beneficiaries&measure=unique&country=SN&age_group=12-17&by=sex')
    ).body.rows;
    expect(children.map((r: any) => [r.key, r.value])).toEqual([
      ['female', '<5'],
      ['male', '<5'],
      ['other', '<5'],
    ]);
  });

  it('a diff hides the ends and the change of a protected cell, and lists each event once with what it changed', async () => {
    const q = `source=assistance_beneficiaries&measure=unique&country=SN&by=vulnerability&from=${BEFORE}&to=${AFTER}`;
    const open = (await get(`/reports/diff?${q}`, internal)).body;
    expect(open.changes.find((c: any) => c.key === 'victim_of_trafficking')).toEqual({
      key: 'victim_of_trafficking',
      from: 2,
      to: 3,
      change: 1,
    });
    const d = (await get(`/reports/diff?${q}`)).body;
    // "<5" before and after: nothing to list for victims, and no number about them anywhere in the answer.
    expect(d.changes.find((c: any) => c.key === 'victim_of_trafficking')).toBeUndefined();
    for (const cause of d.causes.items)
      for (const c of cause.cells.filter((x: any) => x.key === 'victim_of_trafficking')) expect(c.change).toBeNull();
    // Four deliveries were recorded in between: four events, each once, paged.
    expect(d.causes.total).toBe(4);
    expect(new Set(d.causes.items.map((c: any) => c.eventId)).size).toBe(4);
    const page = (await get(`/reports/diff?${q}&pageSize=3&page=2`)).body.causes;
    expect(page).toMatchObject({ page: 2, pageSize: 3, total: 4, more: false });
    expect(page.items).toHaveLength(1);
    expect((await get(`/reports/diff?${q}&pageSize=3`)).body.causes.more).toBe(true);
  });

  it('as of an earlier date, the protected cells are hidden the same way', async () => {
    const rows = (
      await get(
        `/reports/figures?source=assistance_beneficiaries&measure=unique&country=SN&vulnerability=victim_of_trafficking&asOf=${BEFORE}`,
      )
    ).body.rows;
    expect(rows).toEqual([expect.objectContaining({ value: '<5', suppressed: true })]);
  });

  it('no report shows an exact figure that counts a protected person: totals round that part, so total minus visible cells gives nothing back', async () => {
    const s = (await get('/reports/assistance-summary?country=SN')).body;
    // 41 people: listed 23 + 4 protected (2 victims, 2 children) -> 23 + 5; counted 13 + 1 victim -> 13 + 0.
    expect(s.totals.people).toMatchObject({
      value: 41,
      keyedPeople: 28,
      countedPeople: 13,
      rounded: true,
      roundedParts: ['keyedPeople', 'countedPeople'],
    });
    const bySex = s.breakdowns.find((b: any) => b.by === 'sex' && b.measure === 'people').cells;
    // Women: 15 listed + 2 victims, and 1 victim counted (alone: hidden) -> 15 + 5; men: 8 listed + 2 children, 13 counted -> 21.
    expect(bySex.map((c: any) => [c.key, c.value, c.keyedPeople, c.countedPeople, c.rounded])).toEqual([
      ['female', 20, 15, '<5', true],
      ['male', 21, 8, 13, true],
    ]);
    const progress = (await get(`/reports/indicators?framework=${FW}&period=PY1`)).body.indicators.find(
      (i: any) => i.code === '1.a',
    );
    expect(progress).toMatchObject({
      actual: 41,
      rounded: true,
      breakdowns: {
        sex: [
          { key: 'female', value: 20 },
          { key: 'male', value: 21 },
        ],
      },
    });
    const results = (await get(`/reports/results?framework=${FW}&period=PY1`)).body.lines.find(
      (l: any) => l.code === '1.4',
    ).deliveries;
    expect(results.find((x: any) => x.deliveryId === id(1))).toMatchObject({ people: 12, rounded: true });
    const w = (await get('/reports/3w?country=SN&granularity=year')).body.rows.find(
      (r: any) => r.type === 'assistance' && r.region === 'Thiès',
    );
    expect(w).toMatchObject({ figure: 8, rounded: true });
    const fact = (await get(`/reports/factsheet?framework=${FW}&period=PY1&lang=en`)).body;
    expect(fact.keyFigures.assisted.people.value).toBe(41);
    expect(
      fact.keyFigures.assisted.byVulnerability.find((r: any) => r.code === 'victim_of_trafficking').figure.value,
    ).toBe('<5');
    const iati = (await get(`/reports/iati?framework=${FW}&period=PY1`)).body.toString();
    expect(iati).toMatch(/<actual>\s*<dimension name="vulnerability" value="victim_of_trafficking"\/>\s*<comment>/);
    const contributions = (await get(`/reports/contributions?framework=${FW}&period=PY1`)).body;
    expect(contributions.sdg.goals[0].targets[0].indicators.find((i: any) => i.code === '1.a').actual).toBe(41);
  });
});

describe('unique people in two named parts, in every format', () => {
  it('JSON figures, summaries, indicators, 3W and results name the listed people and the people counted without a list', async () => {
    const fig = (await get('/reports/figures?source=assistance_beneficiaries&measure=unique&country=SN', internal)).body
      .rows[0];
    expect(fig).toMatchObject({
      value: 41,
      keyedPeople: 27,
      countedPeople: 14,
      counting: expect.stringContaining('may count a person twice'),
    });
    const s = (await get('/reports/assistance-summary?country=SN', internal)).body.totals.people;
    expect(s).toMatchObject({ value: 41, keyedPeople: 27, countedPeople: 14 });
    const ind = (await get(`/reports/indicators?framework=${FW}&period=PY1`, internal)).body.indicators.find(
      (i: any) => i.code === '1.a',
    );
    expect(ind).toMatchObject({
      actual: 41,
      keyedPeople: 27,
      countedPeople: 14,
      counting: expect.stringContaining('twice'),
    });
    const results = (await get(`/reports/results?framework=${FW}&period=PY1`, internal)).body.lines.find(
      (l: any) => l.code === '1.4',
    ).deliveries;
    expect(results.find((d: any) => d.deliveryId === id(3))).toMatchObject({
      people: 14,
      keyedPeople: 0,
      countedPeople: 14,
    });
  });
  it('CSV and XLSX have a column for each part, in both languages', async () => {
    const csv = await get('/reports/assistance-summary?country=SN&format=csv&lang=fr', internal);
    const rows = (await readSheet(csv.body, SHEET_TYPES.csv)).map((x) => x.values);
    expect(rows.find((r) => r.ventilation === 'Total' && r.mesure === 'personnes')).toMatchObject({
      chiffre: '41',
      personnes_des_listes_distinctes: '27',
      personnes_comptees_sans_liste: '14',
    });
    const xlsx = await get(`/reports/indicators?framework=${FW}&period=PY1&format=xlsx&lang=en`, internal);
    const sheet = (await readSheet(xlsx.body, SHEET_TYPES.xlsx)).map((x) => x.values);
    expect(sheet.find((r) => r.indicator === '1.a' && !r.dimension)).toMatchObject({
      actual: '41',
      keyed_people_distinct: '27',
      people_counted_without_a_list: '14',
    });
    const w = await get('/reports/3w?country=SN&granularity=year&format=csv', internal);
    const wr = (await readSheet(w.body, SHEET_TYPES.csv)).map((x) => x.values);
    expect(wr.find((r) => r.type === 'Assistance' && r.region === 'Dakar')).toMatchObject({
      figure: '31',
      keyed_people_distinct: '17',
      people_counted_without_a_list: '14',
    });
  });
  it('the factsheet footnote gives both parts, in French and English', async () => {
    const fr = (await get(`/reports/factsheet?framework=${FW}&period=PY1&lang=fr`, internal)).body;
    expect(fr.notes.join(' ')).toMatch(
      /dont 27 personnes distinctes des listes de bénéficiaires et 14 personnes comptées sans liste/,
    );
    const en = (await get(`/reports/factsheet?framework=${FW}&period=PY1&lang=en`, internal)).body;
    expect(en.notes.join(' ')).toMatch(
      /of whom 27 distinct people of beneficiary lists and 14 people counted without a list \(.*may count a person twice\)/,
    );
  });
});

describe('no data is not zero', () => {
  it('an indicator nothing contributes to, or without a reported value, has no actual, with the reason, and an em dash in tables', async () => {
    const inds = (await get(`/reports/indicators?framework=${FW}&period=PY1`)).body.indicators;
    expect(inds.find((i: any) => i.code === '1.b')).toMatchObject({
      actual: null,
      percentOfTarget: null,
      noData: expect.stringMatching(/^no data: no record/),
    });
    expect(inds.find((i: any) => i.code === '1.c')).toMatchObject({
      actual: null,
      percentOfTarget: null,
      noData: expect.stringMatching(/^no data: no value/),
    });
    const csv = await get(`/reports/indicators?framework=${FW}&period=PY1&format=csv`);
    const row = (await readSheet(csv.body, SHEET_TYPES.csv))
      .map((x) => x.values)
      .find((r) => r.indicator === '1.b' && !r.dimension);
    expect(row).toMatchObject({ actual: '—', of_target: '—' });
    const fact = (await get(`/reports/factsheet?framework=${FW}&period=PY1&lang=en`)).body;
    expect(fact.indicators.find((i: any) => i.code === '1.b')).toMatchObject({
      actual: null,
      noData: expect.any(String),
    });
    expect(numbers(fact.indicators.find((i: any) => i.code === '1.b'))).toEqual([10]);
  });
});

describe('as-of work only after authorisation', () => {
  it('a token for another country is refused before any replay: no generation is created', async () => {
    const names = async () =>
      (await projection.rt.db.listCollections({}, { nameOnly: true }).toArray())
        .map((c) => c.name)
        .filter((n) => n.startsWith('gasof'))
        .sort();
    const before = await names();
    const tn = await testToken(['reports:read'], ['TN']);
    const instant = '2021-01-20T00:00:00Z';
    for (const path of [
      `/reports/indicators?framework=${FW}&asOf=${instant}`,
      `/reports/results?framework=${FW}&asOf=${instant}`,
      `/reports/contributions?framework=${FW}&asOf=${instant}`,
      `/reports/assistance-summary?country=SN&asOf=${instant}`,
      `/reports/3w?framework=${FW}&asOf=${instant}`,
      `/reports/iati?framework=${FW}&asOf=${instant}`,
      `/reports/figures?source=training_attendance&country=SN&asOf=${instant}`,
      `/reports/factsheet?framework=${FW}&asOf=${instant}`,
    ]) {
      expect((await get(path, tn)).status, path).toBe(403);
    }
    expect(await names()).toEqual(before);
  });
});
