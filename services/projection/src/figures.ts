import type { Collection } from 'mongodb';
import { createFactCache, type Doc, type FactCache } from './fact-cache.js';
import { ARRAY_FIELDS, type Fact } from './facts.js';
import { modelVersion } from './read-model.js';

export type { Doc } from './fact-cache.js';

/** How facts become one number: a sum of values, a count of facts, or a count of distinct beneficiary keys. */
export const Measure = { Sum: 'sum', Count: 'count', Unique: 'unique', Distinct: 'distinct' } as const;
export type Measure = (typeof Measure)[keyof typeof Measure];

export interface FigureQuery {
  match: Record<string, unknown>;
  measure: Measure;
  /** A fact field to break the figure down by; array fields are matched value by value, never unwound. */
  by?: string | undefined;
  /** Measure.Sum over another field than `value` (e.g. `tested`); Measure.Distinct counts distinct values of it. */
  field?: string;
}

export interface FigureRow {
  key: string | null;
  value: number;
}

/** The figure of one group of facts. Unique: distinct keys, plus people without keys added as totals (said by reports). */
function measureOf(docs: Doc[], q: Omit<FigureQuery, 'match'>): number {
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  switch (q.measure) {
    case Measure.Count: return docs.length;
    case Measure.Sum: return docs.reduce((n, d) => n + num(d[q.field ?? 'value']), 0);
    case Measure.Distinct: {
      const field = q.field ?? 'key';
      return new Set(docs.filter((d) => d[field] !== undefined).map((d) => JSON.stringify(d[field]))).size;
    }
    case Measure.Unique:
      return new Set(docs.filter((d) => d.key !== undefined).map((d) => JSON.stringify(d.key))).size
        + docs.filter((d) => d.key === undefined).reduce((n, d) => n + num(d.value), 0);
  }
}

/**
 * Reads the facts of a condition once, only the fields figures over them need. FerretDB reads the whole collection
 * for every query and cannot $unwind before $sum, so reports read once and group in the process (`figureOf`).
 */
export async function readFacts(facts: Collection<Fact>, match: Record<string, unknown>, fields: Array<string | undefined>): Promise<Doc[]> {
  const wanted = ['value', 'key', ...fields.filter((f): f is string => !!f)];
  const load = async () => await facts.find(match, { projection: Object.fromEntries([['_id', 0], ...wanted.map((f) => [f, 1])]) }).toArray() as Doc[];
  return cache.read(facts, () => modelVersion(facts), match, wanted, load);
}

/** Whole facts of a condition through the same cache: the small kinds reports look up (frameworks, indicators, targets). */
export async function readWholeFacts(facts: Collection<Fact>, match: Record<string, unknown>): Promise<Fact[]> {
  const load = async () => await facts.find(match).toArray() as Doc[];
  return await cache.read(facts, () => modelVersion(facts), match, ['*'], load) as Fact[];
}

let cache: FactCache = createFactCache(0);
/** Keeps facts read for figures until the model changes (the service turns it on with REPORT_CACHE_FACTS). */
export function useFactCache(c: FactCache): FactCache {
  cache = c;
  return c;
}

/** Pure: a figure over facts already read, or its breakdown by one field (a fact with an array counts under each value). */
export function figureOf(docs: Doc[], q: Omit<FigureQuery, 'match'>): FigureRow[] {
  if (!docs.length) return [];
  if (!q.by) return [{ key: null, value: measureOf(docs, q) }];
  const by = q.by;
  const groups = new Map<string | null, Doc[]>();
  const add = (k: string | null, d: Doc) => (groups.get(k) ?? groups.set(k, []).get(k)!).push(d);
  for (const d of docs) {
    const v = d[by];
    if (ARRAY_FIELDS.has(by)) for (const k of new Set(Array.isArray(v) ? v : [v])) { if (typeof k === 'string') add(k, d); }
    else add(v === undefined || v === null ? null : String(v), d);
  }
  const rows = [...groups].map(([key, ds]) => ({ key, value: measureOf(ds, q) }));
  return (ARRAY_FIELDS.has(by) ? rows.filter((r) => r.value !== 0) : rows).sort((a, b) => String(a.key).localeCompare(String(b.key)));
}

/** A figure, or its breakdown by one dimension, computed from the flat facts of the read model. */
export async function figure(facts: Collection<Fact>, q: FigureQuery): Promise<FigureRow[]> {
  return figureOf(await readFacts(facts, q.match, [q.field, q.by]), q);
}

/** The facts behind a figure (one cell): which events made it, paginated, oldest business date first. */
export async function explain(facts: Collection<Fact>, match: Record<string, unknown>, page: { page: number; pageSize: number }) {
  const [items, total] = await Promise.all([
    facts.find(match, { projection: { _id: 0, eventId: 1, eventType: 1, businessDate: 1, recordedAt: 1, source: 1, value: 1, key: 1, seq: 1 } })
      .sort({ businessDate: 1, _id: 1 }).skip((page.page - 1) * page.pageSize).limit(page.pageSize).toArray(),
    facts.countDocuments(match),
  ]);
  return { items, total };
}
