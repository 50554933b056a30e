import { SubscribeOptionsError } from './errors.js';

/** Which events a subscription wants; every part is optional (all countries, all services, every type). */
export interface EventFilter {
  /** ISO 3166-1 alpha-2 code, e.g. `MA`. */
  country?: string;
  /** The producing service, e.g. `trainings`. */
  service?: string;
  /** Event types, e.g. `trainings.training.held`; handlers' types when left out. */
  types?: readonly string[];
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * The one subject filter of the durable consumer. NATS 2.9 takes a single `filter_subject` (no `filter_subjects`),
 * so several types are filtered by their common service on the server and by type in the SDK.
 */
export function filterSubject(prefix: string, filter: EventFilter): string {
  const country = filter.country ?? '*';
  if (country !== '*' && !TOKEN.test(country)) throw new SubscribeOptionsError(`bad country ${country}`);
  const types = filter.types ?? [];
  const services = new Set(types.map((t) => t.split('.')[0]));
  if (filter.service && [...services].some((s) => s !== filter.service)) {
    throw new SubscribeOptionsError(`types ${types.join(', ')} are not all of the service ${filter.service}`);
  }
  if (types.length === 1) return `${prefix}.${country}.${types[0]}`;
  const service = filter.service ?? (services.size === 1 ? [...services][0] : undefined);
  return service ? `${prefix}.${country}.${service}.>` : `${prefix}.${country}.>`;
}

/** Whether an event type passes the filter's type list (every type when it has none). */
export const wantsType = (filter: EventFilter, type: string) => !filter.types?.length || filter.types.includes(type);
