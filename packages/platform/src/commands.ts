import type { Request } from 'express';
import type { z } from 'zod';
import { createEnvelope, type BuiltEvent, type Envelope } from '@passerelle/contracts';
import type { Aggregate, AggregateStore } from './aggregate-store.js';
import { expectVersion } from './aggregate-store.js';
import type { Api, RouteInput, RouteSpec } from './api.js';
import { assertCountry, type Principal } from './auth.js';
import { AppError, ValidationError } from './errors.js';

/**
 * What a pure decider returns: the next state and the events that record it (only typed builders make events, so
 * a field that drifts from the contract is a compile error), and warnings shown to the caller but not stored.
 */
export interface Decision<S> {
  state: S;
  events: BuiltEvent[];
  warnings?: string[];
}

/** A decider may refuse by returning the error (a RuleViolation, say) instead of throwing it; the kit throws it. */
export type DecisionOrError<S> = Decision<S> | AppError;

/** Who asks and under which request: the actor and correlation id every event carries. */
export interface CommandCaller {
  req: Pick<Request, 'requestId'>;
  principal: Principal;
}

/** Wraps a decision's events in envelopes carrying the caller as actor and the request id as correlation id. */
export const envelopesOf = (caller: CommandCaller, events: readonly BuiltEvent[]): Envelope[] =>
  events.map((e) => createEnvelope(e, { actor: caller.principal.actor, correlationid: caller.req.requestId }));

const decided = <S>(d: DecisionOrError<S>): Decision<S> => {
  if (d instanceof AppError) throw d;
  return d;
};

/** The result of a command: the stored aggregate and the decision that made it. */
export interface Outcome<S> {
  aggregate: Aggregate<S>;
  decision: Decision<S>;
}

/**
 * The write side of one aggregate type: load → check country → expect version → decide → append, in that order,
 * so a stale or foreign edit is a 403/409 whatever it contains and no rule sees a state the caller did not read.
 */
export function createCommandPipeline<S>(store: AggregateStore<S>, what: string) {
  const pipeline = {
    /** An aggregate the caller may read: 404 unless it exists, 403 unless it is in the caller's countries. */
    async read(p: Principal, id: string): Promise<Aggregate<S>> {
      const a = await store.get(id);
      assertCountry(p, a.country);
      return a;
    },
    /** An aggregate the caller may change at the version they last read (409 if it moved on); no version, no check. */
    async editable(p: Principal, id: string, version?: number): Promise<Aggregate<S>> {
      const a = await pipeline.read(p, id);
      if (version !== undefined) expectVersion(a, version, what);
      return a;
    },
    /** Applies a decision to an existing aggregate and writes state and events together (a 409 if someone wrote meanwhile). */
    async change(
      caller: CommandCaller,
      id: string,
      version: number,
      decide: (state: S, current: Aggregate<S>) => DecisionOrError<S> | Promise<DecisionOrError<S>>,
    ): Promise<Outcome<S>> {
      const current = await pipeline.editable(caller.principal, id, version);
      const decision = decided(await decide(current.state, current));
      const aggregate = await store.append(current, version, decision.state, envelopesOf(caller, decision.events));
      return { aggregate, decision };
    },
    /** Starts a new aggregate in a country the caller may write: a 409 if the id exists. */
    async create(
      caller: CommandCaller,
      id: string,
      country: string,
      decide: () => DecisionOrError<S> | Promise<DecisionOrError<S>>,
    ): Promise<Outcome<S>> {
      assertCountry(caller.principal, country);
      const decision = decided(await decide());
      const aggregate = await store.create(id, country, decision.state, envelopesOf(caller, decision.events));
      return { aggregate, decision };
    },
  };
  return pipeline;
}
export type CommandPipeline<S> = ReturnType<typeof createCommandPipeline<S>>;

type Schema = z.ZodType | undefined;
type Infer<X> = X extends z.ZodType ? z.infer<X> : undefined;
type Input<B extends Schema, Q extends Schema, P extends Schema> = RouteInput<Infer<B>, Infer<Q>, Infer<P>>;

/** One command on an existing aggregate: its route (schemas, scope, docs), how to find the version, and its decider. */
export interface CommandSpec<S, B extends Schema, Q extends Schema, P extends Schema> extends RouteSpec<B, Q, P> {
  /** The aggregate addressed; `params.id` unless said. */
  id?: (input: Input<B, Q, P>) => string;
  /** The version the caller last read; `body.version` unless said (e.g. `?version=` or If-Match). */
  version?: (input: Input<B, Q, P>) => number;
  /** Calls the pure decider with the current state and the command taken from the input. */
  decide: (state: S, input: Input<B, Q, P>, current: Aggregate<S>) => DecisionOrError<S> | Promise<DecisionOrError<S>>;
  /** The answer; the service's view of the aggregate unless said (e.g. to set Location or add an id). */
  respond?: (outcome: Outcome<S>, input: Input<B, Q, P>) => unknown;
}

const paramId = (input: { params: unknown }) => (input.params as { id: string }).id;
const bodyVersion = (input: { body: unknown }) => (input.body as { version: number }).version;

/**
 * Declares a service's commands on its API: each route validates its input, then runs the pipeline and answers
 * with `view` (the aggregate as clients see it, with the decision's warnings) unless the command says otherwise.
 */
export function createCommands<S>(
  pipeline: CommandPipeline<S>,
  view: (a: Aggregate<S>, warnings: string[] | undefined, caller: Principal) => unknown,
) {
  const declare =
    (method: 'post' | 'put' | 'patch' | 'delete') =>
    <B extends Schema = undefined, Q extends Schema = undefined, P extends Schema = undefined>(
      api: Api,
      path: string,
      spec: CommandSpec<S, B, Q, P>,
    ) => {
      const { id = paramId, version = bodyVersion, decide, respond, ...route } = spec;
      api[method](path, route as RouteSpec<B, Q, P>, async (input) => {
        const typed = input as Input<B, Q, P>;
        const outcome = await pipeline.change(typed, id(typed), version(typed), (state, current) =>
          decide(state, typed, current),
        );
        return respond ? respond(outcome, typed) : view(outcome.aggregate, outcome.decision.warnings, typed.principal);
      });
    };
  return { pipeline, post: declare('post'), put: declare('put'), patch: declare('patch'), delete: declare('delete') };
}

/**
 * The version a client edits, sent as `?version=N` or `If-Match: "N"` (weak or bare accepted), for bodies that
 * cannot carry it (sheets); both must agree when both are sent, and one is required.
 */
export function versionFrom(query: number | undefined, ifMatch: string | undefined): number {
  const m = ifMatch === undefined ? undefined : /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (ifMatch !== undefined && !m)
    throw new ValidationError('If-Match must be the version, e.g. "3"', [
      { path: 'headers.if-match', message: 'not a version' },
    ]);
  const header = m ? Number(m[1]) : undefined;
  if (query !== undefined && header !== undefined && query !== header) {
    throw new ValidationError(`?version=${query} and If-Match ${header} disagree`, [
      { path: 'query.version', message: 'differs from If-Match' },
    ]);
  }
  const version = query ?? header;
  if (version === undefined)
    throw new ValidationError(
      'send the version you last read as ?version=N or an If-Match header',
      [{ path: 'query.version', message: 'required' }],
      'VERSION_REQUIRED',
    );
  return version;
}
export type Commands<S> = ReturnType<typeof createCommands<S>>;
