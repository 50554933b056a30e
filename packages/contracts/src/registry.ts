import { type z } from 'zod';
import { Envelope, type Envelope as EnvelopeT } from './envelope.js';

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
  constructor(readonly code: EventErrorCode, message: string, readonly issues: string[] = []) {
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
  /** Turns data of older versions into this version's shape. */
  upcasters?: Record<string, (old: unknown) => unknown>;
}

/** Declares one event type: its schema, version and where its business date lives. */
export function defineEvent<T extends string, S extends z.ZodType>(def: EventDefinition<T, S>) {
  return def;
}

export type EventOf<D extends EventDefinition> = EnvelopeT<z.infer<D['data']>> & { type: D['type'] };

const issuesOf = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);

/** A set of event definitions, looked up by type. */
export function createRegistry(definitions: readonly EventDefinition[]) {
  const byType = new Map(definitions.map((d) => [d.type, d]));
  if (byType.size !== definitions.length) throw new Error('duplicate event type in registry');

  /** Validates raw bytes (or an object) into a typed event, upcasting old versions; throws EventValidationError. */
  function parse(raw: Uint8Array | string | unknown, subject?: string): EnvelopeT {
    let value: unknown = raw;
    if (raw instanceof Uint8Array || typeof raw === 'string') {
      try {
        value = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
      } catch (e) {
        throw new EventValidationError(EventErrorCode.MalformedJson, `not JSON: ${(e as Error).message}`);
      }
    }
    const envelope = Envelope.safeParse(value);
    if (!envelope.success) {
      throw new EventValidationError(EventErrorCode.InvalidEnvelope, 'invalid envelope', issuesOf(envelope.error));
    }
    const event = envelope.data;
    const def = byType.get(event.type);
    if (!def) throw new EventValidationError(EventErrorCode.UnknownType, `unknown event type ${event.type}`);
    if (subject !== undefined && !subject.endsWith(`.${event.country}.${event.type}`)) {
      throw new EventValidationError(EventErrorCode.SubjectMismatch, `subject ${subject} does not match ${event.country}.${event.type}`);
    }
    let data = event.data;
    if (event.dataversion !== def.version) {
      const up = def.upcasters?.[event.dataversion];
      if (!up) throw new EventValidationError(EventErrorCode.UnknownVersion, `${event.type} has no version ${event.dataversion}`);
      data = up(data);
    }
    const parsed = def.data.safeParse(data);
    if (!parsed.success) {
      throw new EventValidationError(EventErrorCode.InvalidData, `invalid ${event.type} data`, issuesOf(parsed.error));
    }
    return { ...event, dataversion: def.version, data: parsed.data };
  }

  return {
    definitions: [...byType.values()],
    get: (type: string) => byType.get(type),
    parse,
    businessDate: (event: EnvelopeT) => byType.get(event.type)!.businessDate(event.data as never),
  };
}
export type EventRegistry = ReturnType<typeof createRegistry>;
