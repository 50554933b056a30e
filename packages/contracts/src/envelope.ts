import { z } from 'zod';
import { IsoCountry, type Country } from './vocabulary.js';
import { UUID_V7, uuidv7 } from './ids.js';

export const SERVICES = ['trainings', 'assistance', 'partners', 'indicators', 'projection'] as const;
export const ServiceName = z.enum(SERVICES);
export type ServiceName = z.infer<typeof ServiceName>;

const token = z.string().regex(/^[a-z][a-z0-9_]*$/);

/** The CloudEvents 1.0 envelope every Passerelle event travels in (JSON structured mode). */
export const Envelope = z.strictObject({
  specversion: z.literal('1.0'),
  id: z.string().regex(UUID_V7, 'id must be a UUIDv7'),
  source: ServiceName,
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'type is <service>.<aggregate>.<event>'),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().min(1).max(128),
  datacontenttype: z.literal('application/json'),
  dataversion: z.string().regex(/^\d+$/),
  country: IsoCountry,
  actor: z.string().min(1).max(128),
  correlationid: z.string().min(1).max(128),
  causationid: z.string().min(1).max(128).optional(),
  data: z.unknown(),
});
export type Envelope<D = unknown> = Omit<z.infer<typeof Envelope>, 'data'> & { data: D };

export const typeParts = (type: string) => {
  const [service, aggregate, event] = type.split('.') as [string, string, string];
  return { service, aggregate, event };
};

/** NATS subject of an event: `<prefix>.<country>.<service>.<aggregate>.<event>` (prefix is `evt` outside tests). */
export function eventSubject(prefix: string, event: Pick<Envelope, 'country' | 'type'>): string {
  return `${prefix}.${event.country}.${event.type}`;
}

/** Subject filter for one service's events, optionally in one country. */
export function serviceFilter(prefix: string, service: ServiceName, country = '*'): string {
  return `${prefix}.${country}.${service}.>`;
}

export interface NewEvent<D, T extends string = string> {
  type: T;
  subject: string;
  country: Country;
  data: D;
  dataversion?: string;
}

export interface EventContext {
  actor: string;
  correlationid: string;
  causationid?: string;
  now?: Date;
}

/** Wraps business data in a complete envelope with a fresh UUIDv7 id and the record time. */
export function createEnvelope<D, T extends string = string>(
  event: NewEvent<D, T>,
  ctx: EventContext,
): Envelope<D> & { type: T } {
  const now = ctx.now ?? new Date();
  const { service } = typeParts(event.type);
  if (!token.safeParse(service).success) throw new Error(`bad event type ${event.type}`);
  return {
    specversion: '1.0',
    id: uuidv7(now.getTime()),
    source: ServiceName.parse(service),
    type: event.type,
    time: now.toISOString(),
    subject: event.subject,
    datacontenttype: 'application/json',
    dataversion: event.dataversion ?? '1',
    country: event.country,
    actor: ctx.actor,
    correlationid: ctx.correlationid,
    ...(ctx.causationid ? { causationid: ctx.causationid } : {}),
    data: event.data,
  };
}
