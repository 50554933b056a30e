import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, httpClient, isolatedEnv, testToken } from '@passerelle/testkit';
import { start } from './main.js';
import { streamEvents } from './testing/api.js';
import { centreMilestone, frameworkBody, L, nodes, peopleTrained } from './testing/fixtures.js';

const env = isolatedEnv('indicators_fw');
let svc: Awaited<ReturnType<typeof start>>;
let writer: string;
let reader: string;
const call = httpClient(
  () => svc.url,
  () => writer,
);

/** Events of one framework once the stream holds `count` of them. */
async function eventsOf(id: string, count: number) {
  return eventually(
    async () => {
      const mine = (await streamEvents(env.infra.natsUrl, env.stream)).filter((e) => e.event.subject === id);
      return mine.length >= count ? mine : undefined;
    },
    10_000,
    `${count} events of ${id}`,
  );
}

async function ok(method: string, path: string, body?: unknown, status = 200) {
  const r = await call(method, path, body);
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

beforeAll(async () => {
  svc = await start(env.env('indicators'));
  writer = await testToken(['indicators:write', 'indicators:read'], ['MA'], { subject: 'me-officer-7' });
  reader = await testToken(['indicators:read']);
});
afterAll(() => svc?.rt.shutdown());

describe('a framework from draft to published versions', () => {
  it('revises a baseline with a reason, keeping the previous value in the event', async () => {
    await ok('POST', '/frameworks', frameworkBody('REVB'), 201);
    await ok('POST', '/frameworks/REVB-MA/indicators', { version: 1, ...peopleTrained }, 201);
    await ok('PUT', '/frameworks/REVB-MA/indicators/P/baseline', { version: 2, value: 0, date: '2019-10-01' });
    await ok('PUT', '/frameworks/REVB-MA/indicators/P/baseline', {
      version: 3,
      value: 12,
      date: '2019-10-01',
      reason: 'the 2019 survey was found',
    });
    const events = await eventsOf('REVB-MA', 4);
    expect(events[3]!.event).toMatchObject({
      type: 'indicators.baseline.revised',
      data: { indicatorCode: 'P', value: 12, previousValue: 0, reason: 'the 2019 survey was found', revision: 2 },
    });
  });

  it('creates, defines, sets baseline and targets, publishes, edits and publishes again', async () => {
    const created = await call('POST', '/frameworks', frameworkBody('LIFE'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'LIFE-MA',
      version: 1,
      publishedVersion: 0,
      unpublishedChanges: true,
      programmeStart: '2019-10-01',
    });
    await ok('POST', '/frameworks/LIFE-MA/indicators', { version: 1, ...peopleTrained }, 201);
    await ok('PUT', '/frameworks/LIFE-MA/indicators/P/baseline', { version: 2, value: 0, date: '2019-10-01' });
    expect(
      (await ok('PUT', '/frameworks/LIFE-MA/indicators/P/targets/PY1', { version: 3, value: 100 })).targets,
    ).toEqual([{ period: 'PY1', value: 100, targetVersion: 1 }]);
    await ok('PUT', '/frameworks/LIFE-MA/indicators/P/targets/PY1', {
      version: 4,
      value: 120,
      reason: 'more sessions funded',
    });
    const v1 = await ok('POST', '/frameworks/LIFE-MA/publish', { version: 5, note: 'first version' });
    expect(v1).toMatchObject({ publishedVersion: 1, unpublishedChanges: false });
    await ok('PUT', '/frameworks/LIFE-MA/nodes/1.2', {
      version: 6,
      level: 'activity_line',
      parent: '1',
      title: L('Support to the ministry'),
      alignments: [{ framework: 'snia', code: '27' }],
    });
    expect((await ok('POST', '/frameworks/LIFE-MA/publish', { version: 7 })).publishedVersion).toBe(2);

    expect((await ok('GET', '/frameworks/LIFE-MA/versions/1')).nodes).toHaveLength(4);
    expect((await ok('GET', '/frameworks/LIFE-MA/versions/2')).nodes.map((n: { code: string }) => n.code)).toEqual([
      'OBJ',
      '1',
      '1.1',
      '1.3',
      '1.2',
    ]);
    expect((await call('GET', '/frameworks/LIFE-MA/versions/3')).status).toBe(404);

    const events = await eventsOf('LIFE-MA', 8);
    expect(events.map((e) => e.event.type)).toEqual([
      'indicators.framework.created',
      'indicators.indicator.defined',
      'indicators.baseline.set',
      'indicators.target.set',
      'indicators.target.revised',
      'indicators.framework.published',
      'indicators.framework.draft_edited',
      'indicators.framework.published',
    ]);
    const published = events[5]!;
    expect(published.subject).toBe(`${env.prefix}.MA.indicators.framework.published`);
    expect(published.event).toMatchObject({ country: 'MA', actor: 'me-officer-7', source: 'indicators' });
    expect(published.event.data).toMatchObject({
      frameworkId: 'LIFE-MA',
      programme: 'LIFE',
      programmeStart: '2019-10-01',
      frameworkVersion: 1,
      note: 'first version',
      context: L('Why the programme exists.'),
      targetGroups: [L('Government actors'), L('Vulnerable migrants')],
      indicators: [{ code: 'P', revision: 1, nodeCode: '1.1' }],
    });
    expect(published.event.data.nodes).toEqual(nodes.map((n) => ({ alignments: [], ...n })));
    expect(events[1]!.event.data).toMatchObject({
      code: 'P',
      revision: 1,
      unit: 'people',
      computation: peopleTrained.computation,
      disaggregations: ['sex', 'participant_category'],
    });
    expect(events[4]!.event.data).toEqual({
      frameworkId: 'LIFE-MA',
      indicatorCode: 'P',
      period: 'PY1',
      periodStart: '2019-10-01',
      periodEnd: '2020-09-30',
      businessDate: '2019-10-01',
      value: 120,
      targetVersion: 2,
      previousValue: 100,
      reason: 'more sessions funded',
    });
    expect(events[6]!.event.data).toMatchObject({ change: 'node_saved', nodeCode: '1.2' });
    expect(events[7]!.event.data.frameworkVersion).toBe(2);
  });

  it('keeps every target version, with who revised it and why', async () => {
    await ok('POST', '/frameworks', frameworkBody('HIST'), 201);
    await ok('POST', '/frameworks/HIST-MA/indicators', { version: 1, ...peopleTrained }, 201);
    await ok('PUT', '/frameworks/HIST-MA/indicators/P/targets/PY1', { version: 2, value: 100 });
    await ok('PUT', '/frameworks/HIST-MA/indicators/P/targets/PY1', {
      version: 3,
      value: 120,
      reason: 'budget increase',
    });
    await ok('PUT', '/frameworks/HIST-MA/indicators/P/targets/PY1', {
      version: 4,
      value: 110,
      reason: 'one training moved to year 2',
    });
    await ok('PUT', '/frameworks/HIST-MA/indicators/P/targets/2020-Q1', { version: 5, value: 20 });
    const t = await call('GET', '/frameworks/HIST-MA/indicators/P/targets', undefined, reader);
    expect(t.status).toBe(200);
    expect(t.body.targets).toEqual([
      { period: 'PY1', value: 110, targetVersion: 3 },
      { period: '2020-Q1', value: 20, targetVersion: 1 },
    ]);
    expect(
      t.body.history.map((h: any) => [h.event, h.period, h.value, h.targetVersion, h.previousValue, h.reason]),
    ).toEqual([
      ['indicators.target.set', 'PY1', 100, 1, undefined, undefined],
      ['indicators.target.revised', 'PY1', 120, 2, 100, 'budget increase'],
      ['indicators.target.revised', 'PY1', 110, 3, 120, 'one training moved to year 2'],
      ['indicators.target.set', '2020-Q1', 20, 1, undefined, undefined],
    ]);
    expect(t.body.history[1]).toMatchObject({
      actor: 'me-officer-7',
      periodStart: '2019-10-01',
      periodEnd: '2020-09-30',
    });
    expect(t.body.history[3]).toMatchObject({ periodStart: '2020-01-01', periodEnd: '2020-03-31' });
  });

  it('revises and retires an indicator; a retired one takes no targets and is left out of the next version', async () => {
    await ok('POST', '/frameworks', frameworkBody('REV'), 201);
    await ok('POST', '/frameworks/REV-MA/indicators', { version: 1, ...peopleTrained }, 201);
    const { code: _c, ...definition } = peopleTrained;
    const revised = await ok('PUT', '/frameworks/REV-MA/indicators/P', {
      version: 2,
      ...definition,
      disaggregations: ['sex'],
      sensitive: true,
      reason: 'category not collected',
    });
    expect(revised).toMatchObject({
      revision: 2,
      status: 'active',
      definition: { disaggregations: ['sex'], sensitive: true },
    });
    const retired = await ok('POST', '/frameworks/REV-MA/indicators/P/retire', {
      version: 3,
      reason: 'merged into P2',
    });
    expect(retired.status).toBe('retired');
    const events = await eventsOf('REV-MA', 4);
    expect(events[2]!.event).toMatchObject({
      type: 'indicators.indicator.revised',
      data: { code: 'P', revision: 2, reason: 'category not collected', disaggregations: ['sex'] },
    });
    expect(events[3]!.event).toMatchObject({
      type: 'indicators.indicator.retired',
      data: { frameworkId: 'REV-MA', code: 'P', reason: 'merged into P2' },
    });

    const target = await call('PUT', '/frameworks/REV-MA/indicators/P/targets/PY1', { version: 4, value: 10 });
    expect([target.status, target.body.code]).toEqual([422, 'INDICATOR_RETIRED']);
    const again = await call('POST', '/frameworks/REV-MA/indicators/P/retire', { version: 4, reason: 'twice' });
    expect([again.status, again.body.code]).toEqual([422, 'ALREADY_RETIRED']);
    const revise = await call('PUT', '/frameworks/REV-MA/indicators/P', { version: 4, ...definition });
    expect([revise.status, revise.body.code]).toEqual([422, 'INDICATOR_RETIRED']);
    expect((await ok('POST', '/frameworks/REV-MA/publish', { version: 4 })).publishedVersion).toBe(1);
    expect((await ok('GET', '/frameworks/REV-MA/versions/1')).indicators).toEqual([]);
    expect(await eventsOf('REV-MA', 5)).toHaveLength(5);
  });

  it('reports manual milestone values with comment and evidence; a second report for the period replaces the first', async () => {
    await ok('POST', '/frameworks', frameworkBody('MAN'), 201);
    await ok('POST', '/frameworks/MAN-MA/indicators', { version: 1, ...centreMilestone }, 201);
    const first = await ok(
      'POST',
      '/frameworks/MAN-MA/indicators/M/values',
      { version: 2, period: 'PY1', value: 0, comment: 'works started' },
      201,
    );
    expect(first.values).toEqual([
      { period: 'PY1', value: 0, date: '2020-09-30', comment: 'works started', revision: 1 },
    ]);
    const second = await ok(
      'POST',
      '/frameworks/MAN-MA/indicators/M/values',
      {
        version: 3,
        period: 'PY1',
        value: 1,
        date: '2020-06-15',
        comment: 'centre opened',
        evidenceUrl: 'https://example.org/reports/centre.pdf',
      },
      201,
    );
    expect(second.values).toEqual([
      {
        period: 'PY1',
        value: 1,
        date: '2020-06-15',
        comment: 'centre opened',
        evidenceUrl: 'https://example.org/reports/centre.pdf',
        revision: 2,
      },
    ]);
    const events = await eventsOf('MAN-MA', 4);
    expect(events[2]!.event.data).toEqual({
      frameworkId: 'MAN-MA',
      indicatorCode: 'M',
      period: 'PY1',
      periodStart: '2019-10-01',
      periodEnd: '2020-09-30',
      businessDate: '2020-09-30',
      value: 0,
      comment: 'works started',
      revision: 1,
    });
    expect(events[3]!.event.data).toMatchObject({
      businessDate: '2020-06-15',
      value: 1,
      revision: 2,
      previousValue: 0,
      evidenceUrl: 'https://example.org/reports/centre.pdf',
    });
  });

  it('replaces the draft details and tree, and removes a leaf node', async () => {
    await ok('POST', '/frameworks', frameworkBody('DRAFT'), 201);
    const { programme: _p, country: _c, ...draft } = frameworkBody('DRAFT', { context: L('A new context paragraph.') });
    const replaced = await ok('PUT', '/frameworks/DRAFT-MA/draft', {
      version: 1,
      ...draft,
      programmeStart: '2020-01-01',
    });
    expect(replaced).toMatchObject({
      version: 2,
      programmeStart: '2020-01-01',
      details: { context: L('A new context paragraph.') },
    });
    const removed = await ok('DELETE', '/frameworks/DRAFT-MA/nodes/1.3?version=2');
    expect(removed.nodes.map((n: { code: string }) => n.code)).toEqual(['OBJ', '1', '1.1']);
    const events = await eventsOf('DRAFT-MA', 3);
    expect(events.map((e) => e.event.data.change)).toEqual([undefined, 'details_replaced', 'node_removed']);
  });

  it('publishes what was written while no relay ran (a crash between the write and the publish)', async () => {
    const crashed = await start(env.env('indicators'), { relay: false });
    try {
      const r = await httpClient(
        () => crashed.url,
        () => writer,
      )('POST', '/frameworks', frameworkBody('CRASH'));
      expect(r.status).toBe(201);
    } finally {
      await crashed.rt.shutdown();
    }
    // The running instance's periodic pass finds the unpublished event in the shared database.
    const events = await eventsOf('CRASH-MA', 1);
    expect(events.map((e) => e.event.type)).toEqual(['indicators.framework.created']);
  });

  it('lists frameworks by country, serves catalogues, checks rules, documents the API', async () => {
    const list = await call('GET', '/frameworks?country=MA&pageSize=2', undefined, reader);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page: 1, pageSize: 2, total: 7 });
    expect(list.body.items[0]).toMatchObject({ id: 'CRASH-MA', country: 'MA', programme: 'CRASH' });
    const tn = await call('GET', '/frameworks', undefined, await testToken(['indicators:read'], ['TN']));
    expect(tn.body.total).toBe(0);
    const catalogues = await call('GET', '/catalogues/alignments', undefined, reader);
    expect(catalogues.body.gcm.entries).toHaveLength(23);
    expect(catalogues.body.snia.entries.map((e: { code: string }) => e.code)).toEqual(['15', '16', '17', '26', '27']);
    expect(catalogues.body.sdg.entries.find((e: { code: string }) => e.code === '16.a').label.fr).toBeTruthy();
    const rules = await call('GET', '/catalogues/rules', undefined, reader);
    expect(Object.keys(rules.body.sources)).toContain('assistance_beneficiaries');
    const check = await call(
      'POST',
      '/catalogues/rules/check',
      { rule: { source: 'trainings_held', measure: 'sum_participants' } },
      reader,
    );
    expect(check.body).toMatchObject({ valid: false, problems: [{ path: 'measure' }] });
    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as any;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/frameworks',
        '/frameworks/import',
        '/frameworks/{id}/indicators/{code}/targets/{period}',
      ]),
    );
  });
});
