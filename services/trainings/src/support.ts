import type { Request } from 'express';
import { createEnvelope } from '@passerelle/contracts';
import type { Aggregate, Principal } from '@passerelle/platform';
import { improvedPercent } from './attendance.js';
import type { Decision, Training } from './domain.js';

/** Today as YYYY-MM-DD (UTC): the reference for "not yet started" and "too far ahead". */
export const today = () => new Date().toISOString().slice(0, 10);

/** A training as the API shows it; the assessment gains its "% with increased knowledge". */
export const view = (a: Aggregate<Training>, warnings: string[] = []) => ({
  id: a.id, version: a.version, country: a.country, ...a.state,
  ...(a.state.assessment ? { assessment: { ...a.state.assessment, improvedPercent: improvedPercent(a.state.assessment) } } : {}),
  ...(warnings.length ? { warnings } : {}),
});

/** Wraps a decision's events in envelopes carrying the actor and the request id. */
export const envelopes = <S>(req: Request, p: Principal, d: Decision<S>) =>
  d.events.map((e) => createEnvelope(e, { actor: p.actor, correlationid: req.requestId }));

/** Loads a training the caller may edit, checks the version, applies a decision, and writes state and events together. */
export type Change = (req: Request, p: Principal, id: string, version: number, decide: (id: string, t: Training) => Decision | Promise<Decision>) => Promise<ReturnType<typeof view>>;
