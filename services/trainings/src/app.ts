import { randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { createEnvelope } from '@passerelle/contracts';
import { assertCountry, createHttpApp, expectVersion, parseBody, parseParams, principalOf, requireScope, type Aggregate, type Runtime } from '@passerelle/platform';
import { markHeld, plan, recordAttendance, type Decision, type Training } from './domain.js';
import { AttendanceBody, HeldBody, IdParams, PlanTrainingBody } from './schemas.js';
import type { TrainingStore } from './store.js';

const today = () => new Date().toISOString().slice(0, 10);

const view = (a: Aggregate<Training>, warnings: string[] = []) => ({ id: a.id, version: a.version, ...a.state, ...(warnings.length ? { warnings } : {}) });

/** The trainings HTTP API. */
export function createApp(rt: Pick<Runtime, 'logger' | 'verify' | 'readiness' | 'config'>, store: TrainingStore) {
  const envelopes = (req: Request, d: Decision) => {
    const p = principalOf(req);
    return d.events.map((e) => createEnvelope(e, { actor: p.actor, correlationid: req.requestId }));
  };
  const send = (res: Response, status: number, a: Aggregate<Training>, warnings?: string[]) => {
    res.status(status).setHeader('etag', `"${a.version}"`).json(view(a, warnings));
  };

  /** Loads a training the caller may edit, applies a decision, and writes state and events together. */
  async function change(req: Request, res: Response, version: number, decide: (id: string, t: Training) => Decision) {
    const { id } = parseParams(IdParams, req);
    const current = await store.trainings.get(id);
    assertCountry(principalOf(req), current.country);
    expectVersion(current, version, 'training');
    const d = decide(id, current.state);
    send(res, 200, await store.trainings.append(current, version, d.state, envelopes(req, d)), d.warnings);
  }

  return createHttpApp({
    service: 'trainings',
    logger: rt.logger,
    verify: rt.verify,
    readiness: rt.readiness,
    bodyLimit: rt.config.BODY_LIMIT,
    rateLimitPerMinute: rt.config.RATE_LIMIT_PER_MINUTE,
    routes(r: Router) {
      r.post('/trainings', requireScope('trainings:write'), async (req, res) => {
        const body = parseBody(PlanTrainingBody, req);
        assertCountry(principalOf(req), body.place.country);
        const id = randomUUID();
        const d = plan(id, body, { today: today(), topics: await store.topics() });
        const a = await store.trainings.create(id, body.place.country, d.state, envelopes(req, d));
        res.location(`/trainings/${id}`);
        send(res, 201, a);
      });
      r.get('/trainings/:id', requireScope('trainings:read'), async (req, res) => {
        const { id } = parseParams(IdParams, req);
        const a = await store.trainings.get(id);
        assertCountry(principalOf(req), a.country);
        send(res, 200, a);
      });
      r.post('/trainings/:id/held', requireScope('trainings:write'), async (req, res) => {
        const { version } = parseBody(HeldBody, req);
        await change(req, res, version, (id, t) => markHeld(id, t, { today: today() }));
      });
      r.post('/trainings/:id/attendance', requireScope('trainings:write'), async (req, res) => {
        const { version, rows } = parseBody(AttendanceBody, req);
        await change(req, res, version, (id, t) => recordAttendance(id, t, rows));
      });
    },
  });
}
