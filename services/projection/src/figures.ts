import type { Collection } from 'mongodb';
import { ARRAY_FIELDS, type Fact } from './facts.js';

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

async function one(facts: Collection<Fact>, match: Record<string, unknown>, q: FigureQuery, groupKey: string | null): Promise<FigureRow[]> {
  const key = groupKey ?? null;
  if (q.measure === Measure.Distinct || q.measure === Measure.Unique) {
    // Distinct values: group by (dimension, value) first, then count the groups per dimension value.
    const field = q.measure === Measure.Unique ? 'key' : q.field ?? 'key';
    const rows = await facts.aggregate<{ _id: string | null; n: number }>([
      { $match: { ...match, [field]: { $exists: true } } },
      { $group: { _id: { d: key, k: `$${field}` } } },
      { $group: { _id: '$_id.d', n: { $sum: 1 } } },
    ]).toArray();
    const distinct = rows.map((r) => ({ key: r._id, value: r.n }));
    if (q.measure === Measure.Distinct) return distinct;
    // People without keys (counts) cannot be told apart: they are added as totals, which reports say.
    const counted = await facts.aggregate<{ _id: string | null; n: number }>([{ $match: { ...match, key: { $exists: false } } }, { $group: { _id: key, n: { $sum: '$value' } } }]).toArray();
    for (const c of counted) {
      const row = distinct.find((r) => r.key === c._id);
      if (row) row.value += c.n;
      else distinct.push({ key: c._id, value: c.n });
    }
    return distinct;
  }
  const acc = q.measure === Measure.Count ? { $sum: 1 } : { $sum: `$${q.field ?? 'value'}` };
  const rows = await facts.aggregate<{ _id: string | null; n: number }>([{ $match: match }, { $group: { _id: key, n: acc } }]).toArray();
  return rows.map((r) => ({ key: r._id, value: r.n }));
}

/** A figure, or its breakdown by one dimension, computed from the flat facts of the read model. */
export async function figure(facts: Collection<Fact>, q: FigureQuery): Promise<FigureRow[]> {
  if (!q.by) return (await one(facts, q.match, q, null)).map((r) => ({ ...r, key: null }));
  if (ARRAY_FIELDS.has(q.by)) {
    // Array dimensions (topics, vulnerabilities) are matched value by value: FerretDB sums 0 after $unwind.
    const values = ((await facts.distinct(q.by, q.match)) as string[]).filter((v) => typeof v === 'string');
    const rows = await Promise.all(values.sort().map(async (t) => ({ key: t, value: (await one(facts, { ...q.match, [q.by!]: t }, q, null))[0]?.value ?? 0 })));
    return rows.filter((r) => r.value !== 0);
  }
  const rows = await one(facts, q.match, q, `$${q.by}`);
  return rows.sort((a, b) => String(a.key).localeCompare(String(b.key)));
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
