import type { Request } from 'express';
import { createEnvelope } from '@passerelle/contracts';
import type { Principal } from '@passerelle/platform';
import type { Decision, Training } from './domain.js';
import type { view } from './views.js';

// What app.ts and the route files share to apply a decision to a training (the views are in views.ts).

/** Today as YYYY-MM-DD (UTC): the reference for "not yet started" and "too far ahead". */
export const today = () => new Date().toISOString().slice(0, 10);

/** Wraps a decision's events in envelopes carrying the actor and the request id. */
export const envelopes = <S>(req: Request, p: Principal, d: Decision<S>) =>
  d.events.map((e) => createEnvelope(e, { actor: p.actor, correlationid: req.requestId }));

/** Loads a training the caller may edit, checks the version, applies a decision, and writes state and events together. */
export type Change = (req: Request, p: Principal, id: string, version: number, decide: (id: string, t: Training) => Decision | Promise<Decision>) => Promise<ReturnType<typeof view>>;
