import type { Collection } from 'mongodb';
import { ARRAY_FIELDS } from '../facts/facts.js';
import { CELL_KINDS, ROW_FIELDS, TUPLE_FIELDS, cellOf, rowsOf, type CellDoc } from '../apply/cells.js';
import { cellsById, type CellReads } from '../apply/cell-store.js';
import type { Doc } from './tally.js';

/** How reports read cells: a facts condition split into the cells it needs and what each row must pass. */
export interface CellQuery {
  /** The cells needed: a condition on kinds, countries and months. */
  cells: Record<string, unknown>;
  /** Whether a cell id (country, kind, month) is among them. */
  wants: (id: string) => boolean;
  /** What each row must pass (its dimensions, day, training, delivery, key). */
  rows: (r: Doc) => boolean;
}

const OPS = new Set(['$eq', '$ne', '$in', '$nin', '$exists', '$gt', '$gte', '$lt', '$lte']);

/** Pure: a test of one row field against a facts condition, or undefined for a condition it does not know. */
function fieldTest(cond: unknown): ((v: unknown) => boolean) | undefined {
  if (cond === null) return (v) => v === null || v === undefined;
  if (typeof cond !== 'object') return (v) => v === cond;
  const ops = Object.entries(cond as Record<string, unknown>);
  if (!ops.length || ops.some(([op]) => !OPS.has(op))) return undefined;
  const tests = ops.map(([op, arg]): ((v: unknown) => boolean) => {
    const s = (v: unknown) => (v === undefined ? undefined : String(v));
    switch (op) {
      case '$eq':
        return (v) => v === arg;
      case '$ne':
        return (v) => v !== arg;
      case '$in':
        return (v) => Array.isArray(arg) && arg.includes(v);
      case '$nin':
        return (v) => Array.isArray(arg) && !arg.includes(v);
      case '$exists':
        return (v) => (v !== undefined) === !!arg;
      case '$gt':
        return (v) => s(v) !== undefined && s(v)! > String(arg);
      case '$gte':
        return (v) => s(v) !== undefined && s(v)! >= String(arg);
      case '$lt':
        return (v) => s(v) !== undefined && s(v)! < String(arg);
      default:
        return (v) => s(v) !== undefined && s(v)! <= String(arg);
    }
  });
  return (v) => tests.every((t) => t(v));
}

/** Pure: the months a condition on business dates spans, as a condition on cells' `month`; undefined if unknown. */
function monthsOf(cond: unknown): unknown {
  if (typeof cond === 'string') return cond.slice(0, 7);
  if (!cond || typeof cond !== 'object') return undefined;
  const c = cond as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [op, arg] of Object.entries(c)) {
    if (typeof arg !== 'string') return undefined;
    if (op === '$gte' || op === '$gt') out.$gte = arg.slice(0, 7);
    else if (op === '$lte' || op === '$lt') out.$lte = arg.slice(0, 7);
    else return undefined;
  }
  return out;
}

/**
 * Pure: a facts condition as a cells query, or undefined when cells cannot answer it (a kind not kept as cells, or a
 * field or operator they do not hold); the caller then reads facts. Only kinds, countries and months pick cells, so
 * the many figures of one report (every breakdown, every rule's filters, one period) share one read; every other
 * field is tested on each row as the server would test a fact (a list matches when one of its values does).
 */
export function cellQuery(match: Record<string, unknown>): CellQuery | undefined {
  const kind = match.kind;
  const kinds = typeof kind === 'string' ? [kind] : (kind as { $in?: unknown } | undefined)?.$in;
  if (!Array.isArray(kinds) || !kinds.length || kinds.some((k) => !CELL_KINDS.has(String(k)))) return undefined;
  const server: Record<string, unknown> = {};
  const onRows: Array<(r: Doc) => boolean> = [];
  for (const [field, cond] of Object.entries(match)) {
    if (field === 'kind' || field === 'country') {
      server[field] = cond;
      continue;
    }
    const test = fieldTest(cond);
    if (!test || !(TUPLE_FIELDS.has(field) || (ROW_FIELDS as readonly string[]).includes(field))) return undefined;
    const ops = cond && typeof cond === 'object' ? Object.keys(cond) : [];
    // On a list, `$ne`/`$nin` mean "no value is", and `$exists` is about the list itself: not value by value.
    const whole = ops.includes('$exists');
    if (ARRAY_FIELDS.has(field) && (ops.some((op) => op === '$ne' || op === '$nin') || (whole && ops.length > 1)))
      return undefined;
    // Mongo's rule for lists: a condition holds when it holds for one of the values; a list is never "missing".
    const one = ARRAY_FIELDS.has(field) && !whole;
    onRows.push((r) => {
      const v = r[field];
      return one && Array.isArray(v) ? v.some((x) => test(x)) : test(v);
    });
    if (field === 'businessDate') {
      const months = monthsOf(cond);
      if (months === undefined) return undefined;
      server.month = months;
    }
  }
  const picks = Object.entries(server).map(([field, cond]) => [field, fieldTest(cond)] as const);
  if (picks.some(([, t]) => !t)) return undefined;
  return {
    cells: server,
    wants: (id) => {
      const c = cellOf(id) as Record<string, string> | undefined;
      return !!c && picks.every(([field, t]) => t!(c[field]));
    },
    rows: (r) => onRows.every((t) => t(r)),
  };
}

/** Pure: the rows of cells a query keeps: what the facts they stand for give to every tally (see cells.ts). */
export const rowsIn = (cells: Doc[], q: CellQuery): Doc[] => cells.flatMap((c) => rowsOf(c as CellDoc).filter(q.rows));

/** The tag each cell document was read under (see `cellTags`): documents are shared and never mutated. */
const readUnder = new WeakMap<object, string>();

/**
 * The cells of a query: with the generation's cell directory (the ids there are), by `_id` (cell-store.ts); without
 * one, by kinds, countries and months. Given the cells read before and each cell's tag now, it reads again only the
 * cells whose tag changed since (the months a batch touched), and new ones.
 */
export async function readCells(
  cells: Collection<CellDoc>,
  q: CellQuery,
  directory: string[] | undefined,
  how: CellReads,
  reuse?: { previous?: Doc[]; tagOf: (id: string) => string | undefined },
): Promise<Doc[]> {
  if (!directory) return ((await cells.find(q.cells).toArray()) as Doc[]).sort(byId);
  const ids = directory.filter(q.wants);
  const kept = new Map<string, Doc>();
  for (const d of reuse?.previous ?? []) {
    const tag = readUnder.get(d);
    if (tag !== undefined && tag === reuse!.tagOf(String(d._id))) kept.set(String(d._id), d);
  }
  const fresh = (await cellsById(
    cells,
    ids.filter((id) => !kept.has(id)),
    how,
    directory,
  )) as Doc[];
  if (reuse)
    for (const d of fresh) {
      const tag = reuse.tagOf(String(d._id));
      if (tag !== undefined) readUnder.set(d, tag);
    }
  return [
    ...ids.flatMap((id): Doc[] => {
      const d = kept.get(id);
      return d ? [d] : [];
    }),
    ...fresh,
  ].sort(byId);
}

const byId = (a: Doc, b: Doc) => (String(a._id) < String(b._id) ? -1 : 1);
