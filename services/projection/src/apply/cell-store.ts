import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { withPart, type Cell, type CellDoc, type CellHead, type Part } from './cells.js';
import { CELL_DIRECTORY, type CellDirectory } from './model-docs.js';
import { createLru } from './lru.js';

/** A source's change to cells: its new parts by cell id, and the cells its older events may have parts in. */
export interface CellChange {
  source: string;
  seq: number;
  parts: Map<string, { head: CellHead; part: Part }>;
  before: Iterable<string>;
  /** Only remove parts of older events of the source (a sweep), never the part of event `seq` itself. */
  onlyOlder?: boolean;
}

/** A cell changed under this writer since it read it: another process wrote the generation (a dead one's late write). */
export class CellConflict extends Error {
  readonly code = 'CELL_CONFLICT';
  constructor(readonly cellId: string) {
    super(`cell ${cellId} changed under the projection; the batch is applied again`);
  }
}

/** Cells read by `_id` at once, where each is its own statement: a batch's or a report's reads must not take the server's whole pool. */
const READS_AT_ONCE = 8;

/**
 * The cells of some ids that exist, in id order: one `$in`, or one `_id` statement each (a few at a time) where the
 * server filters `$in` document by document (FerretDB). The applier reads cells it does not hold this way, reports
 * the cells of their months.
 */
export async function cellsById(cells: Collection<CellDoc>, ids: string[], oneByOne: boolean): Promise<CellDoc[]> {
  const found: Array<CellDoc | null> = [];
  if (!oneByOne) found.push(...(ids.length ? await cells.find({ _id: { $in: ids } }).toArray() : []));
  else
    for (let i = 0; i < ids.length; i += READS_AT_ONCE)
      found.push(...(await Promise.all(ids.slice(i, i + READS_AT_ONCE).map((_id) => cells.findOne({ _id })))));
  // One order whichever way they were read: rows, and so sums of amounts, come out the same.
  return found.filter((c): c is CellDoc => !!c).sort((a, b) => (a._id < b._id ? -1 : 1));
}

/**
 * Writes the parts of changed sources into cells. One worker writes a generation's cells of a country (partitions are
 * by country), so a cell is read once, held, and written as a whole. At most `limit` cells are held (least recently
 * used out). When the generation's cells fit, they are all read in one statement at the start (and after a failed
 * write), so a cell not held does not exist; else a cell not held is read back by `_id`, one statement each where the
 * server filters `$in` document by document (FerretDB), else in one `$in`.
 */
export function createCellStore(
  cells: Collection<CellDoc>,
  directory: Collection<CellDirectory>,
  opts: { limit: number; conditional: boolean; readOneByOne: boolean; writesPerCall: number },
) {
  // FerretDB turns a condition beside `_id` into a scan of the collection (61 s instead of 11.5 s of cell writes for
  // 1,500 events, cells.int.test.ts), and its updates are not atomic anyway: there a write is by `_id` alone.
  const guard = (_id: string, v: number) => (opts.conditional ? { _id, v } : { _id });
  const held = createLru<CellDoc | null>(opts.limit);
  let whole: Promise<boolean> | undefined;

  /**
   * Holds every cell when they fit: true when the held cells are then all there are. After a restart, reading the
   * cells a batch touches one by one cost 2-3 s a batch of 50 events on FerretDB (crash.int.test.ts), most of them
   * reads of cells that did not exist yet; one read of them all costs one scan.
   */
  async function holdAll(): Promise<boolean> {
    const n = await cells.estimatedDocumentCount();
    if (n > opts.limit) return false;
    if (n) for (const c of await cells.find({}).toArray()) held.set(c._id, c, false);
    return !held.evicted();
  }

  async function read(ids: string[]): Promise<Map<string, CellDoc | null>> {
    const complete = await (whole ??= holdAll());
    const out = new Map<string, CellDoc | null>();
    const missing: string[] = [];
    for (const id of ids) {
      const c = held.get(id);
      if (c !== undefined) out.set(id, c);
      else if (complete && !held.evicted()) out.set(id, null);
      else missing.push(id);
    }
    const found = await cellsById(cells, missing, opts.readOneByOne);
    const byId = new Map(found.map((c) => [c._id, c]));
    for (const id of missing) out.set(id, byId.get(id) ?? null);
    return out;
  }

  return {
    /** Sets each change's parts and removes its older parts elsewhere; idempotent, so a redelivered batch may run it again. */
    async apply(changes: CellChange[]): Promise<void> {
      const touched = new Set<string>();
      for (const c of changes) {
        for (const id of c.parts.keys()) touched.add(id);
        for (const id of c.before) touched.add(id);
      }
      if (!touched.size) return;
      const current = await read([...touched]);
      const next = new Map<string, Cell | null>();
      for (const c of changes) {
        for (const id of new Set([...c.parts.keys(), ...c.before])) {
          const at = next.has(id) ? next.get(id)! : current.get(id)!;
          const now = c.parts.get(id);
          const base = at ?? (now ? { ...now.head, parts: [] } : null);
          if (!base) continue;
          const changed = withPart(base, c.source, c.seq, now?.part, c.onlyOlder);
          if (changed !== base || next.has(id)) next.set(id, changed.parts.length ? changed : null);
        }
      }
      const writes = [...next].flatMap(([id, cell]): AnyBulkWriteOperation<CellDoc>[] => {
        const was = current.get(id) ?? null;
        if (!was && !cell) return [];
        if (!was) return [{ insertOne: { document: { ...cell!, v: 1 } as CellDoc } }];
        if (!cell) return [{ deleteOne: { filter: guard(id, was.v) } }];
        return [{ replaceOne: { filter: guard(id, was.v), replacement: { ...cell, v: was.v + 1 } } }];
      });
      if (!writes.length) return;
      // New cells join the directory before they exist: a process killed in between leaves an id with no cell,
      // which readers skip, never a cell they cannot find.
      const born = writes.flatMap((w) => ('insertOne' in w ? [w.insertOne.document._id as string] : []));
      if (born.length)
        await directory.updateOne({ _id: CELL_DIRECTORY }, { $addToSet: { ids: { $each: born } } }, { upsert: true });
      try {
        let done = 0;
        for (let i = 0; i < writes.length; i += opts.writesPerCall) {
          const r = await cells.bulkWrite(writes.slice(i, i + opts.writesPerCall), { ordered: false });
          done += r.matchedCount + r.deletedCount;
        }
        const expected = writes.length - writes.filter((w) => 'insertOne' in w).length;
        if (opts.conditional && done < expected) throw new CellConflict('(one of the batch)');
      } catch (e) {
        held.clear();
        whole = undefined;
        if ((e as { code?: number }).code === 11000) throw new CellConflict('(a new cell)');
        throw e;
      }
      for (const [id, cell] of next) {
        const was = current.get(id) ?? null;
        held.set(id, cell ? ({ ...cell, v: (was?.v ?? 0) + 1 } as CellDoc) : null);
      }
    },
    /** Forgets held cells (after a failed write): they are read again. */
    clear() {
      held.clear();
      whole = undefined;
    },
  };
}
export type CellStore = ReturnType<typeof createCellStore>;
