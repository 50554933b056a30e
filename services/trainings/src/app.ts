import { randomUUID } from 'node:crypto';
import { DEFAULT_SHEET_LIMITS as DEFAULT_LIMITS, SHEET_TYPES, type SheetLimits } from '@passerelle/sheets';
import { assertCountry, assertKnownPartners, createHttpApp, httpOptionsFrom, expectVersion, paged, type AggregateDoc, type Api, type Principal, type Runtime } from '@passerelle/platform';
import { cancel, markHeld, plan, reschedule, type Training } from './domain.js';
import { figureRoutes } from './figures.js';
import { listFilter } from './list.js';
import { CancelBody, HeldBody, HistoryView, IdParams, ListQuery, PlanTrainingBody, RescheduleBody, TrainingPage, TrainingView } from './schemas.js';
import type { TrainingStore } from './store.js';
import { envelopes, today, view, type Change } from './support.js';
import { ATTENDANCE_TEMPLATE, templateRoute } from './template.js';
import { topicRoutes } from './topics-routes.js';

/** The trainings HTTP API; `limits` bound sheet imports (defaults of packages/sheets unless given). */
export function createApp(rt: Pick<Runtime, 'logger' | 'verify' | 'readiness' | 'config'>, store: TrainingStore, limits: Partial<SheetLimits> = {}) {
  const change: Change = async (req, p, id, version, decide) => {
    const current = await store.trainings.get(id);
    assertCountry(p, current.country);
    expectVersion(current, version, 'training');
    const d = await decide(id, current.state);
    return view(await store.trainings.append(current, version, d.state, envelopes(req, p, d)), d.warnings);
  };

  /** A training the caller may read, or a 404 / 403. */
  async function readable(p: Principal, id: string) {
    const a = await store.trainings.get(id);
    assertCountry(p, a.country);
    return a;
  }

  function trainingRoutes(api: Api) {
    const write = { scope: 'trainings:write', params: IdParams, response: TrainingView, tags: ['trainings'] };
    api.post('/trainings', { summary: 'Plan a training', scope: 'trainings:write', body: PlanTrainingBody, response: TrainingView, status: 201, tags: ['trainings'] }, async ({ body, principal, req, res }) => {
      assertCountry(principal, body.place.country);
      await assertKnownPartners(store.partners, body.partnerIds, body.place.country);
      const id = randomUUID();
      const d = plan(id, body, { today: today(), topics: await store.topics() });
      const a = await store.trainings.create(id, body.place.country, d.state, envelopes(req, principal, d));
      res.location(`/trainings/${id}`);
      return view(a);
    });
    api.get('/trainings', {
      summary: 'List trainings', description: 'Filters combine; the period (from, to) applies to the start date. Only the countries of your token are listed.',
      scope: 'trainings:read', query: ListQuery, response: TrainingPage, excludeErrors: [422], tags: ['trainings'],
    }, async ({ query, principal }) => {
      const filter = listFilter(query, principal);
      const [docs, total] = await Promise.all([
        store.trainings.collection.find(filter, { projection: { events: 0 } }).sort({ 'state.startDate': -1, _id: 1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).toArray(),
        store.trainings.collection.countDocuments(filter),
      ]);
      return paged(docs.map((d: AggregateDoc<Training>) => view({ id: d._id, version: d.version, country: d.country, state: d.state })), total, query);
    });
    api.get('/trainings/:id', { summary: 'One training, with its latest and previous attendance', description: 'The ETag header is the version to send back with a change.', scope: 'trainings:read', params: IdParams, response: TrainingView, tags: ['trainings'] }, async ({ params, principal, res }) => {
      const a = await readable(principal, params.id);
      res.setHeader('ETag', `"${a.version}"`);
      return view(a);
    });
    api.get('/trainings/:id/history', { summary: 'Every event of a training, oldest first', scope: 'trainings:read', params: IdParams, response: HistoryView, tags: ['trainings'] }, async ({ params, principal }) => {
      await readable(principal, params.id);
      return { items: await store.trainings.history(params.id) };
    });
    api.post('/trainings/:id/reschedule', { ...write, summary: 'Give a planned training new dates', body: RescheduleBody }, ({ params, body, principal, req }) =>
      change(req, principal, params.id, body.version, (id, t) => reschedule(id, t, body, { today: today() })));
    api.post('/trainings/:id/cancel', { ...write, summary: 'Cancel a planned training, with a reason', body: CancelBody }, ({ params, body, principal, req }) =>
      change(req, principal, params.id, body.version, (id, t) => cancel(id, t, body)));
    api.post('/trainings/:id/held', { ...write, summary: 'Mark a planned training as held', body: HeldBody }, ({ params, body, principal, req }) =>
      change(req, principal, params.id, body.version, (id, t) => markHeld(id, t, { today: today() })));
  }

  return createHttpApp({
    service: 'trainings',
    about: { title: 'Passerelle trainings', description: 'Capacity building: plan trainings, record attendance and learning results.' },
    ...httpOptionsFrom(rt),
    rawBodyTypes: [SHEET_TYPES.csv, SHEET_TYPES.xlsx],
    routes(api) {
      // Before /trainings/:id routes, though the id's uuid schema would refuse "attendance" anyway.
      templateRoute(api, '/trainings/attendance/template', ATTENDANCE_TEMPLATE, { scope: 'trainings:read', tag: 'attendance', file: 'attendance-template' });
      trainingRoutes(api);
      figureRoutes(api, change, { ...DEFAULT_LIMITS, ...limits });
      topicRoutes(api, store);
    },
  });
}
