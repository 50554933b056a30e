import { createHash } from 'node:crypto';
import { DIMENSION_FIELD, FactKind, type FactFields } from '../facts/facts.js';

/**
 * Cells: the facts of the kinds that grow with activity, kept a second time, grouped. A cell holds every fact of one
 * country, kind and month whose other descriptive fields (the dimensions, the partner, a currency) are equal; inside
 * it, each source has one part (the facts of its newest event), and each part a few rows: one per beneficiary key
 * and per business day, training or delivery, with the number of facts and the sum of each number they carry.
 *
 * Reports read cells instead of facts: a few hundred documents for a country and year instead of every attendance
 * row and every person assisted, and the rows they expand to give exactly what the facts give (unique people stay
 * exact: keys are kept). A part is replaced whole when its source changes, so writing a cell is idempotent and the
 * order of events does not matter (see cell-store.ts).
 */

/** Kinds kept as cells: the indicator rule sources. Reference kinds (partners, frameworks, targets) stay facts only. */
export const CELL_KINDS: ReadonlySet<string> = new Set<string>([
  FactKind.Attendance,
  FactKind.KnowledgeTests,
  FactKind.TrainingsHeld,
  FactKind.Beneficiaries,
  FactKind.Deliveries,
  FactKind.PartnersSupported,
  FactKind.Agreements,
]);

/** Fields a row keeps (they tell facts of one source apart), so they are not part of the cell's identity. */
export const ROW_FIELDS = ['businessDate', 'trainingId', 'deliveryId', 'key'] as const;
/** Fields that are the cell's identity besides country, kind and month: what reports filter and break down by. */
export const TUPLE_FIELDS: ReadonlySet<string> = new Set([...Object.values(DIMENSION_FIELD), 'partnerId', 'currency']);
/** Facts fields that say where a fact came from, not what it counts. */
const ORIGIN = new Set(['_id', 'source', 'seq', 'eventId', 'eventType', 'recordedAt', 'country', 'kind']);
/** The count of facts of a row; a fact field never has this name. */
export const N = '@n';

/** The facts of one source's newest event that fall in one cell. */
export interface Part {
  source: string;
  seq: number;
  rows: Row[];
}
/** Facts of a part with equal row fields: how many, and the sum of each number field (value, tested, amount…). */
export type Row = Record<string, string | number>;

/** A cell's identity: country, kind, month and its tuple fields at the top (so conditions on facts apply to it as they are). */
export type CellHead = { _id: string; country: string; kind: string; month: string } & {
  [tupleField: string]: unknown;
};
/** One cell: its identity and its parts. */
export type Cell = CellHead & { parts: Part[] };
/** A cell as stored, with a counter bumped by each write: a write conditioned on it cannot overwrite one it did not see. */
export type CellDoc = Cell & { v: number };

/** Pure: a fact's cell identity (country, kind, month and tuple fields) and its row fields and numbers. */
function split(country: string, f: FactFields) {
  const head: Record<string, unknown> = { country, kind: f.kind, month: f.businessDate.slice(0, 7) };
  const row: Row = {};
  const sums: Record<string, number> = {};
  for (const [k, v] of Object.entries(f)) {
    if (ORIGIN.has(k) || v === undefined) continue;
    if ((ROW_FIELDS as readonly string[]).includes(k)) row[k] = String(v);
    else if (typeof v === 'number') sums[k] = v;
    else head[k] = v;
  }
  return { head, row, sums };
}

/** Pure: the id of a cell, from its identity (field order does not matter). */
export function cellId(head: Record<string, unknown>): string {
  const sorted = Object.keys(head)
    .sort()
    .map((k) => [k, head[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('base64url').slice(0, 22);
}

/**
 * Pure: the parts a source's new facts make, per cell id (a source with no facts makes none). Facts of equal row
 * fields in one cell become one row: counts and sums added.
 */
export function partsOf(
  country: string,
  source: string,
  seq: number,
  facts: FactFields[],
): Map<string, { head: CellHead; part: Part }> {
  const out = new Map<string, { head: CellHead; part: Part; rows: Map<string, Row> }>();
  for (const f of facts) {
    if (!CELL_KINDS.has(f.kind)) continue;
    const { head, row, sums } = split(country, f);
    const id = cellId(head);
    let cell = out.get(id);
    if (!cell) {
      cell = { head: { _id: id, ...head } as CellHead, part: { source, seq, rows: [] }, rows: new Map() };
      out.set(id, cell);
    }
    const rowKey = JSON.stringify(ROW_FIELDS.map((k) => row[k] ?? null));
    let r = cell.rows.get(rowKey);
    if (!r) {
      cell.rows.set(rowKey, (r = { ...row, [N]: 0 }));
      cell.part.rows.push(r);
    }
    r[N] = Number(r[N]) + 1;
    for (const [k, v] of Object.entries(sums)) r[k] = Number(r[k] ?? 0) + v;
  }
  return new Map([...out].map(([id, { head, part }]) => [id, { head, part }]));
}

/**
 * Pure: a cell with a source's part set (or removed, when `part` is undefined), unless the cell holds a newer event
 * of that source (or, `onlyOlder`, that very event). The same cell when nothing changes. Parts stay sorted by source, so equal contents are equal documents whatever the order of writes.
 */
export function withPart(cell: Cell, source: string, seq: number, part: Part | undefined, onlyOlder = false): Cell {
  const held = cell.parts.find((p) => p.source === source);
  if (!held && !part) return cell;
  if (held && (held.seq > seq || (onlyOlder && held.seq >= seq))) return cell;
  const parts = cell.parts.filter((p) => p.source !== source);
  if (part) parts.push(part);
  parts.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  return { ...cell, parts };
}

/** Pure: the documents reports tally, one per row: the cell's tuple fields with the row's fields and numbers. */
export function rowsOf(cell: Cell): Array<Record<string, unknown>> {
  const { _id: _i, month: _m, parts, v: _v, ...tuple } = cell as CellDoc;
  return parts.flatMap((p) => p.rows.map((r) => ({ ...tuple, ...r })));
}
