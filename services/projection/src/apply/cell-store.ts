import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import {
  cellOf,
  cellUpdates,
  type CellChange,
  type CellDoc,
  type CellHead,
  type CellUpdate,
  type Part,
} from './cells.js';
import { CELL_DIRECTORY, type CellDirectory } from './model-docs.js';

export type { CellChange } from './cells.js';

/**
 * How a server is asked for cells by id: one `$in` (MongoDB: index look-ups), one `_id` statement each (FerretDB,
 * which filters `$in` in Go), or one query per country and kind (FerretDB/PostgreSQL, whose `_id` look-up is
 * `_jsonb->'_id' @> $1`, a condition its btree index on `_jsonb->'_id'` cannot serve: every look-up reads the whole
 * table, 330 ms for one cell of a 52 MB table at 100,000 events; equality on country and kind is pushed down the same
 * way, so one scan returns all the cells of the pair).
 */
export const CellReads = { In: 'in', ById: 'by-id', ByKind: 'by-kind' } as const;
export type CellReads = (typeof CellReads)[keyof typeof CellReads];

/** Look-ups sent at once: a batch's or a report's reads must not take the server's whole pool. */
const READS_AT_ONCE = 8;

/**
 * The cells of some ids that exist, in id order, read the way the server answers best (`CellReads`). By country and
 * kind, a pair is queried whole only when at least a quarter of its cells (`listed`: the directory) are wanted: a
 * dashboard's re-read of the few pages a batch touched costs a few scans, not a decode of every cell of the kind.
 */
export async function cellsById(
  cells: Collection<CellDoc>,
  ids: string[],
  how: CellReads,
  listed: string[] = ids,
): Promise<CellDoc[]> {
  const found: Array<CellDoc | null> = [];
  const wanted = new Set(ids);
  // Look-ups: single ids, or a query per country and kind.
  const asks: Array<() => Promise<Array<CellDoc | null>>> = [];
  if (how === CellReads.In) {
    if (ids.length) asks.push(() => cells.find({ _id: { $in: ids } }).toArray());
  } else if (how === CellReads.ById) for (const _id of ids) asks.push(async () => [await cells.findOne({ _id })]);
  else {
    const pairOf = (id: string) => {
      const c = cellOf(id);
      return c ? `${c.country}|${c.kind}` : id;
    };
    const sizes = new Map<string, number>();
    for (const id of listed) sizes.set(pairOf(id), (sizes.get(pairOf(id)) ?? 0) + 1);
    const pairs = new Map<string, string[]>();
    for (const id of ids) pairs.set(pairOf(id), [...(pairs.get(pairOf(id)) ?? []), id]);
    for (const [pair, group] of pairs) {
      const [country, kind] = pair.split('|');
      if (group.length > 1 && kind && group.length * 4 >= (sizes.get(pair) ?? 0))
        asks.push(async () => (await cells.find({ country, kind }).toArray()).filter((c) => wanted.has(c._id)));
      else for (const _id of group) asks.push(async () => [await cells.findOne({ _id })]);
    }
  }
  for (let i = 0; i < asks.length; i += READS_AT_ONCE)
    for (const docs of await Promise.all(asks.slice(i, i + READS_AT_ONCE).map((ask) => ask()))) found.push(...docs);
  // One order whichever way they were read: rows, and so sums of amounts, come out the same.
  return found.filter((c): c is CellDoc => !!c).sort((a, b) => (a._id < b._id ? -1 : 1));
}

/**
 * Writes the parts of changed sources into cells: one update by `_id` per cell touched, setting new parts and unsetting
 * replaced ones, never reading a cell (cells.ts). The process holds only the ids the cell directory lists, so a new
 * cell joins it before its first write.
 */
export function createCellStore(
  cells: Collection<CellDoc>,
  directory: Collection<CellDirectory>,
  opts: { writesPerCall: number },
) {
  let listed: Promise<Set<string>> | undefined;
  /** Updates held back (a rebuild's): per cell, its identity and each part set, or null for one unset. */
  let held: Map<string, { head?: CellHead; parts: Map<string, Part | null> }> | undefined;
  let heldRows = 0;
  let holdLimit = 0;

  async function write(updates: Map<string, CellUpdate>): Promise<void> {
    if (!updates.size) return;
    const known = await (listed ??= directory
      .findOne({ _id: CELL_DIRECTORY })
      .then((d) => new Set<string>(d?.ids ?? [])));
    // New cells join the directory before they exist: a process killed in between leaves an id with no cell,
    // which readers skip, never a cell they cannot find.
    const born = new Set([...updates].filter(([id, u]) => u.head && !known.has(id)).map(([id]) => id));
    if (born.size) {
      await directory.updateOne(
        { _id: CELL_DIRECTORY },
        { $addToSet: { ids: { $each: [...born] } } },
        { upsert: true },
      );
      for (const id of born) known.add(id);
    }
    // A cell not in the directory does not exist: it is inserted, one command for all (FerretDB: about 0.1 ms a
    // document, where an upsert costs a look-up and a write of ~10 ms). One another process inserted meanwhile (a
    // rebuild's last pass beside the live worker) is refused as a duplicate and updated instead.
    const inserts = [...born].map((id) => ({ ...updates.get(id)!.head!, parts: updates.get(id)!.set }));
    const refused = await insertNew(inserts);
    const writes = [...updates]
      .filter(([id]) => !born.has(id) || refused.has(id))
      .map(([_id, u]): AnyBulkWriteOperation<CellDoc> => {
        const set = Object.fromEntries(Object.entries(u.set).map(([k, part]) => [`parts.${k}`, part]));
        const unset = Object.fromEntries(u.unset.map((k) => [`parts.${k}`, '' as const]));
        const { _id: _, ...head } = u.head ?? { _id };
        return {
          updateOne: {
            filter: { _id },
            update: {
              ...(u.head ? { $set: { ...head, ...set } } : {}),
              ...(u.unset.length ? { $unset: unset } : {}),
            },
            // Only a write that sets a part may create its cell: unsetting parts of a cell that is not there does nothing.
            upsert: !!u.head,
          },
        };
      });
    try {
      for (let i = 0; i < writes.length; i += opts.writesPerCall)
        await cells.bulkWrite(writes.slice(i, i + opts.writesPerCall), { ordered: false });
    } catch (e) {
      listed = undefined;
      throw e;
    }
  }

  /** Inserts new cells; returns the ids refused because they exist. */
  async function insertNew(docs: CellDoc[]): Promise<Set<string>> {
    if (!docs.length) return new Set();
    try {
      await cells.insertMany(docs, { ordered: false });
      return new Set();
    } catch (e) {
      const errors = (e as { writeErrors?: Array<{ code: number; index: number }> | { code: number; index: number } })
        .writeErrors;
      const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
      listed = undefined;
      if (!list.length || list.some((w) => w.code !== 11000)) throw e;
      return new Set(list.map((w) => docs[w.index]!._id));
    }
  }

  /** Writes the held updates, each cell once. */
  async function flush(): Promise<void> {
    const updates = new Map<string, CellUpdate>();
    for (const [id, c] of held ?? []) {
      const u: CellUpdate = { ...(c.head ? { head: c.head } : {}), set: {}, unset: [] };
      for (const [k, part] of c.parts)
        if (part) u.set[k] = part;
        else u.unset.push(k);
      updates.set(id, u);
    }
    held = held && new Map();
    heldRows = 0;
    await write(updates);
  }

  return {
    /** Sets each change's parts and unsets its replaced ones; idempotent, so a redelivered batch may run it again. */
    async apply(changes: CellChange[]): Promise<void> {
      const updates = cellUpdates(changes);
      if (!held) return write(updates);
      for (const [id, u] of updates) {
        let c = held.get(id);
        if (!c) held.set(id, (c = { parts: new Map() }));
        if (u.head) c.head = u.head;
        for (const k of u.unset) {
          heldRows -= c.parts.get(k)?.rows.length ?? 0;
          c.parts.set(k, null);
        }
        for (const [k, part] of Object.entries(u.set)) {
          heldRows += part.rows.length - (c.parts.get(k)?.rows.length ?? 0);
          c.parts.set(k, part);
        }
      }
      if (heldRows > holdLimit) await flush();
    },
    /**
     * Holds updates back until they carry `rows` rows, then writes each cell once: for a rebuild, whose generation
     * nobody reads before it is complete and which is never resumed. Its batches touch most cells each (a history's
     * events fall in any month), and FerretDB rewrites a whole document per update, so writing per batch made a
     * rebuild's cost grow with the square of the history.
     */
    hold(rows: number) {
      held ??= new Map();
      holdLimit = rows;
    },
    /** Writes what is held and writes every later update at once again. */
    async release(): Promise<void> {
      await flush();
      held = undefined;
    },
    /** Forgets the directory's ids (after a failed write): they are read again. */
    clear() {
      listed = undefined;
    },
  };
}
export type CellStore = ReturnType<typeof createCellStore>;
