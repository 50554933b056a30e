import { ARRAY_FIELDS } from '../facts/facts.js';
import { N } from '../apply/cells.js';

/** A fact as figures read it: only some of its fields. Shared between requests: never mutated. */
export type Doc = Record<string, unknown>;

/** How facts become one number: a sum of values, a count of facts, distinct beneficiary keys, or distinct values of a field. */
export const Measure = { Sum: 'sum', Count: 'count', Unique: 'unique', Distinct: 'distinct' } as const;
export type Measure = (typeof Measure)[keyof typeof Measure];

/**
 * A number split by who it counts: `open` comes from records of no protected group, `protected` from records of
 * protected people (trafficking victims, children, or anything a sensitive indicator counts). The disclosure
 * layer publishes the two parts differently; nothing else ever sees a tally.
 */
export interface Tally {
  open: number;
  protected: number;
}

/** A tally of unique people: distinct keyed people and people counted without a list, which together make the total. */
export interface Count extends Tally {
  parts?: { keyed: Tally; counted: Tally };
}

export interface MeasureSpec {
  measure: Measure;
  /** Measure.Sum over another field than `value` (e.g. `tested`); Measure.Distinct counts distinct values of it. */
  field?: string | undefined;
}

export type IsProtected = (d: Doc) => boolean;

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
export const total = (t: Tally) => t.open + t.protected;
const add = (a: Tally, b: Tally): Tally => ({ open: a.open + b.open, protected: a.protected + b.protected });

/** Counts distinct values of `valueOf`, each on the protected side when any of its records is protected. */
function distinct(docs: Doc[], valueOf: (d: Doc) => unknown, isProtected: IsProtected): Tally {
  const seen = new Map<string, boolean>();
  for (const d of docs) {
    const v = valueOf(d);
    if (v === undefined || v === null) continue;
    const k = JSON.stringify(v);
    seen.set(k, (seen.get(k) ?? false) || isProtected(d));
  }
  let open = 0;
  for (const p of seen.values()) if (!p) open++;
  return { open, protected: seen.size - open };
}

/**
 * Pure: the measure of one group of facts, split into open and protected parts. Unique people are the distinct
 * keys plus people counted without keys (who may have been counted before): both parts are kept apart.
 */
export function tallyOf(docs: Doc[], q: MeasureSpec, isProtected: IsProtected): Count {
  const split = (valueOf: (d: Doc) => number, only: (d: Doc) => boolean = () => true): Tally => {
    const t = { open: 0, protected: 0 };
    for (const d of docs) if (only(d)) t[isProtected(d) ? 'protected' : 'open'] += valueOf(d);
    return t;
  };
  switch (q.measure) {
    case Measure.Count:
      // A row of cells stands for several facts (cells.ts); a fact for one.
      return split((d) => (typeof d[N] === 'number' ? d[N] : 1));
    case Measure.Sum:
      return split((d) => num(d[q.field ?? 'value']));
    case Measure.Distinct:
      return distinct(docs, (d) => d[q.field ?? 'key'], isProtected);
    case Measure.Unique: {
      const keyed = distinct(docs, (d) => d.key, isProtected);
      const counted = split(
        (d) => num(d.value),
        (d) => d.key === undefined,
      );
      return { ...add(keyed, counted), parts: { keyed, counted } };
    }
  }
}

export interface TallyRow {
  key: string | null;
  count: Count;
}

/** How records are grouped: by a fact field, or by keys computed from each record (a record counts under each). */
export interface Grouping {
  by?: string | undefined;
  groupOf?: ((d: Doc) => Array<string | null>) | undefined;
}

/** Pure: the keys a record counts under: its field's value, each value of an array field, or the computed keys. */
export function keysOf(d: Doc, g: Grouping): Array<string | null> {
  if (g.groupOf) return g.groupOf(d);
  const v = d[g.by!];
  if (ARRAY_FIELDS.has(g.by!))
    return [...new Set(Array.isArray(v) ? v : [v])].filter((k): k is string => typeof k === 'string');
  return [v === undefined || v === null ? null : String(v)];
}

/** Pure: a tally in total, or by one field (a fact with an array value counts under each of its values) or computed keys. */
export function tallyRows(docs: Doc[], q: MeasureSpec & Grouping, isProtected: IsProtected): TallyRow[] {
  if (!docs.length) return [];
  if (!q.by && !q.groupOf) return [{ key: null, count: tallyOf(docs, q, isProtected) }];
  const groups = new Map<string | null, Doc[]>();
  for (const d of docs) for (const k of new Set(keysOf(d, q))) (groups.get(k) ?? groups.set(k, []).get(k)!).push(d);
  const rows = [...groups].map(([key, ds]) => ({ key, count: tallyOf(ds, q, isProtected) }));
  return (q.by && ARRAY_FIELDS.has(q.by) ? rows.filter((r) => total(r.count) !== 0) : rows).sort((a, b) =>
    String(a.key).localeCompare(String(b.key)),
  );
}

/** An empty tally of the measure's shape: a row listed so that its absence does not tell that nobody is there. */
export const emptyCount = (m: Measure): Count =>
  m === Measure.Unique
    ? { open: 0, protected: 0, parts: { keyed: { open: 0, protected: 0 }, counted: { open: 0, protected: 0 } } }
    : { open: 0, protected: 0 };
