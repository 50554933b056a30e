import { randomUUID } from 'node:crypto';
import { DEFAULT_SHEET_LIMITS as DEFAULT_LIMITS, SHEET_TYPES, type SheetLimits } from '@passerelle/sheets';
import {
  assertCountry,
  assertKnownPartners,
  createCommandPipeline,
  createCommands,
  createHttpApp,
  httpOptionsFrom,
  type Api,
  type Runtime,
} from '@passerelle/platform';
import { today } from './context.js';
import { cancel, markHeld, plan, reschedule } from './domain.js';
import { listFilter } from './list.js';
import { assessmentRoutes } from './routes-assessment.js';
import { attendanceRoutes } from './routes-attendance.js';
import { topicRoutes } from './routes-topics.js';
import {
  CancelBody,
  HeldBody,
  HistoryView,
  IdParams,
  ListQuery,
  PlanTrainingBody,
  RescheduleBody,
  TrainingPage,
  TrainingView,
} from './schemas.js';
import type { TrainingStore } from './store.js';
import { ATTENDANCE_TEMPLATE, templateRoute } from './template.js';
import { view } from './views.js';

/** The trainings HTTP API; `limits` bound sheet imports (defaults of packages/sheets unless given). */
export function createApp(
  rt: Pick<Runtime, 'logger' | 'verify' | 'readiness' | 'config'>,
  store: TrainingStore,
  limits: Partial<SheetLimits> = {},
) {
  const trainings = createCommandPipeline(store.trainings, 'training');
  const commands = createCommands(trainings, view);

  function trainingRoutes(api: Api) {
    const write = { scope: 'trainings:write', params: IdParams, response: TrainingView, tags: ['trainings'] };
    api.post(
      '/trainings',
      {
        summary: 'Plan a training',
        scope: 'trainings:write',
        body: PlanTrainingBody,
        response: TrainingView,
        status: 201,
        tags: ['trainings'],
      },
      async ({ body, principal, req, res }) => {
        assertCountry(principal, body.place.country);
        await assertKnownPartners(store.partners, body.partnerIds, body.place.country);
        const id = randomUUID();
        const topics = await store.topics();
        const { aggregate } = await trainings.create({ req, principal }, id, body.place.country, () =>
          plan(id, body, { today: today(), topics }),
        );
        res.location(`/trainings/${id}`);
        return view(aggregate);
      },
    );
    api.get(
      '/trainings',
      {
        summary: 'List trainings',
        description:
          'Filters combine; the period (from, to) applies to the start date. Only the countries of your token are listed.',
        scope: 'trainings:read',
        query: ListQuery,
        response: TrainingPage,
        excludeErrors: [422],
        tags: ['trainings'],
      },
      async ({ query, principal }) =>
        store.trainings.page(listFilter(query, principal), query, { sort: { 'state.startDate': -1, _id: 1 } }, (a) =>
          view(a),
        ),
    );
    api.get(
      '/trainings/:id',
      {
        summary: 'One training, with its latest and previous attendance',
        description: 'The ETag header is the version to send back with a change.',
        scope: 'trainings:read',
        params: IdParams,
        response: TrainingView,
        tags: ['trainings'],
      },
      async ({ params, principal, res }) => {
        const a = await trainings.read(principal, params.id);
        res.setHeader('ETag', `"${a.version}"`);
        return view(a);
      },
    );
    api.get(
      '/trainings/:id/history',
      {
        summary: 'Every event of a training, oldest first',
        scope: 'trainings:read',
        params: IdParams,
        response: HistoryView,
        tags: ['trainings'],
      },
      async ({ params, principal }) => {
        await trainings.read(principal, params.id);
        return { items: await store.trainings.history(params.id) };
      },
    );
    commands.post(api, '/trainings/:id/reschedule', {
      ...write,
      summary: 'Give a planned training new dates',
      body: RescheduleBody,
      decide: (t, { params, body }) => reschedule(params.id, t, body, { today: today() }),
    });
    commands.post(api, '/trainings/:id/cancel', {
      ...write,
      summary: 'Cancel a planned training, with a reason',
      body: CancelBody,
      decide: (t, { params, body }) => cancel(params.id, t, body),
    });
    commands.post(api, '/trainings/:id/held', {
      ...write,
      summary: 'Mark a planned training as held',
      body: HeldBody,
      decide: (t, { params }) => markHeld(params.id, t, { today: today() }),
    });
  }

  return createHttpApp({
    service: 'trainings',
    about: {
      title: 'Passerelle trainings',
      description: 'Capacity building: plan trainings, record attendance and learning results.',
    },
    ...httpOptionsFrom(rt),
    rawBodyTypes: [SHEET_TYPES.csv, SHEET_TYPES.xlsx],
    routes(api) {
      // Before /trainings/:id routes, though the id's uuid schema would refuse "attendance" anyway.
      templateRoute(api, '/trainings/attendance/template', ATTENDANCE_TEMPLATE, {
        scope: 'trainings:read',
        tag: 'attendance',
        file: 'attendance-template',
      });
      trainingRoutes(api);
      attendanceRoutes(api, commands, { ...DEFAULT_LIMITS, ...limits });
      assessmentRoutes(api, commands);
      topicRoutes(api, store);
    },
  });
}
