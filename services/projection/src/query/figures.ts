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
import {
  emptyCount,
  tallyRows,
  type Doc,
  type Grouping,
  type IsProtected,
  type MeasureSpec,
  type TallyRow,
} from './tally.js';

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
    const whole = withoutGroupFilters(q.match);
    const population = await readFacts(facts, whole, [q.by, ...(q.fields ?? [])]);
    for (const r of tallied(population, { match: whole, measure: q.measure, by: q.by, groupOf: q.groupOf }, NOBODY))
      keys.add(r.key);
  }
  const found = new Set(rows.map((r) => r.key));
  const added = [...keys].filter((k) => !found.has(k)).map((key) => ({ key, count: emptyCount(q.measure) }));
  return added.length ? [...rows, ...added].sort((a, b) => String(a.key).localeCompare(String(b.key))) : rows;
}

/**
 * Tallies already computed, per rows read and protection predicate (both the same objects while the model and the
 * rules are unchanged: read.ts, protection.ts): a warm report costs its answer, not a pass over every row of its
 * period. A batch that changes what a figure reads gives new rows, so a stale tally is never found.
 */
/** The predicate of a population's keys, where protection does not matter: one function, so its tallies are kept. */
const NOBODY: IsProtected = () => false;

const tallies = new WeakMap<Doc[], WeakMap<IsProtected, Map<string, TallyRow[]>>>();

function tallied(docs: Doc[], q: FigureQuery, isProtected: IsProtected): TallyRow[] {
  if (q.groupOf) return tallyRows(docs, q, isProtected);
  const byPredicate = tallies.get(docs) ?? tallies.set(docs, new WeakMap()).get(docs)!;
  const memo = byPredicate.get(isProtected) ?? byPredicate.set(isProtected, new Map()).get(isProtected)!;
  const key = JSON.stringify([q.measure, q.field ?? null, q.by ?? null, q.match]);
  let rows = memo.get(key);
  if (!rows) {
    if (memo.size >= 64) memo.delete(memo.keys().next().value!);
    memo.set(key, (rows = tallyRows(docs, q, isProtected)));
  }
  return rows;
}

/** A figure, or its breakdown, from the flat facts of the read model, published by the disclosure layer. */
export async function figure(facts: FactsView, q: FigureQuery, policy: Policy): Promise<Figure> {
  const docs = await readFacts(facts, q.match, [q.field, q.by, ...(q.fields ?? [])]);
  const isProtected = await protectionOf(facts, q.match);
  const asked = !!q.sensitive || asksAboutProtectedGroup(q.match);
  let rows = tallied(docs, q, isProtected);
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
