import type { Api, Outcome } from '@passerelle/platform';
import { today, type RouteContext } from './context.js';
import type { Framework } from './framework.js';
import { defineIndicator, findIndicator, retireIndicator, reviseIndicator } from './indicators.js';
import { reportValue, setBaseline, setTarget } from './measures.js';
import { IndicatorView, TargetsView } from './responses.js';
import {
  BaselineBody,
  DefineIndicatorBody,
  FrameworkParams,
  IndicatorParams,
  ReviseIndicatorBody,
  RetireBody,
  TargetBody,
  TargetParams,
  ValueBody,
} from './schemas.js';

const W = 'indicators:write';
const R = 'indicators:read';
const tags = ['indicators'];

const indicatorView = (a: { id: string; version: number; state: Framework }, code: string) => ({
  frameworkId: a.id,
  version: a.version,
  ...findIndicator(a.state, code),
});

const TARGET_EVENTS = new Set(['indicators.target.set', 'indicators.target.revised']);

/** Indicators of a framework: definitions, baselines, targets with their versions, manual values. */
export function indicatorRoutes(api: Api, { store, frameworks, commands }: RouteContext) {
  commands.post(api, '/frameworks/:id/indicators', {
    summary: 'Define an indicator: unit, node, disaggregations, suppression and a rule or manual values',
    scope: W,
    params: FrameworkParams,
    body: DefineIndicatorBody,
    status: 201,
    response: IndicatorView,
    tags,
    decide: (f, { body: { version: _version, ...def } }) => defineIndicator(f, def, { today: today() }),
    respond({ aggregate }, { params, body, res }) {
      res.location(`/frameworks/${params.id}/indicators/${body.code}`);
      return indicatorView(aggregate, body.code);
    },
  });

  api.get(
    '/frameworks/:id/indicators/:code',
    {
      summary: 'One indicator with its baseline, targets and reported values',
      scope: R,
      params: IndicatorParams,
      response: IndicatorView,
      tags,
    },
    async ({ params, principal }) => indicatorView(await frameworks.read(principal, params.id), params.code),
  );

  // Commands on one indicator answer with that indicator.
  const onIndicator = {
    respond: ({ aggregate }: Outcome<Framework>, { params }: { params: { code: string } }) =>
      indicatorView(aggregate, params.code),
  };

  commands.put(api, '/frameworks/:id/indicators/:code', {
    summary: 'Revise an indicator (the whole definition; a new revision)',
    scope: W,
    params: IndicatorParams,
    body: ReviseIndicatorBody,
    response: IndicatorView,
    tags,
    ...onIndicator,
    decide: (f, { params, body: { version: _version, reason, ...def } }) =>
      reviseIndicator(f, { code: params.code, ...def }, reason, { today: today() }),
  });

  commands.post(api, '/frameworks/:id/indicators/:code/retire', {
    summary: 'Retire an indicator',
    scope: W,
    params: IndicatorParams,
    body: RetireBody,
    response: IndicatorView,
    tags,
    ...onIndicator,
    decide: (f, { params, body }) => retireIndicator(f, params.code, body.reason, { today: today() }),
  });

  commands.put(api, '/frameworks/:id/indicators/:code/baseline', {
    summary: 'Set or revise the baseline (a revision needs a reason)',
    scope: W,
    params: IndicatorParams,
    body: BaselineBody,
    response: IndicatorView,
    tags,
    ...onIndicator,
    decide: (f, { params, body: { version: _version, ...baseline } }) =>
      setBaseline(f, params.code, baseline, { today: today() }),
  });

  commands.put(api, '/frameworks/:id/indicators/:code/targets/:period', {
    summary: 'Set or revise the target of a period (PY1, 2020, 2020-Q1); each revision is a new target version',
    scope: W,
    params: TargetParams,
    body: TargetBody,
    response: IndicatorView,
    tags,
    ...onIndicator,
    decide: (f, { params, body }) => setTarget(f, params.code, params.period, body),
  });

  api.get(
    '/frameworks/:id/indicators/:code/targets',
    {
      summary: 'Current targets and every target version ever set',
      scope: R,
      params: IndicatorParams,
      response: TargetsView,
      tags,
    },
    async ({ params, principal }) => {
      const a = await frameworks.read(principal, params.id);
      const indicator = findIndicator(a.state, params.code);
      const history = (await store.frameworks.history(params.id))
        .filter((e) => TARGET_EVENTS.has(e.type) && (e.data as { indicatorCode: string }).indicatorCode === params.code)
        .map((e) => {
          const { frameworkId: _f, indicatorCode: _i, businessDate: _b, ...data } = e.data as Record<string, unknown>;
          return { event: e.type, recordedAt: e.time, actor: e.actor, ...data };
        });
      return { frameworkId: a.id, indicatorCode: params.code, targets: indicator.targets, history };
    },
  );

  commands.post(api, '/frameworks/:id/indicators/:code/values', {
    summary: 'Report a manual value for a period, with a comment and an evidence link',
    scope: W,
    params: IndicatorParams,
    body: ValueBody,
    status: 201,
    response: IndicatorView,
    tags,
    ...onIndicator,
    decide: (f, { params, body: { version: _version, ...value } }) =>
      reportValue(f, params.code, value, { today: today() }),
  });
}
