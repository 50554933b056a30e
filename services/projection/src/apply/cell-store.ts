import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { cellUpdates, type CellChange, type CellDoc } from './cells.js';
import { CELL_DIRECTORY, type CellDirectory } from './model-docs.js';

export type { CellChange } from './cells.js';

/** Cells read by `_id` at once, where each is its own statement: a batch's or a report's reads must not take the server's whole pool. */
const READS_AT_ONCE = 8;

/**
 * The cells of some ids that exist, in id order: one `$in`, or one `_id` statement each (a few at a time) where the
 * server filters `$in` document by document (FerretDB). Reports read the cells of their months this way.
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

  return {
    /** Sets each change's parts and unsets its replaced ones; idempotent, so a redelivered batch may run it again. */
    async apply(changes: CellChange[]): Promise<void> {
      const updates = cellUpdates(changes);
      if (!updates.size) return;
      const known = await (listed ??= directory
        .findOne({ _id: CELL_DIRECTORY })
        .then((d) => new Set<string>(d?.ids ?? [])));
      // New cells join the directory before they exist: a process killed in between leaves an id with no cell,
      // which readers skip, never a cell they cannot find.
      const born = [...updates].filter(([id, u]) => u.head && !known.has(id)).map(([id]) => id);
      if (born.length) {
        await directory.updateOne({ _id: CELL_DIRECTORY }, { $addToSet: { ids: { $each: born } } }, { upsert: true });
        for (const id of born) known.add(id);
      }
      const writes = [...updates].map(([_id, u]): AnyBulkWriteOperation<CellDoc> => {
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
    },
    /** Forgets the directory's ids (after a failed write): they are read again. */
    clear() {
      listed = undefined;
    },
  };
}
export type CellStore = ReturnType<typeof createCellStore>;
