import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULE_SOURCES } from '@passerelle/contracts';
import { eventually, httpClient, isolatedEnv, testToken } from '@passerelle/testkit';
import { start } from './main.js';
import { streamCount } from './testing/api.js';
import { centreMilestone, frameworkBody, improvedShare, L, nodes, peopleTrained } from './testing/fixtures.js';

// Every refusal: its status and problem code, and that nothing was written nor published.
const env = isolatedEnv('indicators_refusals');
let svc: Awaited<ReturnType<typeof start>>;
let writer: string;
const call = httpClient(
  () => svc.url,
  () => writer,
);
const REF = '/frameworks/REF-MA';

async function version(): Promise<number> {
  return (await svc.store.frameworks.get('REF-MA')).version;
}

beforeAll(async () => {
  svc = await start(env.env('indicators'));
  writer = await testToken(['indicators:write', 'indicators:read'], ['MA', 'TN']);
  const steps: Array<[string, string, (v: number) => unknown]> = [
    ['POST', '/frameworks', () => frameworkBody('REF')],
    ['POST', `${REF}/indicators`, (v) => ({ version: v, ...peopleTrained })],
    ['POST', `${REF}/indicators`, (v) => ({ version: v, ...improvedShare })],
    ['POST', `${REF}/indicators`, (v) => ({ version: v, ...centreMilestone })],
    ['PUT', `${REF}/indicators/P/baseline`, (v) => ({ version: v, value: 0, date: '2019-10-01' })],
    ['PUT', `${REF}/indicators/P/targets/PY1`, (v) => ({ version: v, value: 100 })],
    ['POST', `${REF}/publish`, (v) => ({ version: v })],
  ];
  for (const [method, path, body] of steps) {
    const v = method === 'POST' && path === '/frameworks' ? 0 : await version();
    const r = await call(method, path, body(v));
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${r.text}`);
  }
  await eventually(
    async () => ((await streamCount(env.infra.natsUrl, env.stream)) === steps.length ? true : undefined),
    10_000,
    'the fixture events',
  );
});
afterAll(() => svc?.rt.shutdown());

const { code: _code, ...peopleDefinition } = peopleTrained;
const rule = (r: Record<string, unknown>) => ({
  ...peopleTrained,
  code: 'NEW',
  computation: { method: 'rule', rule: r },
});
const tree = (...extra: unknown[]) => frameworkBody('BAD', { nodes: [...nodes, ...extra] });
type Case = [name: string, method: string, path: string, body: (v: number) => unknown, status: number, code: string];

const cases: Case[] = [
  // frameworks and their tree
  [
    'a second objective',
    'POST',
    '/frameworks',
    () => tree({ code: 'OBJ2', level: 'objective', title: L('Another') }),
    422,
    'INVALID_TREE',
  ],
  [
    'an activity line under the objective',
    'POST',
    '/frameworks',
    () => tree({ code: '3.1', level: 'activity_line', parent: 'OBJ', title: L('x') }),
    422,
    'INVALID_TREE',
  ],
  [
    'a parent that does not exist',
    'POST',
    '/frameworks',
    () => tree({ code: '4', level: 'outcome', parent: 'NOPE', title: L('x') }),
    422,
    'INVALID_TREE',
  ],
  [
    'an activity line code unlike 1.1',
    'POST',
    '/frameworks',
    () => tree({ code: 'TRAIN', level: 'activity_line', parent: '1', title: L('x') }),
    422,
    'INVALID_TREE',
  ],
  [
    'two nodes with one code',
    'POST',
    '/frameworks',
    () => tree({ code: '1.1', level: 'activity_line', parent: '1', title: L('x') }),
    422,
    'INVALID_TREE',
  ],
  [
    'an SDG target outside the catalogue',
    'POST',
    '/frameworks',
    () =>
      tree({
        code: '9',
        level: 'outcome',
        parent: 'OBJ',
        title: L('x'),
        alignments: [{ framework: 'sdg', code: '18.1' }],
      }),
    422,
    'UNKNOWN_ALIGNMENT',
  ],
  [
    'GCM objective 24',
    'POST',
    '/frameworks',
    () =>
      tree({
        code: '9',
        level: 'outcome',
        parent: 'OBJ',
        title: L('x'),
        alignments: [{ framework: 'gcm', code: '24' }],
      }),
    422,
    'UNKNOWN_ALIGNMENT',
  ],
  [
    'an SNIA objective on a Tunisia framework',
    'POST',
    '/frameworks',
    () => frameworkBody('BAD', { country: 'TN' }),
    422,
    'UNKNOWN_ALIGNMENT',
  ],
  [
    'an unknown alignment framework',
    'POST',
    '/frameworks',
    () =>
      tree({ code: '9', level: 'outcome', parent: 'OBJ', title: L('x'), alignments: [{ framework: 'au', code: '1' }] }),
    400,
    'VALIDATION_FAILED',
  ],
  ['a malformed programme code', 'POST', '/frameworks', () => frameworkBody('armp'), 400, 'VALIDATION_FAILED'],
  ['an unknown field', 'POST', '/frameworks', () => frameworkBody('BAD', { donor: 'x' }), 400, 'VALIDATION_FAILED'],
  ['a framework that exists', 'POST', '/frameworks', () => frameworkBody('REF'), 409, 'CONFLICT'],
  [
    'a new tree without a measured node',
    'PUT',
    `${REF}/draft`,
    (v) => ({
      version: v,
      ...frameworkBody('REF', { nodes: nodes.slice(0, 2) }),
      programme: undefined,
      country: undefined,
    }),
    422,
    'NODE_IN_USE',
  ],
  [
    'moving the programme start once targets exist',
    'PUT',
    `${REF}/draft`,
    (v) => ({
      version: v,
      ...frameworkBody('REF'),
      programme: undefined,
      country: undefined,
      programmeStart: '2020-01-01',
    }),
    422,
    'PROGRAMME_START_LOCKED',
  ],
  [
    'a node whose parent is missing',
    'PUT',
    `${REF}/nodes/9.9`,
    (v) => ({ version: v, level: 'activity_line', parent: '9', title: L('x') }),
    422,
    'INVALID_TREE',
  ],
  ['removing a node with children', 'DELETE', `${REF}/nodes/1?version=V`, () => undefined, 422, 'NODE_HAS_CHILDREN'],
  ['removing the objective', 'DELETE', `${REF}/nodes/OBJ?version=V`, () => undefined, 422, 'NODE_HAS_CHILDREN'],
  [
    'removing a node an indicator measures',
    'DELETE',
    `${REF}/nodes/1.1?version=V`,
    () => undefined,
    422,
    'NODE_IN_USE',
  ],
  ['removing a node that does not exist', 'DELETE', `${REF}/nodes/7.7?version=V`, () => undefined, 422, 'UNKNOWN_NODE'],
  ['publishing with nothing changed', 'POST', `${REF}/publish`, (v) => ({ version: v }), 422, 'NOTHING_TO_PUBLISH'],
  // indicator definitions and their rules
  [
    'an unknown source',
    'POST',
    `${REF}/indicators`,
    (v) => ({ version: v, ...rule({ source: 'surveys', measure: 'sum_participants' }) }),
    422,
    'INVALID_RULE',
  ],
  [
    'a measure the source does not allow',
    'POST',
    `${REF}/indicators`,
    (v) => ({ version: v, ...rule({ source: 'trainings_held', measure: 'sum_participants' }) }),
    422,
    'INVALID_RULE',
  ],
  [
    'an unknown measure',
    'POST',
    `${REF}/indicators`,
    (v) => ({ version: v, ...rule({ source: 'training_attendance', measure: 'median' }) }),
    422,
    'INVALID_RULE',
  ],
  [
    'a dimension the source does not have',
    'POST',
    `${REF}/indicators`,
    (v) => ({
      version: v,
      ...rule({
        source: 'training_attendance',
        measure: 'sum_participants',
        filters: { vulnerability: ['victim_of_trafficking'] },
      }),
    }),
    422,
    'INVALID_RULE',
  ],
  [
    'a unit the rule does not give',
    'POST',
    `${REF}/indicators`,
    (v) => ({ version: v, ...rule({ source: 'training_attendance', measure: 'count_trainings' }) }),
    422,
    'INVALID_RULE',
  ],
  [
    'a disaggregation the source lacks',
    'POST',
    `${REF}/indicators`,
    (v) => ({
      version: v,
      ...rule({ source: 'training_attendance', measure: 'sum_participants' }),
      disaggregations: ['partner_type'],
    }),
    422,
    'INVALID_RULE',
  ],
  [
    'a milestone computed by a rule',
    'POST',
    `${REF}/indicators`,
    (v) => ({
      version: v,
      ...rule({ source: 'trainings_held', measure: 'count_trainings' }),
      unit: 'milestone',
      disaggregations: [],
    }),
    422,
    'INVALID_RULE',
  ],
  [
    'a manual indicator with disaggregations',
    'POST',
    `${REF}/indicators`,
    (v) => ({ version: v, ...centreMilestone, code: 'NEW', disaggregations: ['sex'] }),
    422,
    'INVALID_DISAGGREGATION',
  ],
  [
    'a node not in the framework',
    'POST',
    `${REF}/indicators`,
    (v) => ({ version: v, ...peopleTrained, code: 'NEW', nodeCode: '5.5' }),
    422,
    'UNKNOWN_NODE',
  ],
  [
    'an indicator tag outside the catalogue',
    'POST',
    `${REF}/indicators`,
    (v) => ({ version: v, ...peopleTrained, code: 'NEW', alignments: [{ framework: 'snia', code: '99' }] }),
    422,
    'UNKNOWN_ALIGNMENT',
  ],
  [
    'an unknown unit',
    'POST',
    `${REF}/indicators`,
    (v) => ({ version: v, ...peopleTrained, code: 'NEW', unit: 'hectares' }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'an unknown disaggregation',
    'POST',
    `${REF}/indicators`,
    (v) => ({ version: v, ...peopleTrained, code: 'NEW', disaggregations: ['religion'] }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'an indicator code that exists',
    'POST',
    `${REF}/indicators`,
    (v) => ({ version: v, ...peopleTrained }),
    409,
    'INDICATOR_EXISTS',
  ],
  [
    'a revision that changes nothing',
    'PUT',
    `${REF}/indicators/P`,
    (v) => ({ version: v, ...peopleDefinition }),
    422,
    'NO_CHANGE',
  ],
  [
    'revising an unknown indicator',
    'PUT',
    `${REF}/indicators/NOPE`,
    (v) => ({ version: v, ...peopleDefinition }),
    404,
    'NOT_FOUND',
  ],
  [
    'retiring without a reason',
    'POST',
    `${REF}/indicators/P/retire`,
    (v) => ({ version: v }),
    400,
    'VALIDATION_FAILED',
  ],
  // baselines and targets
  [
    'a percentage target above 100',
    'PUT',
    `${REF}/indicators/PC/targets/PY1`,
    (v) => ({ version: v, value: 120 }),
    422,
    'INVALID_VALUE',
  ],
  [
    'a fraction of a person',
    'PUT',
    `${REF}/indicators/P/targets/PY2`,
    (v) => ({ version: v, value: 10.5 }),
    422,
    'INVALID_VALUE',
  ],
  [
    'a milestone target of 2',
    'PUT',
    `${REF}/indicators/M/targets/PY1`,
    (v) => ({ version: v, value: 2 }),
    422,
    'INVALID_VALUE',
  ],
  [
    'a target revision without a reason',
    'PUT',
    `${REF}/indicators/P/targets/PY1`,
    (v) => ({ version: v, value: 90 }),
    422,
    'REASON_REQUIRED',
  ],
  [
    'a target revision to the same value',
    'PUT',
    `${REF}/indicators/P/targets/PY1`,
    (v) => ({ version: v, value: 100, reason: 'same' }),
    422,
    'NO_CHANGE',
  ],
  [
    'a period before the programme',
    'PUT',
    `${REF}/indicators/P/targets/2018`,
    (v) => ({ version: v, value: 10 }),
    422,
    'PERIOD_BEFORE_PROGRAMME',
  ],
  [
    'a malformed period',
    'PUT',
    `${REF}/indicators/P/targets/Y1`,
    (v) => ({ version: v, value: 10 }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'a negative target',
    'PUT',
    `${REF}/indicators/P/targets/PY2`,
    (v) => ({ version: v, value: -1 }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'a target of an unknown indicator',
    'PUT',
    `${REF}/indicators/NOPE/targets/PY1`,
    (v) => ({ version: v, value: 1 }),
    404,
    'NOT_FOUND',
  ],
  [
    'a baseline dated in the future',
    'PUT',
    `${REF}/indicators/PC/baseline`,
    (v) => ({ version: v, value: 10, date: '2099-01-01' }),
    422,
    'DATE_IN_FUTURE',
  ],
  [
    'a baseline revision without a reason',
    'PUT',
    `${REF}/indicators/P/baseline`,
    (v) => ({ version: v, value: 5, date: '2019-10-01' }),
    422,
    'REASON_REQUIRED',
  ],
  // manual values
  [
    'a value for a computed indicator',
    'POST',
    `${REF}/indicators/P/values`,
    (v) => ({ version: v, period: 'PY1', value: 3, comment: 'x' }),
    422,
    'NOT_MANUAL',
  ],
  [
    'a value for a period not begun',
    'POST',
    `${REF}/indicators/M/values`,
    (v) => ({ version: v, period: 'PY20', value: 1, comment: 'x' }),
    422,
    'PERIOD_NOT_STARTED',
  ],
  [
    'a value dated outside its period',
    'POST',
    `${REF}/indicators/M/values`,
    (v) => ({ version: v, period: 'PY1', value: 1, comment: 'x', date: '2021-01-01' }),
    422,
    'DATE_OUTSIDE_PERIOD',
  ],
  [
    'a milestone value of 2',
    'POST',
    `${REF}/indicators/M/values`,
    (v) => ({ version: v, period: 'PY1', value: 2, comment: 'x' }),
    422,
    'INVALID_VALUE',
  ],
  [
    'evidence that is not a web link',
    'POST',
    `${REF}/indicators/M/values`,
    (v) => ({ version: v, period: 'PY1', value: 1, comment: 'x', evidenceUrl: 'file:///c/report.pdf' }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'a value without a comment',
    'POST',
    `${REF}/indicators/M/values`,
    (v) => ({ version: v, period: 'PY1', value: 1 }),
    400,
    'VALIDATION_FAILED',
  ],
  // concurrency and addressing
  [
    'an edit of an older version',
    'POST',
    `${REF}/indicators`,
    (v) => ({ version: v - 1, ...peopleTrained, code: 'NEW' }),
    409,
    'VERSION_CONFLICT',
  ],
  ['an unknown framework', 'POST', '/frameworks/NOPE-MA/publish', () => ({ version: 1 }), 404, 'NOT_FOUND'],
  ['a malformed framework id', 'POST', '/frameworks/ref-ma/publish', () => ({ version: 1 }), 400, 'VALIDATION_FAILED'],
];

describe('refusals leave nothing written or published', () => {
  it.each(cases)('%s', async (_name, method, path, body, status, code) => {
    const before = { messages: await streamCount(env.infra.natsUrl, env.stream), version: await version() };
    const r = await call(method, path.replace('version=V', `version=${before.version}`), body(before.version));
    expect(r.status, r.text).toBe(status);
    expect(r.type).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status, code });
    expect(await version()).toBe(before.version);
    expect(await svc.store.frameworks.find('BAD-MA')).toBeUndefined();
    expect(await svc.store.frameworks.find('BAD-TN')).toBeUndefined();
    expect(await streamCount(env.infra.natsUrl, env.stream)).toBe(before.messages);
  });

  it('lists the valid sources when a rule names an unknown one, with the path of the mistake', async () => {
    const r = await call('POST', `${REF}/indicators`, {
      version: await version(),
      ...rule({ source: 'surveys', measure: 'sum_participants' }),
    });
    expect(r.body.errors).toEqual([
      { path: 'computation.rule.source', message: expect.stringContaining(Object.keys(RULE_SOURCES).join(', ')) },
    ]);
  });

  it('lists every problem of a tree at once', async () => {
    const r = await call(
      'POST',
      '/frameworks',
      tree(
        { code: 'OBJ2', level: 'objective', title: L('x') },
        {
          code: 'X',
          level: 'activity_line',
          parent: 'OBJ',
          title: L('x'),
          alignments: [{ framework: 'gcm', code: '30' }],
        },
      ),
    );
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'nodes',
      'nodes.5.parent',
      'nodes.5.code',
      'nodes.5.alignments.0',
    ]);
  });
});

describe('permissions and country scope', () => {
  it.each([
    ['no token', async () => '', 'POST', `${REF}/publish`, 401],
    ['a read-only token writing', async () => testToken(['indicators:read']), 'POST', `${REF}/publish`, 403],
    [
      "another service's write scope",
      async () => testToken(['trainings:write', 'indicators:read']),
      'POST',
      '/frameworks',
      403,
    ],
    [
      "a Tunisia editor writing Morocco's framework",
      async () => testToken(['indicators:write', 'indicators:read'], ['TN']),
      'POST',
      `${REF}/publish`,
      403,
    ],
    [
      'a Tunisia editor creating a Morocco framework',
      async () => testToken(['indicators:write'], ['TN']),
      'POST',
      '/frameworks',
      403,
    ],
    [
      "a Tunisia reader reading Morocco's framework",
      async () => testToken(['indicators:read'], ['TN']),
      'GET',
      REF,
      403,
    ],
    [
      'a Tunisia reader listing Morocco',
      async () => testToken(['indicators:read'], ['TN']),
      'GET',
      '/frameworks?country=MA',
      403,
    ],
    [
      'a Tunisia reader exporting Morocco',
      async () => testToken(['indicators:read'], ['TN']),
      'GET',
      `${REF}/export`,
      403,
    ],
    [
      'an expired token',
      async () => testToken(['indicators:write'], ['MA'], { ttl: '-1m' }),
      'POST',
      `${REF}/publish`,
      401,
    ],
  ])('%s', async (_name, token, method, path, status) => {
    const before = { messages: await streamCount(env.infra.natsUrl, env.stream), version: await version() };
    const body =
      method === 'GET' ? undefined : path === '/frameworks' ? frameworkBody('NEW') : { version: before.version };
    const r = await call(method, path, body, await token());
    expect(r.status).toBe(status);
    expect(r.body.status).toBe(status);
    expect(await version()).toBe(before.version);
    expect(await svc.store.frameworks.find('NEW-MA')).toBeUndefined();
    expect(await streamCount(env.infra.natsUrl, env.stream)).toBe(before.messages);
  });

  it('two editors with the same version: the second gets a 409 and only the first is published', async () => {
    const before = await streamCount(env.infra.natsUrl, env.stream);
    const v = await version();
    const [a, b] = await Promise.all([
      call('PUT', `${REF}/indicators/P/targets/PY3`, { version: v, value: 150 }),
      call('PUT', `${REF}/indicators/P/targets/PY4`, { version: v, value: 160 }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a.body.code, b.body.code]).toContain('VERSION_CONFLICT');
    expect(await version()).toBe(v + 1);
    await eventually(
      async () => ((await streamCount(env.infra.natsUrl, env.stream)) === before + 1 ? true : undefined),
      10_000,
      'one event',
    );
  });
});
