import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { eventually, expectRefused, httpClient, isolatedEnv, testToken } from '@passerelle/testkit';
import { FrameworkFile } from './file.js';
import { start } from './main.js';
import { streamCount, streamEvents } from './testing/api.js';
import { frameworkBody, L, peopleTrained } from './testing/fixtures.js';

const env = isolatedEnv('indicators_file');
let svc: Awaited<ReturnType<typeof start>>;
let writer: string;
let morocco: Buffer;
const call = httpClient(
  () => svc.url,
  () => writer,
);
const YAML = { 'content-type': 'application/yaml' };

const importYaml = (text: string | Buffer, query = '', token = writer) =>
  call('POST', `/frameworks/import${query}`, text, { token, headers: YAML });
/** The stream's message count once the outbox has published everything written so far. */
async function settledCount(): Promise<number> {
  await eventually(
    async () =>
      (await svc.store.frameworks.collection.countDocuments({ unpublished: true })) === 0 ? true : undefined,
    10_000,
    'an empty outbox',
  );
  return streamCount(env.infra.natsUrl, env.stream);
}
const withoutOrigin = ({ exportedFrom: _e, ...file }: any, programme = 'X') => ({
  ...file,
  framework: { ...file.framework, programme },
});

beforeAll(async () => {
  svc = await start(env.env('indicators'));
  writer = await testToken(['indicators:write', 'indicators:read'], ['MA', 'TN']);
  morocco = await readFile(new URL('../demo/morocco-framework.yaml', import.meta.url));
});
afterAll(() => svc?.rt.shutdown());

describe('the Morocco demo framework', () => {
  it('imports through the API, publishes version 1, and every event is in the stream', async () => {
    const r = await importYaml(morocco, '?publish=true');
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({
      id: 'ARMP-MA',
      programme: 'ARMP',
      country: 'MA',
      programmeStart: '2019-10-01',
      publishedVersion: 1,
      unpublishedChanges: false,
    });

    const events = await eventually(
      async () => {
        const all = (await streamEvents(env.infra.natsUrl, env.stream)).filter((e) => e.event.subject === 'ARMP-MA');
        return all.length === r.body.events ? all : undefined;
      },
      10_000,
      'the Morocco events',
    );
    const count = (type: string) => events.filter((e) => e.event.type === `indicators.${type}`).length;
    expect([
      count('framework.created'),
      count('indicator.defined'),
      count('baseline.set'),
      count('target.set'),
      count('framework.published'),
    ]).toEqual([1, 9, 2, 10, 1]);
    expect(events.every((e) => e.subject.startsWith(`${env.prefix}.MA.indicators.`) && e.event.country === 'MA')).toBe(
      true,
    );

    const published = events.find((e) => e.event.type === 'indicators.framework.published')!.event.data;
    expect(published.frameworkVersion).toBe(1);
    expect(published.nodes.map((n: { code: string }) => n.code)).toEqual([
      'OBJ',
      '1',
      '1.1',
      '1.2',
      '1.3',
      '1.4',
      '2',
      '2.1',
      '2.2',
      '2.3',
    ]);
    expect(published.context.en).toContain('four in five');
    expect(published.targetGroups).toHaveLength(4);
    const tags = new Set(
      published.nodes.flatMap((n: { alignments: Array<{ framework: string; code: string }> }) =>
        n.alignments.map((a) => `${a.framework} ${a.code}`),
      ),
    );
    for (const tag of [
      'sdg 10.7',
      'sdg 16.2',
      'sdg 17.17',
      'gcm 1',
      'gcm 7',
      'gcm 10',
      'gcm 23',
      'snia 15',
      'snia 16',
      'snia 17',
      'snia 26',
      'snia 27',
    ])
      expect(tags).toContain(tag);

    const defined = events.filter((e) => e.event.type === 'indicators.indicator.defined').map((e) => e.event.data);
    expect(defined.find((d) => d.code === '1.a')).toMatchObject({
      unit: 'people',
      sensitive: true,
      computation: { rule: { source: 'assistance_beneficiaries', measure: 'unique_people' } },
    });
    expect(defined.find((d) => d.code === '1.3.a')).toMatchObject({
      unit: 'milestone',
      computation: { method: 'manual' },
    });
    expect(defined.find((d) => d.code === '1.1.d')!.computation.rule).toMatchObject({
      measure: 'ratio',
      numerator: 'sum_improved',
      denominator: 'sum_tested',
    });
    const py1 = Object.fromEntries(
      events
        .filter((e) => e.event.type === 'indicators.target.set' && e.event.data.period === 'PY1')
        .map((e) => [e.event.data.indicatorCode, e.event.data.value]),
    );
    expect(py1).toMatchObject({ '1.1.a': 100, '1.1.c': 4, '1.a': 150, '1.3.a': 1 });
    expect(events.find((e) => e.event.type === 'indicators.target.set')!.event.data).toMatchObject({
      periodStart: '2019-10-01',
      periodEnd: '2020-09-30',
    });
  });

  it('exports and imports back to the same framework, in YAML and in JSON', async () => {
    const yaml = await call('GET', '/frameworks/ARMP-MA/export?format=yaml');
    expect(yaml.status).toBe(200);
    expect(yaml.type).toContain('application/yaml');
    const exported = parse(yaml.text);
    expect(exported.exportedFrom).toMatchObject({ frameworkId: 'ARMP-MA', publishedVersion: 1 });
    // The demo file leaves defaults out; the export spells them out.
    expect(withoutOrigin(exported)).toEqual(withoutOrigin(FrameworkFile.parse(parse(morocco.toString('utf8')))));

    expect((await importYaml(yaml.text, '?programme=ARMPB')).status).toBe(201);
    const again = parse((await call('GET', '/frameworks/ARMPB-MA/export?format=yaml')).text);
    expect(withoutOrigin(again)).toEqual(withoutOrigin(exported));

    const json = await call('GET', '/frameworks/ARMP-MA/export');
    expect(json.body).toEqual(exported);
    expect((await call('POST', '/frameworks/import?programme=ARMPC', json.body)).status).toBe(201);
    expect(withoutOrigin((await call('GET', '/frameworks/ARMPC-MA/export')).body)).toEqual(withoutOrigin(exported));
  });
});

describe('import is all or nothing, with every problem listed', () => {
  const file = (indicators: unknown[], framework: Record<string, unknown> = {}) => ({
    format: 'passerelle-framework/1',
    framework: { ...frameworkBody('IMP'), ...framework },
    indicators,
  });
  /** Imports a file that must be refused: no framework, no event; returns the paths of the problems listed. */
  async function refused(body: unknown) {
    const problem = await expectRefused(
      () => call('POST', '/frameworks/import', body),
      { status: 422, code: 'IMPORT_INVALID' },
      () => svc.store.frameworks.find('IMP-MA'),
      settledCount,
    );
    return { problem, paths: problem.errors.map((e: { path: string }) => e.path) };
  }

  it('lists the problems of the tree, the rules, the nodes, the tags and the targets together', async () => {
    const { problem, paths } = await refused(
      file(
        [
          {
            ...peopleTrained,
            targets: [
              { period: 'PY1', value: 100 },
              { period: 'PY1', value: 90 },
            ],
          },
          {
            ...peopleTrained,
            code: 'B',
            computation: { method: 'rule', rule: { source: 'tweets', measure: 'sum_participants' } },
          },
          { ...peopleTrained, code: 'C', nodeCode: '8.8', alignments: [{ framework: 'gcm', code: '0' }] },
          { ...peopleTrained, code: 'P' },
          {
            ...peopleTrained,
            code: 'D',
            targets: [{ period: 'PY1', value: 0.5 }],
            baseline: { value: 1, date: '2099-01-01' },
          },
        ],
        { nodes: [...frameworkBody('IMP').nodes, { code: '5', level: 'output', parent: 'OBJ', title: L('x') }] },
      ),
    );
    expect(await svc.store.frameworks.find('IMP-MA')).toBeUndefined();
    expect(paths).toEqual([
      'framework.nodes.4.parent',
      'indicators.0.targets.1',
      'indicators.1.computation.rule.source',
      'indicators.2.nodeCode',
      'indicators.2.alignments.0',
      'indicators.3',
      'indicators.4.baseline.date',
      'indicators.4.targets.0.value',
    ]);
    expect(problem.detail).toContain('8 problem(s); nothing was imported');
  });

  it('lists every schema problem of the file', async () => {
    const { paths } = await refused({
      ...file([{ ...peopleTrained, unit: 'kg', targets: [{ period: 'Y1', value: 1 }] }], { programmeStart: 'soon' }),
      format: 'v2',
    });
    expect(paths).toEqual(['format', 'framework.programmeStart', 'indicators.0.unit', 'indicators.0.targets.0.period']);
  });

  it('refuses YAML that does not parse (400), a framework that exists (409), a country outside the token (403), another media type (415)', async () => {
    const before = await settledCount();
    const bad = await importYaml('format: passerelle-framework/1\nframework: [unclosed\n');
    expect([bad.status, bad.body.code]).toEqual([400, 'MALFORMED_YAML']);
    expect(bad.body.errors[0].path).toMatch(/^line \d+, column \d+$/);
    expect((await importYaml(morocco)).body.code).toBe('CONFLICT');
    const tunisian = await importYaml(
      morocco,
      '?country=TN&programme=IMP',
      await testToken(['indicators:write'], ['TN']),
    );
    expect(tunisian.status).toBe(422);
    expect(tunisian.body.errors.every((e: { message: string }) => e.message.includes('snia applies to MA only'))).toBe(
      true,
    );
    expect((await importYaml(morocco, '?programme=IMP', await testToken(['indicators:write'], ['TN']))).status).toBe(
      403,
    );
    expect(
      (await call('POST', '/frameworks/import', 'format: x', { headers: { 'content-type': 'text/plain' } })).status,
    ).toBe(415);
    expect(
      (await call('POST', '/frameworks/import', JSON.stringify(file([])), await testToken(['indicators:read']))).status,
    ).toBe(403);
    expect(await streamCount(env.infra.natsUrl, env.stream)).toBe(before);
    expect(await svc.store.frameworks.find('IMP-TN')).toBeUndefined();
  });

  it('keeps codes as written when YAML leaves them unquoted (1.10 stays 1.10)', async () => {
    const text = (await readFile(new URL('../demo/morocco-framework.yaml', import.meta.url), 'utf8'))
      .replace('code: "2.3"\n      level', 'code: 2.10\n      level')
      .replace('nodeCode: "2.3"', 'nodeCode: 2.10')
      .replace('programmeStart: "2019-10-01"', 'programmeStart: 2019-10-01');
    const r = await importYaml(text, '?programme=CODES');
    expect(r.status, r.text).toBe(201);
    expect(r.body.nodes.map((n: { code: string }) => n.code)).toContain('2.10');
    expect(r.body.indicators.find((i: any) => i.definition.code === '2.3.a').definition.nodeCode).toBe('2.10');
  });
});
