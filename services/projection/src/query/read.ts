import type { Collection } from 'mongodb';
import { DIMENSION_FIELD, type Fact } from '../facts.js';
import { modelVersion } from '../read-model.js';
import { createFactCache, type FactCache } from './fact-cache.js';
import type { Doc } from './tally.js';

/** Fields every figure reads beside its own: what says whether a record counts a protected person (see protection.ts). */
export const PROTECTION_FIELDS = ['kind', 'country', 'key', 'vulnerability', 'age_group', ...new Set(Object.values(DIMENSION_FIELD))];

let cache: FactCache = createFactCache(0);
/** Keeps facts read for figures until the model changes (the service turns it on with REPORT_CACHE_FACTS). */
export function useFactCache(c: FactCache): FactCache {
  cache = c;
  return c;
}

/**
 * Reads the facts of a condition once, only the fields figures over them need. FerretDB reads the whole collection
 * for every query and cannot $unwind before $sum, so reports read once and group in the process.
 */
export async function readFacts(facts: Collection<Fact>, match: Record<string, unknown>, fields: Array<string | undefined>): Promise<Doc[]> {
  const wanted = [...new Set(['value', ...PROTECTION_FIELDS, ...fields.filter((f): f is string => !!f)])];
  const load = async () => await facts.find(match, { projection: Object.fromEntries([['_id', 0], ...wanted.map((f) => [f, 1])]) }).toArray() as Doc[];
  return cache.read(facts, () => modelVersion(facts), match, wanted, load);
}

/** Whole facts of a condition through the same cache: the small kinds reports look up (frameworks, indicators, targets). */
export async function readWholeFacts(facts: Collection<Fact>, match: Record<string, unknown>): Promise<Fact[]> {
  const load = async () => await facts.find(match).toArray() as Doc[];
  return await cache.read(facts, () => modelVersion(facts), match, ['*'], load) as Fact[];
}
