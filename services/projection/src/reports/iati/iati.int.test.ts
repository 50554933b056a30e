import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { createEnvelope, registry, type Envelope } from '@passerelle/contracts';
import { publishEvent } from '@passerelle/platform';
import { eventually, isolatedEnv, testToken } from '@passerelle/testkit';
import { start } from '../../main.js';

// The IATI export of a realistic framework (Morocco's, year 1 figures), checked by the IATI 2.03 schema itself and
// by reading the figures back out of the XML with a real parser.
const env = isolatedEnv('iati');
const XSD = fileURLToPath(new URL('../../../test/fixtures/iati-2.03/iati-activities-schema.xsd', import.meta.url));
const OUT = fileURLToPath(new URL('../../../test-output/', import.meta.url));
let projection: Awaited<ReturnType<typeof start>>;
let nc: NatsConnection;
let external: string;
let internal: string;

const at = (iso: string) => ({ actor: 'staff-1', correlationid: 'c', now: new Date(iso) });
const recorded = '2020-01-01T00:00:00Z';
const fw = { frameworkId: 'ARMP-MA', businessDate: '2019-10-01' };
const TITLE = {
  en: 'Africa Regional Migration Program – Morocco',
  fr: 'Programme régional africain pour la migration – Maroc',
};
// Characters XML must escape, in text people really write.
const CONTEXT = {
  en: 'On the continent, 80 % of migration is intra-African: "humane" migration management needs governments & civil society, and < 1 in 5 migrants knows their rights.',
  fr: "Sur le continent, 80 % de la migration est intra-africaine : une gestion « humaine » des migrations demande l'État & la société civile.",
};
const text = (en: string, fr: string) => ({ en, fr });
const indicators = (type: string, data: Record<string, unknown>) =>
  createEnvelope({ type, subject: 'ARMP-MA', country: 'MA', data: { ...fw, ...data } }, at(recorded));
const define = (
  code: string,
  nodeCode: string,
  name: { en: string; fr: string },
  unit: string,
  more: Record<string, unknown>,
) =>
  indicators('indicators.indicator.defined', {
    code,
    name,
    definition: text(`How ${name.en.toLowerCase()} is counted.`, `Comment compter : ${name.fr.toLowerCase()}.`),
    unit,
    nodeCode,
    revision: 1,
    sensitive: false,
    disaggregations: [],
    alignments: [],
    ...more,
  });
const py1 = { period: 'PY1', periodStart: '2019-10-01', periodEnd: '2020-09-30' };
const py2 = { period: 'PY2', periodStart: '2020-10-01', periodEnd: '2021-09-30' };

const frameworkEvents = (): Envelope[] => [
  indicators('indicators.framework.published', {
    programme: 'ARMP',
    programmeStart: '2019-10-01',
    frameworkVersion: 1,
    title: TITLE,
    context: CONTEXT,
    targetGroups: [
      text('Victims of trafficking', 'Victimes de la traite'),
      text('Vulnerable migrants', 'Migrants vulnérables'),
    ],
    nodes: [
      {
        code: 'O',
        level: 'objective',
        title: text('Sustainable and humane migration management', 'Une gestion durable et humaine des migrations'),
        alignments: [{ framework: 'sdg', code: '10.7' }],
      },
      {
        code: '1',
        level: 'outcome',
        parent: 'O',
        title: text('Migration management', 'Gestion des migrations'),
        alignments: [
          { framework: 'gcm', code: '23' },
          { framework: 'snia', code: '26' },
        ],
      },
      {
        code: '1.1',
        level: 'output',
        parent: '1',
        title: text('Trainings on trafficking & migration law', 'Formations sur la traite et le droit des migrations'),
        alignments: [
          { framework: 'sdg', code: '16.a' },
          { framework: 'gcm', code: '10' },
        ],
      },
      {
        code: '1.4',
        level: 'output',
        parent: '1',
        title: text(
          'Protection & assistance of vulnerable migrants',
          'Protection et assistance des migrants vulnérables',
        ),
        alignments: [
          { framework: 'gcm', code: '7' },
          { framework: 'snia', code: '15' },
        ],
      },
      {
        code: '2',
        level: 'outcome',
        parent: 'O',
        title: text('Partnership', 'Partenariat'),
        alignments: [{ framework: 'sdg', code: '17.17' }],
      },
    ],
    indicators: [
      { code: '1.1.a', revision: 1, nodeCode: '1.1' },
      { code: '1.4.a', revision: 1, nodeCode: '1.4' },
      { code: '1.4.b', revision: 1, nodeCode: '1.4' },
      { code: '1.a', revision: 1, nodeCode: '1' },
      { code: '1.b', revision: 1, nodeCode: '1' },
    ],
  }),
  define('1.1.a', '1.1', text('People trained', 'Personnes formées'), 'people', {
    disaggregations: ['sex', 'participant_category'],
    alignments: [{ framework: 'sdg', code: '16.2' }],
    computation: {
      method: 'rule',
      rule: { source: 'training_attendance', measure: 'sum_participants', filters: { activity_line: ['1.1'] } },
    },
  }),
  define('1.4.a', '1.4', text('Vulnerable migrants assisted', 'Migrants vulnérables assistés'), 'people', {
    disaggregations: ['sex', 'age_group'],
    computation: {
      method: 'rule',
      rule: { source: 'assistance_beneficiaries', measure: 'unique_people', filters: {} },
    },
  }),
  define('1.4.b', '1.4', text('Victims of trafficking assisted', 'Victimes de la traite assistées'), 'people', {
    disaggregations: ['sex'],
    sensitive: true,
    alignments: [{ framework: 'snia', code: '16' }],
    computation: {
      method: 'rule',
      rule: {
        source: 'assistance_beneficiaries',
        measure: 'unique_people',
        filters: { vulnerability: ['victim_of_trafficking'] },
      },
    },
  }),
  define('1.a', '1', text('SNIA monitoring report produced', 'Rapport de suivi de la SNIA produit'), 'milestone', {
    computation: { method: 'manual' },
  }),
  define(
    '1.b',
    '1',
    text('Share of monitoring recommendations followed', 'Part des recommandations de suivi mises en œuvre'),
    'percent',
    { computation: { method: 'manual' } },
  ),
  indicators('indicators.baseline.set', { indicatorCode: '1.1.a', value: 0, date: '2019-10-01', revision: 1 }),
  indicators('indicators.target.set', { indicatorCode: '1.1.a', ...py1, value: 100, targetVersion: 1 }),
  indicators('indicators.target.revised', {
    indicatorCode: '1.1.a',
    ...py1,
    value: 120,
    targetVersion: 2,
    previousValue: 100,
    reason: 'a fourth training was added',
  }),
  indicators('indicators.target.set', {
    indicatorCode: '1.1.a',
    ...py2,
    businessDate: '2020-10-01',
    value: 60,
    targetVersion: 1,
  }),
  indicators('indicators.target.set', { indicatorCode: '1.4.a', ...py1, value: 150, targetVersion: 1 }),
  indicators('indicators.target.set', { indicatorCode: '1.4.b', ...py1, value: 10, targetVersion: 1 }),
  indicators('indicators.value.reported', {
    indicatorCode: '1.a',
    ...py1,
    value: 1,
    comment: 'Report delivered to the ministry',
    revision: 1,
  }),
  indicators('indicators.value.reported', {
    indicatorCode: '1.b',
    ...py1,
    value: 62.5,
    comment: '5 of 8 recommendations followed',
    revision: 1,
  }),
];

// The four trainings of year 1 (119 participants), and one of year 2.
let training = 0;
const attendance = (date: string, topic: string, rows: Array<[string, string, number]>) => {
  const id = `0e0b8a5e-31a5-4c53-9d62-5b0c0a4d2b${String(++training).padStart(2, '0')}`;
  const total = rows.reduce((n, r) => n + r[2], 0);
  return createEnvelope(
    {
      type: 'trainings.training.attendance_recorded',
      subject: id,
      country: 'MA',
      data: {
        trainingId: id,
        businessDate: date,
        rows: rows.map(([sex, category, count]) => ({ sex, category, count })),
        total,
        topics: [topic],
        activityLine: '1.1',
      },
    },
    at(`${date}T18:00:00Z`),
  );
};
const trainings = () => [
  attendance('2020-01-20', 'sexual_exploitation_abuse', [
    ['female', 'cso_staff', 14],
    ['male', 'cso_staff', 8],
  ]),
  attendance('2020-02-10', 'unaccompanied_children', [
    ['female', 'police', 6],
    ['male', 'police', 10],
    ['female', 'judiciary', 5],
    ['male', 'health_staff', 3],
  ]),
  attendance('2020-03-02', 'trafficking_in_persons', [
    ['female', 'social_worker', 17],
    ['male', 'social_worker', 9],
  ]),
  attendance('2020-06-15', 'international_migration_law', [
    ['female', 'student', 25],
    ['male', 'student', 22],
  ]),
  attendance('2020-11-16', 'trafficking_in_persons', [
    ['female', 'police', 12],
    ['male', 'police', 18],
  ]),
];

// 150 migrants assisted during COVID-19: 145 adults, 2 unaccompanied children, 3 victims of trafficking.
let delivery = 0;
const deliver = (keys: number[], sex: string, ageGroup: string, flags: string[]) => {
  const id = `1a2b3c4d-0000-4000-8000-0000000000${String(++delivery).padStart(2, '0')}`;
  return createEnvelope(
    {
      type: 'assistance.delivery.recorded',
      subject: id,
      country: 'MA',
      data: {
        deliveryId: id,
        businessDate: '2020-05-04',
        kind: 'food',
        context: 'covid19',
        partnerId: 'fondation-orient-occident',
        place: { country: 'MA', region: 'Oriental' },
        region: 'Oriental',
        activityLine: '1.4',
        quantity: keys.length,
        unit: 'parcel',
        mode: 'keys',
        rows: [{ sex, ageGroup, flags, count: keys.length }],
        total: keys.length,
        beneficiaries: keys.map((k) => ({ key: k.toString(16).padStart(64, '0'), sex, ageGroup, flags })),
      },
    },
    at('2020-05-05T10:00:00Z'),
  );
};
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const deliveries = () => [
  deliver(range(1, 80), 'female', '18-59', ['none']),
  deliver(range(101, 65), 'male', '18-59', ['none']),
  deliver([201, 202], 'male', '12-17', ['unaccompanied_separated_child']),
  deliver([301, 302, 303], 'female', '18-59', ['victim_of_trafficking']),
];

async function iati(query: string, token = external) {
  const res = await fetch(`${projection.url}/reports/iati?${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}
/** Kept under test-output/ so a failing file can be looked at. */
function save(name: string, xml: string): string {
  const file = `${OUT}iati-${name}.xml`;
  mkdirSync(OUT, { recursive: true });
  writeFileSync(file, xml);
  return file;
}
/** xmllint against the IATI schema, never the network (the schema imports xml.xsd by a relative path). */
function validate(file: string) {
  const r = spawnSync('/usr/bin/xmllint', ['--noout', '--nonet', '--schema', XSD, file], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}
/** The string value of an XPath 1.0 expression, read by xmllint (it adds a newline of its own). */
const xpath = (file: string, expr: string) =>
  execFileSync('/usr/bin/xmllint', ['--nonet', '--xpath', expr, file], { encoding: 'utf8' }).replace(/\n$/, '');
const ind = (code: string) => `//result/indicator[reference/@code="${code}"]`;
const cell = (code: string, name: string, value: string, period = 1) =>
  `${ind(code)}/period[${period}]/actual[dimension/@name="${name}" and dimension/@value="${value}"]`;

beforeAll(async () => {
  projection = await start(env.env('projection'));
  nc = await connect({ servers: env.infra.natsUrl });
  const js = jetstream(nc);
  external = await testToken(['reports:read'], ['MA']);
  internal = await testToken(['reports:read', 'reports:internal'], ['MA']);
  const events = [...frameworkEvents(), ...trainings(), ...deliveries()];
  for (const e of events) registry.parse(JSON.stringify(e));
  for (const e of events) await publishEvent(js, env.prefix, e);
  const lag = async () =>
    (
      (await (
        await fetch(`${projection.url}/projection/status`, { headers: { authorization: `Bearer ${internal}` } })
      ).json()) as { lag: number }
    ).lag;
  await eventually(async () => ((await lag()) === 0 ? true : undefined), 20_000, 'the projection');
}, 60_000);
afterAll(async () => {
  await projection?.rt.shutdown();
  await nc?.close();
});

describe('an IATI 2.03 file for programme year 1, for an external reader', () => {
  let file: string;
  beforeAll(async () => {
    const r = await iati('framework=ARMP-MA&period=PY1');
    expect(r.status, r.body).toBe(200);
    expect(r.type).toMatch(/^application\/xml/);
    file = save('ARMP-MA-PY1', r.body);
  });

  it('is valid against the IATI 2.03 activity schema', () => {
    const v = validate(file);
    expect(v.output).not.toMatch(/error/i);
    expect(v.ok, v.output).toBe(true);
  });

  it('describes the programme in the country, its text escaped and read back unchanged', () => {
    expect(xpath(file, 'string(/iati-activities/@version)')).toBe('2.03');
    expect(xpath(file, 'string(//iati-activity/iati-identifier)')).toBe('XM-DAC-47066-ARMP-MA');
    expect(xpath(file, 'string(//iati-activity/reporting-org/@ref)')).toBe('XM-DAC-47066');
    expect(xpath(file, 'string(//iati-activity/title/narrative[@xml:lang="fr"])')).toBe(TITLE.fr);
    expect(xpath(file, 'string(//iati-activity/description[@type="1"]/narrative[@xml:lang="en"])')).toBe(CONTEXT.en);
    expect(xpath(file, 'string(//iati-activity/description[@type="1"]/narrative[@xml:lang="fr"])')).toBe(CONTEXT.fr);
    expect(xpath(file, 'string(//iati-activity/recipient-country/@code)')).toBe('MA');
    expect(xpath(file, 'string(//iati-activity/activity-date/@iso-date)')).toBe('2019-10-01');
  });

  it('tags SDG targets (vocabulary 3) and goals (2) of nodes and indicators, and Global Compact and SNIA objectives in the programme vocabulary', () => {
    const tags = (vocabulary: string) => xpath(file, `count(//iati-activity/tag[@vocabulary="${vocabulary}"])`);
    for (const target of ['10.7', '16.a', '16.2', '17.17'])
      expect(xpath(file, `count(//tag[@vocabulary="3" and @code="${target}"])`), target).toBe('1');
    for (const goal of ['10', '16', '17'])
      expect(xpath(file, `count(//tag[@vocabulary="2" and @code="${goal}"])`), goal).toBe('1');
    expect(tags('2')).toBe('3');
    expect(tags('3')).toBe('4');
    const gcm = xpath(file, 'string(//tag[@vocabulary="99" and @code="23"]/@vocabulary-uri)');
    const snia = xpath(file, 'string(//tag[@vocabulary="99" and @code="26"]/@vocabulary-uri)');
    expect(gcm).toMatch(/^https:\/\//);
    expect(snia).toMatch(/^https:\/\//);
    expect(snia).not.toBe(gcm);
    expect(xpath(file, `count(//tag[@vocabulary="99" and @vocabulary-uri="${gcm}"])`)).toBe('3');
    expect(xpath(file, `count(//tag[@vocabulary="99" and @vocabulary-uri="${snia}"])`)).toBe('3');
  });

  it('has one result per node with indicators, typed outcome or output, with the indicators of the node', () => {
    expect(xpath(file, 'count(//result)')).toBe('3');
    expect(xpath(file, 'count(//result[reference/@code="2"])')).toBe('0');
    expect(xpath(file, 'string(//result[reference/@code="1"]/@type)')).toBe('2');
    expect(xpath(file, 'string(//result[reference/@code="1.4"]/@type)')).toBe('1');
    expect(xpath(file, 'string(//result[reference/@code="1.4"]/title/narrative[@xml:lang="en"])')).toBe(
      'Protection & assistance of vulnerable migrants',
    );
    expect(xpath(file, 'count(//result[reference/@code="1.4"]/indicator)')).toBe('2');
    expect(xpath(file, `string(${ind('1.b')}/@measure)`)).toBe('2');
    expect(xpath(file, `string(${ind('1.1.a')}/@measure)`)).toBe('1');
    expect(xpath(file, `string(${ind('1.1.a')}/reference/@indicator-uri)`)).toMatch(/ARMP-MA\/indicators\/1\.1\.a$/);
  });

  it('gives baseline, the latest target version and the actual with each disaggregation, summing to the total', () => {
    expect(xpath(file, `string(${ind('1.1.a')}/baseline/@year)`)).toBe('2019');
    expect(xpath(file, `string(${ind('1.1.a')}/baseline/@value)`)).toBe('0');
    expect(xpath(file, `string(${ind('1.1.a')}/period/period-start/@iso-date)`)).toBe('2019-10-01');
    expect(xpath(file, `string(${ind('1.1.a')}/period/period-end/@iso-date)`)).toBe('2020-09-30');
    expect(xpath(file, `string(${ind('1.1.a')}/period/target/@value)`)).toBe('120');
    expect(xpath(file, `string(${ind('1.1.a')}/period/target/comment/narrative[@xml:lang="en"])`)).toMatch(/version 2/);
    // Year 1 only: the training of November 2020 is in year 2.
    const total = trainings()
      .slice(0, 4)
      .reduce((n, e) => n + (e.data as { total: number }).total, 0);
    expect(xpath(file, `string(${ind('1.1.a')}/period/actual[not(dimension)]/@value)`)).toBe(String(total));
    expect(xpath(file, `sum(${ind('1.1.a')}/period/actual[dimension/@name="sex"]/@value)`)).toBe(String(total));
    expect(xpath(file, `sum(${ind('1.1.a')}/period/actual[dimension/@name="participant_category"]/@value)`)).toBe(
      String(total),
    );
    expect(xpath(file, `string(${cell('1.1.a', 'sex', 'female')}/@value)`)).toBe(String(14 + 6 + 5 + 17 + 25));
    expect(xpath(file, `string(${cell('1.1.a', 'participant_category', 'student')}/@value)`)).toBe('47');
    // 1.4.a counts 5 protected people (2 children, 3 victims) among 150: their part is rounded to a multiple of 5.
    expect(xpath(file, `string(${ind('1.4.a')}/period/actual[not(dimension)]/@value)`)).toBe('150');
    expect(xpath(file, `string(${cell('1.4.a', 'sex', 'male')}/@value)`)).toBe(String(65 + 0));
    expect(xpath(file, `string(${cell('1.4.a', 'sex', 'female')}/@value)`)).toBe(String(80 + 5));
    expect(xpath(file, `string(${cell('1.4.a', 'sex', 'female')}/comment/narrative[@xml:lang="en"])`)).toMatch(
      /^Rounded to protect people/,
    );
    expect(xpath(file, `string(${ind('1.a')}/period/actual/@value)`)).toBe('1');
    expect(xpath(file, `string(${ind('1.b')}/period/actual/@value)`)).toBe('62.5');
  });

  it('withholds small cells of children and of the sensitive indicator, with a comment, and says how many', () => {
    // Two unaccompanied children: no value; every child age group is there, empty or not, so none stands out. The
    // adults' cell holds the 3 victims: their part is rounded, so 150 minus it gives nothing back.
    expect(xpath(file, `count(${cell('1.4.a', 'age_group', '12-17')})`)).toBe('1');
    for (const age of ['0-4', '5-11', '12-17'])
      expect(xpath(file, `count(${cell('1.4.a', 'age_group', age)}/@value)`)).toBe('0');
    expect(xpath(file, `string(${cell('1.4.a', 'age_group', '18-59')}/@value)`)).toBe(String(145 + 5));
    expect(xpath(file, `string(${cell('1.4.a', 'age_group', '12-17')}/comment/narrative[@xml:lang="en"])`)).toMatch(
      /withheld to protect/,
    );
    // Three victims of trafficking: the total and every sex (the empty ones too) are withheld.
    expect(xpath(file, `count(${ind('1.4.b')}/period/actual[not(dimension)])`)).toBe('1');
    expect(xpath(file, `count(${ind('1.4.b')}/period/actual/@value)`)).toBe('0');
    expect(xpath(file, `count(${ind('1.4.b')}/period/actual[dimension])`)).toBe('3');
    expect(
      xpath(file, `string(${ind('1.4.b')}/period/actual[not(dimension)]/comment/narrative[@xml:lang="fr"])`),
    ).toMatch(/masquée/);
    const withheld = Number(xpath(file, 'count(//actual[not(@value)])'));
    expect(withheld).toBe(3 + 4);
    expect(xpath(file, 'string(//iati-activity/description[@type="4"]/narrative[@xml:lang="en"])')).toContain(
      `${withheld} value(s) withheld`,
    );
    expect(readFileSync(file, 'utf8')).not.toContain('&lt;5');
  });
});

describe('for an internal reader', () => {
  it('shows the small cells, is still valid, and says it must not be published', async () => {
    const r = await iati('framework=ARMP-MA&period=PY1', internal);
    expect(r.status).toBe(200);
    const file = save('ARMP-MA-PY1-internal', r.body);
    expect(validate(file).ok).toBe(true);
    expect(xpath(file, `string(${cell('1.4.a', 'age_group', '12-17')}/@value)`)).toBe('2');
    expect(xpath(file, `string(${cell('1.4.a', 'age_group', '18-59')}/@value)`)).toBe('148');
    expect(xpath(file, `string(${ind('1.4.b')}/period/actual[not(dimension)]/@value)`)).toBe('3');
    expect(xpath(file, `string(${cell('1.4.b', 'sex', 'female')}/@value)`)).toBe('3');
    expect(xpath(file, 'count(//actual[not(@value)])')).toBe('0');
    expect(xpath(file, 'string(//iati-activity/description[@type="4"]/narrative[@xml:lang="en"])')).toMatch(
      /must not be published/,
    );
  });
});

describe('every programme year', () => {
  it('without a period, reports each programme year up to the last one with data or targets', async () => {
    const r = await iati('framework=ARMP-MA');
    expect(r.status).toBe(200);
    const file = save('ARMP-MA-all-years', r.body);
    expect(validate(file).ok).toBe(true);
    expect(xpath(file, `count(${ind('1.1.a')}/period)`)).toBe('2');
    expect(xpath(file, `string(${ind('1.1.a')}/period[2]/period-start/@iso-date)`)).toBe('2020-10-01');
    expect(xpath(file, `string(${ind('1.1.a')}/period[2]/target/@value)`)).toBe('60');
    expect(xpath(file, `string(${ind('1.1.a')}/period[2]/actual[not(dimension)]/@value)`)).toBe('30');
    expect(xpath(file, `string(${cell('1.1.a', 'sex', 'male', 2)}/@value)`)).toBe('18');
    // A manual indicator reported for year 1 only has no actual in year 2.
    expect(xpath(file, `count(${ind('1.a')}/period[2]/actual)`)).toBe('0');
  });
  it('as of a past instant, reproduces what was known then: a year that had not begun has its target but no actual', async () => {
    const r = await iati('framework=ARMP-MA&asOf=2020-07-01T00:00:00Z');
    expect(r.status).toBe(200);
    const file = save('ARMP-MA-as-of-2020-07-01', r.body);
    expect(validate(file).ok).toBe(true);
    expect(xpath(file, `count(${ind('1.1.a')}/period)`)).toBe('2');
    expect(xpath(file, `string(${ind('1.1.a')}/period[1]/actual[not(dimension)]/@value)`)).toBe('119');
    expect(xpath(file, `string(${ind('1.1.a')}/period[2]/target/@value)`)).toBe('60');
    expect(xpath(file, `count(${ind('1.1.a')}/period[2]/actual)`)).toBe('0');
  });
});

describe('the schema check', () => {
  it('rejects documents that break the schema or are not XML, so a passing check means something', async () => {
    const good = (await iati('framework=ARMP-MA&period=PY1')).body;
    expect(validate(save('valid', good)).ok).toBe(true);
    const broken = {
      'no-identifier': good.replace(/\s*<iati-identifier>[^<]*<\/iati-identifier>/, ''),
      order: good.replace(/(\s*<reporting-org[\s\S]*?<\/reporting-org>)(\s*<title>[\s\S]*?<\/title>)/, '$2$1'),
      'no-measure': good.replace(/<indicator measure="\d">/, '<indicator>'),
      'bad-date': good.replace(/<period-start iso-date="2019-10-01"\/>/, '<period-start iso-date="PY1"/>'),
      'not-well-formed': good.replace('governments &amp; civil', 'governments & civil'),
    };
    for (const [name, xml] of Object.entries(broken)) {
      expect(xml, name).not.toBe(good);
      const v = validate(save(`invalid-${name}`, xml));
      expect(v.ok, name).toBe(false);
      expect(v.output, name).toMatch(/error|fails to validate/i);
    }
  });
});

describe('bad requests', () => {
  const problem = async (query: string, token = external) => {
    const r = await iati(query, token);
    expect(r.type, query).toMatch(/^application\/problem\+json/);
    return { status: r.status, code: (JSON.parse(r.body) as { code: string }).code };
  };
  it('refuses a malformed framework id or an unknown parameter (400)', async () => {
    expect((await problem('framework=armp-ma')).status).toBe(400);
    expect((await problem('framework=ARMP-MA&period=PY1&format=json')).status).toBe(400);
    expect((await problem('period=PY1')).status).toBe(400);
  });
  it('says a framework that was never published is not found (404)', async () => {
    expect(await problem('framework=ABCD-MA&period=PY1')).toEqual({ status: 404, code: 'NOT_FOUND' });
  });
  it('refuses periods that are unknown or have no dates (422)', async () => {
    expect((await problem('framework=ARMP-MA&period=2020-Q7')).status).toBe(422);
    expect((await problem('framework=ARMP-MA&period=PY0')).status).toBe(422);
    expect(await problem('framework=ARMP-MA&period=all')).toEqual({ status: 422, code: 'PERIOD_WITHOUT_DATES' });
  });
  it('refuses a country the token does not cover, before saying whether its framework exists (403)', async () => {
    const tunisia = await testToken(['reports:read'], ['TN']);
    expect((await problem('framework=ARMP-MA&period=PY1', tunisia)).status).toBe(403);
    expect((await problem('framework=ARMP-TN&period=PY1')).status).toBe(403);
    expect((await problem('framework=ARMP-MA', await testToken(['trainings:read'], ['MA']))).status).toBe(403);
  });
});
