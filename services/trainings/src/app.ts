import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { createEnvelope } from '@passerelle/contracts';
import { assertCountry, createHttpApp, expectVersion, type Aggregate, type Principal, type Runtime } from '@passerelle/platform';
import { markHeld, plan, recordAttendance, type Decision, type Training } from './domain.js';
import { AttendanceBody, HeldBody, IdParams, PlanTrainingBody } from './schemas.js';
import type { TrainingStore } from './store.js';

const today = () => new Date().toISOString().slice(0, 10);

const view = (a: Aggregate<Training>, warnings: string[] = []) => ({ id: a.id, version: a.version, ...a.state, ...(warnings.length ? { warnings } : {}) });

/** The trainings HTTP API. */
export function createApp(rt: Pick<Runtime, 'logger' | 'verify' | 'readiness' | 'config'>, store: TrainingStore) {
  const envelopes = (req: Request, p: Principal, d: Decision) =>
    d.events.map((e) => createEnvelope(e, { actor: p.actor, correlationid: req.requestId }));

  /** Loads a training the caller may edit, applies a decision, and writes state and events together. */
  async function change(req: Request, p: Principal, id: string, version: number, decide: (id: string, t: Training) => Decision) {
    const current = await store.trainings.get(id);
    assertCountry(p, current.country);
    expectVersion(current, version, 'training');
    const d = decide(id, current.state);
    return view(await store.trainings.append(current, version, d.state, envelopes(req, p, d)), d.warnings);
  }

  return createHttpApp({
    service: 'trainings',
    about: { title: 'Passerelle trainings', description: 'Capacity building: plan trainings, record attendance and learning results.' },
    logger: rt.logger,
    verify: rt.verify,
    readiness: rt.readiness,
    bodyLimit: rt.config.BODY_LIMIT,
    rateLimitPerMinute: rt.config.RATE_LIMIT_PER_MINUTE,
    routes(api) {
      api.post('/trainings', { summary: 'Plan a training', scope: 'trainings:write', body: PlanTrainingBody, status: 201 }, async ({ body, principal, req, res }) => {
        assertCountry(principal, body.place.country);
        const id = randomUUID();
        const d = plan(id, body, { today: today(), topics: await store.topics() });
        const a = await store.trainings.create(id, body.place.country, d.state, envelopes(req, principal, d));
        res.location(`/trainings/${id}`);
        return view(a);
      });
      api.get('/trainings/:id', { summary: 'One training', scope: 'trainings:read', params: IdParams }, async ({ params, principal }) => {
        const a = await store.trainings.get(params.id);
        assertCountry(principal, a.country);
        return view(a);
      });
      api.post('/trainings/:id/held', { summary: 'Mark a training as held', scope: 'trainings:write', params: IdParams, body: HeldBody }, ({ params, body, principal, req }) =>
        change(req, principal, params.id, body.version, (id, t) => markHeld(id, t, { today: today() })));
      api.post('/trainings/:id/attendance', { summary: 'Record or correct attendance counts', scope: 'trainings:write', params: IdParams, body: AttendanceBody }, ({ params, body, principal, req }) =>
        change(req, principal, params.id, body.version, (id, t) => recordAttendance(id, t, body.rows)));
    },
  });
}
