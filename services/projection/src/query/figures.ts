import type { FactsView } from './read.js';
import { publishRows, type Cell, type Policy } from './disclosure.js';
import {
  asksAboutProtectedGroup,
  CLOSED_VALUES,
  namesProtectedGroup,
  protectionOf,
  withoutGroupFilters,
  PROTECTED_FLAGS,
  CHILD_AGE_GROUPS,
} from './protection.js';
import { readFacts } from './read.js';
import { emptyCount, tallyRows, type Doc, type Grouping, type MeasureSpec, type TallyRow } from './tally.js';

export { Measure } from './tally.js';

export interface FigureQuery extends MeasureSpec, Grouping {
  match: Record<string, unknown>;
  /** Fields `groupOf` reads. */
  fields?: string[];
  /** The question is about a protected group even though its filters do not say so (a sensitive indicator). */
  sensitive?: boolean;
}

/** A figure as reports get it: published cells (one without a breakdown) and how many of them are hidden. */
export interface Figure {
  cells: Cell[];
  hidden: number;
}

/** Breakdown values naming protected groups: always listed, so that an absent row does not say "nobody". */
const PROTECTED_ROWS: Record<string, ReadonlySet<string>> = {
  vulnerability: PROTECTED_FLAGS,
  age_group: CHILD_AGE_GROUPS,
};

/**
 * The rows a breakdown shows outside the internal scope: the rows found, and the rows that must be there whatever
 * the data, so that which rows are listed cannot tell where protected people are. A question about a protected group
 * lists every key of the population it was asked of (the same question without its group filters), every value of a
 * closed list, and a total even when nothing matched.
 */
async function listedRows(facts: FactsView, q: FigureQuery, rows: TallyRow[], asked: boolean): Promise<TallyRow[]> {
  const keys = new Set<string | null>();
  if (!q.by && !q.groupOf) {
    if (asked && !rows.length) return [{ key: null, count: emptyCount(q.measure) }];
    return rows;
  }
  if (q.by) for (const k of PROTECTED_ROWS[q.by] ?? []) keys.add(k);
  if (asked) {
    if (q.by) for (const k of CLOSED_VALUES[q.by] ?? []) keys.add(k);
    const population = await readFacts(facts, withoutGroupFilters(q.match), [q.by, ...(q.fields ?? [])]);
    for (const r of tallyRows(population, { measure: q.measure, by: q.by, groupOf: q.groupOf }, () => false))
      keys.add(r.key);
  }
  const found = new Set(rows.map((r) => r.key));
  const added = [...keys].filter((k) => !found.has(k)).map((key) => ({ key, count: emptyCount(q.measure) }));
  return added.length ? [...rows, ...added].sort((a, b) => String(a.key).localeCompare(String(b.key))) : rows;
}

/** A figure, or its breakdown, from the flat facts of the read model, published by the disclosure layer. */
export async function figure(facts: FactsView, q: FigureQuery, policy: Policy): Promise<Figure> {
  const docs = await readFacts(facts, q.match, [q.field, q.by, ...(q.fields ?? [])]);
  const isProtected = await protectionOf(facts, q.match);
  const asked = !!q.sensitive || asksAboutProtectedGroup(q.match);
  let rows = tallyRows(docs, q, isProtected);
  if (!policy.internal) rows = await listedRows(facts, q, rows, asked);
  return publishRows(rows, policy, (key) => asked || namesProtectedGroup(q.by, key));
}

/** The one number of a figure without breakdown, or 0 when nothing matched (what "no data" means is the report's to say). */
export const single = (f: Figure): Cell => f.cells[0] ?? { key: null, value: 0 };

/** The facts behind a figure (one cell): which events made it, paginated, oldest business date first (internal scope only). */
export async function explain(
  facts: FactsView,
  match: Record<string, unknown>,
  page: { page: number; pageSize: number },
) {
  const fields = ['eventId', 'eventType', 'businessDate', 'recordedAt', 'source', 'value', 'key', 'seq'];
  const all = (await readFacts(facts, match, fields, { facts: true })).map((d) =>
    Object.fromEntries(fields.filter((f) => d[f] !== undefined).map((f) => [f, d[f]])),
  );
  all.sort(
    (a, b) =>
      String(a.businessDate).localeCompare(String(b.businessDate)) ||
      String(a.source).localeCompare(String(b.source)) ||
      Number(a.seq) - Number(b.seq),
  );
  return { items: all.slice((page.page - 1) * page.pageSize, page.page * page.pageSize), total: all.length };
}

export type { Doc };
export type { FactsView } from './read.js';
