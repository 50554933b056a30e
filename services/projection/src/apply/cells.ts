import { DIMENSION_FIELD, FactKind, type FactFields } from '../facts/facts.js';

/**
 * Cells: the facts of the kinds that grow with activity, kept a second time, grouped. A cell holds every fact of one
 * country, kind and month; inside it, each source has one part (the facts of its newest event), and each part a few
 * rows: facts whose descriptive fields (dimensions, partner, day, training or delivery, beneficiary key) are all
 * equal make one row, with their number and the sum of each number they carry.
 *
 * A cell's id is its country, kind, month and page (`CELL_PAGES`); the checkpoint's cell directory lists the ids
 * there are, so a report reads the cells of its kinds, countries and months and no others (how the server is asked:
 * `CellReads` in cell-store.ts): a year of one kind in one country is at most 12 × its pages documents whatever the
 * history holds. The rows give exactly what the facts give (unique people stay exact: keys are kept).
 *
 * Parts are fields of the cell named by source and event (`partKey`): a batch sets the parts of its events and
 * unsets those of the events they replace, one update per cell, without reading it. A month's cell grows with its
 * history; rewriting it whole from the process made a rebuild of 100,000 events slow down as it went (SUMMARY.md).
 * Setting a part is idempotent and parts of different sources never touch, so the order of batches does not matter;
 * a part of an older event left behind by a dead process's late write is hidden by readers (`partsIn`) and removed
 * by the sweep (applier.ts).
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

/** Fields that tell facts of one source apart (a day, a training, a delivery, a person). */
export const ROW_FIELDS = ['businessDate', 'trainingId', 'deliveryId', 'key'] as const;
/** Descriptive fields beside ROW_FIELDS that rows keep: what reports filter and break down by. */
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
/** Facts of a part with equal descriptive fields: those fields, how many facts, and the sum of each number field. */
export type Row = Record<string, string | number | string[]>;

/** A cell's identity: its id (country, kind, month and page) and the fields reports pick cells by. */
export type CellHead = { _id: string; country: string; kind: string; month: string };
/** One cell: its identity and its parts, each under its `partKey`. */
export type CellDoc = CellHead & { parts: Record<string, Part> };
/** A cell as reports and comparisons see it: its parts in source order, the newest of each source only. */
export type Cell = CellHead & { parts: Part[] };

/**
 * Pages per month of each kind: a source's parts go to one page of its month, chosen by a hash of its name. FerretDB
 * decodes and re-encodes a whole document for any read or update (0.1 ms a part on PostgreSQL: 100 ms for a cell of
 * 1,000 parts, bench note in SUMMARY.md), so a month's cell of the large kinds is split to keep each write and each
 * re-read after a batch small. Sized from the rows per cell of a 10,000-event history (beneficiaries 75 on average,
 * 305 at most; attendance 62, 212; trainings held 29, 91; deliveries 15, 50; the rest under 30).
 */
export const CELL_PAGES: Readonly<Record<string, number>> = {
  [FactKind.Beneficiaries]: 8,
  [FactKind.Attendance]: 8,
  [FactKind.TrainingsHeld]: 4,
  [FactKind.Deliveries]: 4,
  [FactKind.KnowledgeTests]: 2,
};

/** Pure: the page of a source's parts in a month of its kind (FNV-1a of its name: the same in every process). */
export function pageOf(kind: string, source: string): number {
  const pages = CELL_PAGES[kind] ?? 1;
  if (pages === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < source.length; i++) h = Math.imul(h ^ source.charCodeAt(i), 0x01000193);
  return (h >>> 0) % pages;
}

/** Pure: a fact's cell identity (country, kind, month, page), its row's descriptive fields and its numbers. */
function split(country: string, source: string, f: FactFields) {
  const head = { country, kind: f.kind, month: f.businessDate.slice(0, 7) };
  const row: Row = {};
  const sums: Record<string, number> = {};
  for (const [k, v] of Object.entries(f)) {
    if (ORIGIN.has(k) || v === undefined) continue;
    if (typeof v === 'number') sums[k] = v;
    else row[k] = v as string;
  }
  const _id = cellId(head.country, head.kind, head.month, pageOf(f.kind, source));
  return { head: { _id, ...head }, row, sums };
}

/** Pure: the id of the cell of a country, kind, month and page (readers find ids in the cell directory). */
export const cellId = (country: string, kind: string, month: string, page = 0): string =>
  `${country}|${kind}|${month}|${page}`;

/** Pure: the country, kind, month and page of a cell id. */
export function cellOf(id: string): { country: string; kind: string; month: string; page: string } | undefined {
  const [country, kind, month, page, ...rest] = id.split('|');
  return country && kind && month && page && !rest.length ? { country, kind, month, page } : undefined;
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
    const { head, row, sums } = split(country, source, f);
    let cell = out.get(head._id);
    if (!cell) {
      cell = { head, part: { source, seq, rows: [] }, rows: new Map() };
      out.set(head._id, cell);
    }
    const rowKey = JSON.stringify(
      Object.keys(row)
        .sort()
        .map((k) => [k, row[k]]),
    );
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

/** Pure: the field of a cell holding a source's part of one event: `.` and `$` would be read as paths and operators. */
export const partKey = (source: string, seq: number): string =>
  `${source.replace(/[%.$]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)}@${seq}`;

/** Pure: the parts a cell shows: the newest event of each source, in source order (so sums add up the same way). */
export function partsIn(cell: CellDoc): Cell {
  const newest = new Map<string, Part>();
  for (const p of Object.values(cell.parts ?? {}))
    if ((newest.get(p.source)?.seq ?? -1) < p.seq) newest.set(p.source, p);
  const parts = [...newest.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  return { _id: cell._id, country: cell.country, kind: cell.kind, month: cell.month, parts };
}

/** A source's change to cells: its new parts by cell id, and the events whose parts go, with the cells they are in. */
export interface CellChange {
  source: string;
  seq: number;
  parts: Map<string, { head: CellHead; part: Part }>;
  /** Older events of the source (event `seq` itself is never dropped) and the cells each may have a part in. */
  drop: Map<number, Iterable<string>>;
}

/** What one cell's update sets and unsets (fields of `parts`), and its identity when it sets anything (an upsert). */
export interface CellUpdate {
  head?: CellHead;
  set: Record<string, Part>;
  unset: string[];
}

/** Pure: each cell's one update for a batch's changes: the new parts set, the replaced ones unset. */
export function cellUpdates(changes: CellChange[]): Map<string, CellUpdate> {
  const out = new Map<string, CellUpdate>();
  const at = (id: string) => {
    let u = out.get(id);
    if (!u) out.set(id, (u = { set: {}, unset: [] }));
    return u;
  };
  for (const c of changes) {
    for (const [id, { head, part }] of c.parts) {
      const u = at(id);
      u.head = head;
      u.set[partKey(c.source, c.seq)] = part;
    }
    for (const [seq, ids] of c.drop) if (seq !== c.seq) for (const id of ids) at(id).unset.push(partKey(c.source, seq));
  }
  return out;
}

/** Pure: the documents reports tally, one per row: the cell's country and kind with the row's fields and numbers. */
export function rowsOf(cell: CellDoc): Array<Record<string, unknown>> {
  const { country, kind, parts } = partsIn(cell);
  return parts.flatMap((p) => p.rows.map((r) => ({ country, kind, ...r })));
}
