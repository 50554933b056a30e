import type { Api } from '@passerelle/platform';
import { today, type RouteContext } from './app.js';
import type { Framework } from './framework.js';
import { defineIndicator, findIndicator, retireIndicator, reviseIndicator } from './indicators.js';
import { reportValue, setBaseline, setTarget } from './measures.js';
import { IndicatorView, TargetsView } from './responses.js';
import { BaselineBody, DefineIndicatorBody, FrameworkParams, IndicatorParams, ReviseIndicatorBody, RetireBody, TargetBody, TargetParams, ValueBody } from './schemas.js';

const W = 'indicators:write';
const R = 'indicators:read';
const tags = ['indicators'];

const indicatorView = (a: { id: string; version: number; state: Framework }, code: string) => ({ frameworkId: a.id, version: a.version, ...findIndicator(a.state, code) });

const TARGET_EVENTS = new Set(['indicators.target.set', 'indicators.target.revised']);

/** Indicators of a framework: definitions, baselines, targets with their versions, manual values. */
export function indicatorRoutes(api: Api, { store, read, change }: RouteContext) {
  api.post('/frameworks/:id/indicators', { summary: 'Define an indicator: unit, node, disaggregations, suppression and a rule or manual values', scope: W, params: FrameworkParams, body: DefineIndicatorBody, status: 201, response: IndicatorView, tags }, async ({ params, body, principal, req, res }) => {
    const { version, ...def } = body;
    const a = await change(req, principal, params.id, version, (f) => defineIndicator(f, def, { today: today() }));
    res.location(`/frameworks/${params.id}/indicators/${def.code}`);
    return indicatorView(a, def.code);
  });

  api.get('/frameworks/:id/indicators/:code', { summary: 'One indicator with its baseline, targets and reported values', scope: R, params: IndicatorParams, response: IndicatorView, tags }, async ({ params, principal }) =>
    indicatorView(await read(principal, params.id), params.code));

  api.put('/frameworks/:id/indicators/:code', { summary: 'Revise an indicator (the whole definition; a new revision)', scope: W, params: IndicatorParams, body: ReviseIndicatorBody, response: IndicatorView, tags }, async ({ params, body, principal, req }) => {
    const { version, reason, ...def } = body;
    const a = await change(req, principal, params.id, version, (f) => reviseIndicator(f, { code: params.code, ...def }, reason, { today: today() }));
    return indicatorView(a, params.code);
  });

  api.post('/frameworks/:id/indicators/:code/retire', { summary: 'Retire an indicator', scope: W, params: IndicatorParams, body: RetireBody, response: IndicatorView, tags }, async ({ params, body, principal, req }) =>
    indicatorView(await change(req, principal, params.id, body.version, (f) => retireIndicator(f, params.code, body.reason, { today: today() })), params.code));

  api.put('/frameworks/:id/indicators/:code/baseline', { summary: 'Set or revise the baseline (a revision needs a reason)', scope: W, params: IndicatorParams, body: BaselineBody, response: IndicatorView, tags }, async ({ params, body, principal, req }) => {
    const { version, ...baseline } = body;
    return indicatorView(await change(req, principal, params.id, version, (f) => setBaseline(f, params.code, baseline, { today: today() })), params.code);
  });

  api.put('/frameworks/:id/indicators/:code/targets/:period', { summary: 'Set or revise the target of a period (PY1, 2020, 2020-Q1); each revision is a new target version', scope: W, params: TargetParams, body: TargetBody, response: IndicatorView, tags }, async ({ params, body, principal, req }) =>
    indicatorView(await change(req, principal, params.id, body.version, (f) => setTarget(f, params.code, params.period, body)), params.code));

  api.get('/frameworks/:id/indicators/:code/targets', { summary: 'Current targets and every target version ever set', scope: R, params: IndicatorParams, response: TargetsView, tags }, async ({ params, principal }) => {
    const a = await read(principal, params.id);
    const indicator = findIndicator(a.state, params.code);
    const history = (await store.frameworks.history(params.id))
      .filter((e) => TARGET_EVENTS.has(e.type) && (e.data as { indicatorCode: string }).indicatorCode === params.code)
      .map((e) => {
        const { frameworkId: _f, indicatorCode: _i, businessDate: _b, ...data } = e.data as Record<string, unknown>;
        return { event: e.type, recordedAt: e.time, actor: e.actor, ...data };
      });
    return { frameworkId: a.id, indicatorCode: params.code, targets: indicator.targets, history };
  });

  api.post('/frameworks/:id/indicators/:code/values', { summary: 'Report a manual value for a period, with a comment and an evidence link', scope: W, params: IndicatorParams, body: ValueBody, status: 201, response: IndicatorView, tags }, async ({ params, body, principal, req }) => {
    const { version, ...value } = body;
    return indicatorView(await change(req, principal, params.id, version, (f) => reportValue(f, params.code, value, { today: today() })), params.code);
  });
}
