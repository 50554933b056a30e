import type { Collection } from 'mongodb';
import { ARRAY_FIELDS } from '../facts/facts.js';
import { CELL_KINDS, ROW_FIELDS, TUPLE_FIELDS, rowsOf, type CellDoc } from '../apply/cells.js';
import type { Doc } from './tally.js';

/** How reports read cells: a facts condition split into what the cells' index answers and what each row must pass. */
export interface CellQuery {
  /** What the server is asked: kinds, countries, months. */
  cells: Record<string, unknown>;
  /** What each cell must pass besides (its dimensions). */
  keep: (c: Doc) => boolean;
  /** What each row must pass (its day, training, delivery, key). */
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
 * field or operator they do not hold); the caller then reads facts. The server is asked only for kinds, countries and
 * months, so the many figures of one report (every breakdown, every rule's filters, one period) share one read; the
 * cell's other fields are tested on each cell as the server would (a list matches when one of its values does), and
 * row fields (days, trainings, deliveries, keys) on each row.
 */
export function cellQuery(match: Record<string, unknown>): CellQuery | undefined {
  const kind = match.kind;
  const kinds = typeof kind === 'string' ? [kind] : (kind as { $in?: unknown } | undefined)?.$in;
  if (!Array.isArray(kinds) || !kinds.length || kinds.some((k) => !CELL_KINDS.has(String(k)))) return undefined;
  const server: Record<string, unknown> = {};
  const onCells: Array<(c: Doc) => boolean> = [];
  const onRows: Array<(r: Doc) => boolean> = [];
  for (const [field, cond] of Object.entries(match)) {
    if (field === 'kind' || field === 'country') {
      server[field] = cond;
      continue;
    }
    const test = fieldTest(cond);
    const tuple = TUPLE_FIELDS.has(field);
    if (!test || !(tuple || (ROW_FIELDS as readonly string[]).includes(field))) return undefined;
    const ops = cond && typeof cond === 'object' ? Object.keys(cond) : [];
    // On a list, `$ne`/`$nin` mean "no value is", and `$exists` is about the list itself: not value by value.
    const whole = ops.includes('$exists');
    if (ARRAY_FIELDS.has(field) && (ops.some((op) => op === '$ne' || op === '$nin') || (whole && ops.length > 1)))
      return undefined;
    if (tuple) {
      // Mongo's rule for lists: a condition holds when it holds for one of the values; a list is never "missing".
      const one = ARRAY_FIELDS.has(field) && !whole;
      onCells.push((c) => {
        const v = c[field];
        return one && Array.isArray(v) ? v.some((x) => test(x)) : test(v);
      });
    } else onRows.push((r) => test(r[field]));
    if (field === 'businessDate') {
      const months = monthsOf(cond);
      if (months === undefined) return undefined;
      server.month = months;
    }
  }
  return {
    cells: server,
    keep: (c) => onCells.every((t) => t(c)),
    rows: (r) => onRows.every((t) => t(r)),
  };
}

/** Pure: the rows of cells a query keeps: what the facts they stand for give to every tally (see cells.ts). */
export const rowsIn = (cells: Doc[], q: CellQuery): Doc[] =>
  cells.flatMap((c) => (q.keep(c) ? rowsOf(c as CellDoc).filter(q.rows) : []));

/** The cells of a query's kinds, countries and months, as the server holds them. */
export async function readCells(cells: Collection<CellDoc>, q: CellQuery): Promise<Doc[]> {
  return (await cells.find(q.cells).toArray()) as Doc[];
}
