import { type z } from 'zod';
import { Envelope, type Envelope as EnvelopeT, type NewEvent } from './envelope.js';
import type { Country } from './vocabulary.js';

/** Why a message could not become a typed event; stable codes for dead letters and logs. */
export const EventErrorCode = {
  MalformedJson: 'MALFORMED_JSON',
  InvalidEnvelope: 'INVALID_ENVELOPE',
  UnknownType: 'UNKNOWN_TYPE',
  UnknownVersion: 'UNKNOWN_VERSION',
  InvalidData: 'INVALID_DATA',
  SubjectMismatch: 'SUBJECT_MISMATCH',
} as const;
export type EventErrorCode = (typeof EventErrorCode)[keyof typeof EventErrorCode];

export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  constructor(
    readonly code: EventErrorCode,
    message: string,
    readonly issues: string[] = [],
  ) {
    super(issues.length ? `${message}: ${issues.join('; ')}` : message);
  }
}

export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  type: T;
  version: string;
  description: string;
  data: S;
  /** Business date of the event (what reports attribute it to), read from its data. */
  businessDate: (data: z.infer<S>) => string;
  /** Turns data of older versions (keyed by their dataversion) into this version's shape. */
  upcasters?: Record<string, (old: unknown) => unknown>;
}

/** Marks events made by a typed builder, so a producer's decisions cannot carry hand-made ones. */
export const BUILT_EVENT: unique symbol = Symbol('passerelle.built-event');

/** An event a producer made with its type's builder: data checked strictly against the current schema. */
export type BuiltEvent<T extends string = string, D = unknown> = NewEvent<D, T> & { readonly [BUILT_EVENT]: true };

/** What a producer gives a builder: the aggregate id, the country and the data in the schema's input shape. */
export interface EventDraft<I> {
  subject: string;
  country: Country;
  data: I;
}

/** The data as given, with every top-level field the schema does not have typed `never`: an extra field is a compile error, even from a spread. */
export type NoExtraFields<I, Shape> = I & { [K in Exclude<keyof I, keyof Shape>]: never };

/** A declared event type with its typed builder. */
export type DefinedEvent<T extends string, S extends z.ZodType> = EventDefinition<T, S> & {
  /** Builds an event of this type; producers are strict: data outside the schema (even an extra field) throws INVALID_DATA. */
  build: <I extends z.input<S>>(draft: EventDraft<NoExtraFields<I, z.input<S>>>) => BuiltEvent<T, z.output<S>>;
};

const issuesOf = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);

/** Declares one event type: its schema, version, where its business date lives, and its typed builder. */
export function defineEvent<T extends string, S extends z.ZodType>(def: EventDefinition<T, S>): DefinedEvent<T, S> {
  return {
    ...def,
    build(draft) {
      const parsed = def.data.safeParse(draft.data);
      if (!parsed.success)
        throw new EventValidationError(EventErrorCode.InvalidData, `invalid ${def.type} data`, issuesOf(parsed.error));
      return {
        type: def.type,
        subject: draft.subject,
        country: draft.country,
        dataversion: def.version,
        data: parsed.data,
        [BUILT_EVENT]: true,
      };
    },
  };
}

/** The typed event (envelope and data) of a definition; a union when given a union of definitions. */
export type EventOf<D extends EventDefinition> = D extends unknown
  ? EnvelopeT<z.output<D['data']>> & { type: D['type'] }
  : never;

/** How a consumer reads data: `tolerant` (the default) drops fields it does not know; `strict` refuses them. */
export interface ParseOptions {
  strict?: boolean;
}

/**
 * Drops the keys zod reported as unrecognized, at their paths, from a copy of the value: consumers tolerate fields
 * added within a dataversion (the schemas stay strict for producers).
 */
function withoutUnknownKeys(value: unknown, issues: readonly z.core.$ZodIssue[]): unknown {
  const copy: unknown = structuredClone(value);
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    let target: unknown = copy;
    for (const step of issue.path)
      target = target && typeof target === 'object' ? (target as Record<PropertyKey, unknown>)[step] : undefined;
    if (target && typeof target === 'object')
      for (const key of issue.keys) delete (target as Record<string, unknown>)[key];
  }
  return copy;
}

/** Parses with a strict schema, tolerating unknown keys when asked: at most a few passes (nested objects). */
function parseData(schema: z.ZodType, data: unknown, strict: boolean) {
  let value = data;
  for (let pass = 0; ; pass++) {
    const result = schema.safeParse(value);
    if (result.success || strict || pass >= 4 || !result.error.issues.some((i) => i.code === 'unrecognized_keys'))
      return result;
    value = withoutUnknownKeys(value, result.error.issues);
  }
}

// CloudEvents extensions a newer producer adds are tolerated, and dropped.
const TolerantEnvelope = Envelope.strip();

/** A set of event definitions, looked up by type; parse returns the union of their typed events. */
export function createRegistry<const D extends readonly EventDefinition[]>(definitions: D) {
  type Event = EventOf<D[number]>;
  const byType = new Map<string, EventDefinition>(definitions.map((d) => [d.type, d]));
  if (byType.size !== definitions.length) throw new Error('duplicate event type in registry');

  /** Validates raw bytes (or an object) into a typed event, upcasting old versions; throws EventValidationError. */
  function parse(raw: Uint8Array | string | unknown, subject?: string, opts: ParseOptions = {}): Event {
    let value: unknown = raw;
    if (raw instanceof Uint8Array || typeof raw === 'string') {
      try {
        value = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
      } catch (e) {
        throw new EventValidationError(EventErrorCode.MalformedJson, `not JSON: ${(e as Error).message}`);
      }
    }
    const envelope = (opts.strict ? Envelope : TolerantEnvelope).safeParse(value);
    if (!envelope.success) {
      throw new EventValidationError(EventErrorCode.InvalidEnvelope, 'invalid envelope', issuesOf(envelope.error));
    }
    const event = envelope.data;
    const def = byType.get(event.type);
    if (!def) throw new EventValidationError(EventErrorCode.UnknownType, `unknown event type ${event.type}`);
    if (subject !== undefined && !subject.endsWith(`.${event.country}.${event.type}`)) {
      throw new EventValidationError(
        EventErrorCode.SubjectMismatch,
        `subject ${subject} does not match ${event.country}.${event.type}`,
      );
    }
    let data = event.data;
    if (event.dataversion !== def.version) {
      const up = def.upcasters?.[event.dataversion];
      if (!up)
        throw new EventValidationError(
          EventErrorCode.UnknownVersion,
          `${event.type} has no version ${event.dataversion}`,
        );
      data = up(data);
    }
    const parsed = parseData(def.data, data, opts.strict ?? false);
    if (!parsed.success) {
      throw new EventValidationError(EventErrorCode.InvalidData, `invalid ${event.type} data`, issuesOf(parsed.error));
    }
    // The schema of this very type validated the data: the event is the union member of its type.
    return { ...event, dataversion: def.version, data: parsed.data } as Event;
  }

  return {
    definitions: [...byType.values()],
    get: (type: string) => byType.get(type),
    parse,
    /** Business date of a typed event, from its data. */
    businessDate: (event: EnvelopeT) => byType.get(event.type)!.businessDate(event.data as never),
  };
}
export type EventRegistry = ReturnType<typeof createRegistry>;
