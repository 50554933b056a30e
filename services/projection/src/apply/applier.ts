import type { Collection, Db } from 'mongodb';
import type { PasserelleEvent } from '@passerelle/contracts';
import { changesOf, type Fact } from '../facts/facts.js';
import { kindOfSource } from '../facts/source-kinds.js';
import { CellReads, createCellStore, type CellChange } from './cell-store.js';
import { cellOf, partsOf } from './cells.js';
import { createLru } from './lru.js';
import {
  canonicalInstant,
  factId,
  generationCollections,
  CELLS_MARK,
  STAMPS,
  type Sequenced,
  type SourceDoc,
  type SourceState,
  type Version,
} from './model-docs.js';

const appliers = new Map<string, ReturnType<typeof createApplier>>();

/** The applier of a generation, shared in this process so its guard cache stays the single source of truth here. */
export function applier(db: Db, gen: number | string) {
  const key = `${db.databaseName}/${gen}`;
  let a = appliers.get(key);
  if (!a) appliers.set(key, (a = createApplier(db, gen)));
  return a;
}

/** Forgets cached guards (after a generation is dropped, or in tests that restart a projection in-process). */
export const forgetGuards = () => appliers.clear();

function createApplier(db: Db, gen: number | string) {
  const { facts, cells, history, versions, sources, checkpoint, stamps, directory } = generationCollections(db, gen);
  const limit = paths.sourceCacheLimit;
  const known = createLru<SourceState>(limit);
  const cellStore = createCellStore(cells, directory, { writesPerCall: paths.cellWritesPerCall });
  let queue: Promise<unknown> = Promise.resolve();
  /** Facts of events a dead process was applying: written late, they would outlive a newer event's clean-up. */
  const suspects: Array<{ source: string; seq: number; count: number; cells: string[] }> = [];
  /** Unbounded (FerretDB): the whole source log, read once. Bounded: whether the generation was empty when we began. */
  let loaded: Promise<boolean> | undefined;

  let marked: Promise<void> | undefined;
  /**
   * A generation begun empty gets cells from its first event: it says so, and reports read its cells. One holding
   * facts without the mark was written before cells existed; the projection rebuilds it at start (main.ts).
   */
  async function markCells() {
    if (await checkpoint.findOne({ _id: CELLS_MARK })) return;
    if ((await facts.estimatedDocumentCount()) === 0)
      await checkpoint.updateOne({ _id: CELLS_MARK }, { $set: { at: new Date() } }, { upsert: true });
  }

  /** Folds source log documents into one state per source. */
  const fold = (docs: SourceDoc[], into = new Map<string, SourceState>()) => {
    for (const d of docs) {
      const s = into.get(d.source) ?? { lastSeq: 0, written: new Map<number, number>(), cells: new Map() };
      if (d.applied) s.lastSeq = Math.max(s.lastSeq, d.seq);
      s.written.set(d.seq, Math.max(s.written.get(d.seq) ?? 0, d.count));
      if (d.cells?.length) s.cells.set(d.seq, new Set([...(s.cells.get(d.seq) ?? []), ...d.cells]));
      into.set(d.source, s);
    }
    return into;
  };

  /**
   * The state of each source of a batch. Unbounded, every source is held (read once at the start). Bounded, a source
   * not held is read back from the log, with the others the batch misses, in one indexed query; nothing is read while
   * every source this process wrote is still held in a generation that was empty when it began (a rebuild).
   */
  async function statesOf(names: string[]): Promise<Map<string, SourceState>> {
    const complete = await (loaded ??=
      limit === Infinity
        ? sources
            .find({})
            .toArray()
            .then((all) => {
              for (const [n, st] of fold(all)) known.set(n, st);
              return true;
            })
        : sources.estimatedDocumentCount().then((n) => n === 0));
    const out = new Map<string, SourceState>();
    const missing: string[] = [];
    for (const n of names) {
      const st = known.get(n);
      if (st) out.set(n, st);
      else missing.push(n);
    }
    if (!missing.length || (complete && !known.evicted())) return out;
    for (const [n, st] of fold(await sources.find({ source: { $in: missing } }).toArray())) {
      out.set(n, st);
      known.set(n, st, false);
    }
    return out;
  }

  /**
   * Applies events (in stream order): reserve, insert the new facts of each changed source, delete the source's
   * facts of every other event by id, then record the guards and the checkpoint. A crash between steps leaves
   * guards behind facts, so the redelivery inserts the same ids again (no effect) and deletes the rest.
   */
  async function apply(batch: Sequenced[]): Promise<{ applied: number; duplicates: number }> {
    if (!batch.length) return { applied: 0, duplicates: 0 };
    await (marked ??= markCells());
    // Within a batch only the newest event of each source matters: it replaces whatever came before. Newest by
    // sequence, not by position: after a crash, redelivered old events arrive behind new ones.
    const latest = new Map<
      string,
      { change: ReturnType<typeof changesOf>[number]; event: PasserelleEvent; seq: number }
    >();
    const past: Fact[] = [];
    const kept: Version[] = [];
    for (const { event, seq, redelivered } of batch) {
      const recordedAt = canonicalInstant(event.time);
      for (const change of changesOf(event)) {
        if ((latest.get(change.source)?.seq ?? 0) < seq) latest.set(change.source, { change, event, seq });
        if (redelivered && change.facts.length)
          suspects.push({
            source: change.source,
            seq,
            count: change.facts.length,
            cells: [...partsOf(event.country, change.source, seq, change.facts).keys()],
          });
        // Every version is kept, the superseded ones too: "as of" questions read them (facts first, then the version
        // that makes them visible, so a crash in between leaves nothing half visible).
        change.facts.forEach((f, i) =>
          past.push({
            ...f,
            _id: factId(change.source, seq, i),
            source: change.source,
            seq,
            eventId: event.id,
            eventType: event.type,
            country: event.country,
            recordedAt,
          }),
        );
        kept.push({
          _id: `${change.source}@${seq}`,
          source: change.source,
          seq,
          count: change.facts.length,
          eventId: event.id,
          eventType: event.type,
          recordedAt,
        });
      }
    }
    if (past.length) await history.insertMany(past, { ordered: false }).catch(ignoreDuplicates);
    if (kept.length) await versions.insertMany(kept, { ordered: false }).catch(ignoreDuplicates);
    const states = await statesOf([...latest.keys()]);
    const inserts: Fact[] = [];
    const stale: string[] = [];
    const log: SourceDoc[] = [];
    const cellChanges: CellChange[] = [];
    const repeats: Array<{ country: string; source: string }> = [];
    let duplicates = 0;
    for (const [source, { change, event, seq }] of latest) {
      if ((states.get(source)?.lastSeq ?? 0) >= seq) {
        duplicates++;
        repeats.push({ country: event.country, source });
        continue;
      }
      change.facts.forEach((f, i) =>
        inserts.push({
          ...f,
          _id: factId(source, seq, i),
          source,
          seq,
          eventId: event.id,
          eventType: event.type,
          country: event.country,
          recordedAt: event.time,
        }),
      );
      for (const [old, count] of states.get(source)?.written ?? [])
        if (old !== seq) for (let i = 0; i < count; i++) stale.push(factId(source, old, i));
      const parts = partsOf(event.country, source, seq, change.facts);
      cellChanges.push({ source, seq, parts, drop: states.get(source)?.cells ?? new Map() });
      const cells = parts.size ? { cells: [...parts.keys()] } : {};
      log.push({ _id: `${source}@${seq}`, source, seq, count: change.facts.length, ...cells, applied: true });
    }
    const reservations = log.filter((g) => g.count > 0).map(({ applied: _a, ...g }) => ({ ...g, _id: `${g._id}:r` }));
    if (reservations.length) await sources.insertMany(reservations, { ordered: false }).catch(ignoreDuplicates);
    if (inserts.length) await facts.insertMany(inserts, { ordered: false }).catch(ignoreDuplicates);
    await deleteFacts(facts, stale);
    await cellStore.apply(cellChanges);
    if (log.length) {
      await sources.insertMany(log, { ordered: false }).catch(ignoreDuplicates);
      for (const g of log)
        known.set(g.source, {
          lastSeq: g.seq,
          written: new Map(g.count ? [[g.seq, g.count]] : []),
          cells: new Map(g.cells ? [[g.seq, new Set(g.cells)]] : []),
        });
    }
    // Every source delivered counts as changed, duplicates too: a duplicate may be the redelivery of an event whose
    // facts and guard a dead process wrote after this one had started, so reads cached since may have missed them.
    // Cells are stamped finer, by month and page: a reader holding cells re-reads only the pages a batch touched. A
    // duplicate stamps its whole kind there (`whole`), since a dead process may have written any of its cells.
    const changed: Record<string, number> = {};
    for (const [source, { event }] of latest) changed[`changed.${event.country}.${kindOfSource(source) ?? '_any'}`] = 1;
    for (const { country, source } of repeats) changed[`whole.${country}.${kindOfSource(source) ?? '_any'}`] = 1;
    for (const c of cellChanges)
      for (const id of new Set([...c.parts.keys(), ...[...c.drop.values()].flatMap((ids) => [...ids])])) {
        const cell = cellOf(id);
        if (cell) changed[`months.${cell.country}.${cell.kind}.${cell.month}:${cell.page}`] = 1;
      }
    if (latest.size) await stamps.updateOne({ _id: STAMPS }, { $inc: changed }, { upsert: true });
    const last = Math.max(...batch.map((b) => b.seq));
    await checkpoint.updateOne(
      { _id: 'checkpoint' },
      { $max: { seq: last }, $inc: { applied: batch.length }, $set: { at: new Date() } },
      { upsert: true },
    );
    return { applied: log.length, duplicates };
  }

  return {
    /** Batches of one generation are applied one after another, in the order given. */
    apply(batch: Sequenced[]) {
      const run = queue.then(() => apply(batch));
      queue = run.catch(() => {
        // A failed write may have left the database ahead of the cache; read the log again next time.
        marked = undefined;
        known.clear();
        cellStore.clear();
        loaded = undefined;
      });
      return run;
    },
    /** Holds cell writes back until they carry `rows` rows (a rebuild's generation: see the cell store). */
    holdCells(rows: number) {
      const run = queue.then(() => cellStore.hold(rows));
      queue = run.catch(() => undefined);
      return run;
    },
    /** Writes the cells held back, and writes cells with each batch again. */
    releaseCells() {
      const run = queue.then(() => cellStore.release());
      queue = run.catch(() => undefined);
      return run;
    },
    /**
     * Deletes facts of redelivered events that a newer event of their source has replaced since: a write the dead
     * process had sent may have landed after that clean-up. Returns how many ids were deleted.
     */
    sweep() {
      const run = queue.then(async () => {
        const taken = suspects.splice(0);
        const states = await statesOf([...new Set(taken.map((x) => x.source))]);
        const replaced = taken.filter((x) => (states.get(x.source)?.lastSeq ?? 0) > x.seq);
        const ids = replaced.flatMap((x) => Array.from({ length: x.count }, (_, i) => factId(x.source, x.seq, i)));
        if (!ids.length) return 0;
        // A late cell write set a part of the replaced event beside the newest one (readers show the newest): unset it.
        await cellStore.apply(
          replaced.map((x) => ({
            source: x.source,
            seq: states.get(x.source)!.lastSeq,
            parts: new Map(),
            drop: new Map([[x.seq, x.cells]]),
          })),
        );
        const removed = await deleteFacts(facts, ids);
        if (removed) {
          await stamps.updateOne({ _id: STAMPS }, { $inc: { swept: removed } }, { upsert: true });
          await checkpoint.updateOne({ _id: 'checkpoint' }, { $inc: { swept: removed } });
        }
        return removed;
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

/** What the applier does differently per server (set at start from the detected backend; see main.ts). */
export interface ApplierPaths {
  /**
   * How many sources an applier keeps in memory. Infinity keeps the whole source log, read once (FerretDB: it scans
   * the collection for any query but by `_id`); a number bounds memory and reads a missing source back through the
   * `source` index (MongoDB).
   */
  sourceCacheLimit: number;
  /**
   * Delete a few replaced facts one `_id` statement each (FerretDB hands those to its storage; `$in` it filters in
   * Go).
   */
  fewIdsOneByOne: boolean;
  /** How reports ask for the cells they read (cell-store.ts). */
  cellReads: CellReads;
  /**
   * Cell writes sent in one call at most. FerretDB 1.24 holds one connection of its storage pool per statement of
   * an update command until the command ends, and takes one more to write each: commands in flight that together
   * reach its pool (50 connections on PostgreSQL, 100 on SQLite) wait on each other forever, and the server answers
   * nothing that needs storage again (cell-store.int.test.ts). Eight keeps six workers' calls under 50.
   */
  cellWritesPerCall: number;
}

/** Cell writes per call on FerretDB (see `cellWritesPerCall`). */
export const FERRETDB_WRITES_PER_CALL = 8;
/** Cell writes per call on a server: few on FerretDB; MongoDB splits a large bulk write itself, 500 keeps a reply small. */
export const writesPerCallOn = (ferret: boolean) => (ferret ? FERRETDB_WRITES_PER_CALL : 500);

let paths: ApplierPaths = {
  sourceCacheLimit: Infinity,
  fewIdsOneByOne: true,
  cellReads: CellReads.ById,
  cellWritesPerCall: FERRETDB_WRITES_PER_CALL,
};
/** Sets the applier's per-server paths; appliers created afterwards use them. */
export const configureApplier = (p: Partial<ApplierPaths>) => {
  paths = { ...paths, ...p };
};
/** The applier's per-server paths, as set. */
export const applierPaths = (): ApplierPaths => paths;

/** Up to this many replaced facts are deleted one statement each (see deleteFacts). */
const FEW_IDS = 16;

/**
 * Deletes facts by id in one call. Few ids go as one statement each: an `_id` look-up that FerretDB hands to its
 * backend. Many go as one `$in`, which FerretDB filters document by document in Go, once per call however many ids.
 * On MongoDB both are index look-ups and one `$in` is one round trip, so it always goes as one call. Measured here (bench `storage`, 16,000 documents): one
 * `_id` delete 11–116 ms, one `$in` of 200 ids 1.3–1.4 s; a live projection's batches mostly replace a few facts.
 */
async function deleteFacts(facts: Collection<Fact>, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  if (paths.fewIdsOneByOne && ids.length <= FEW_IDS)
    return (
      await facts.bulkWrite(
        ids.map((_id) => ({ deleteOne: { filter: { _id } } })),
        { ordered: false },
      )
    ).deletedCount;
  return (await facts.deleteMany({ _id: { $in: ids } })).deletedCount;
}

/** Swallows an unordered insert's failure when every document it refused was already there (a redelivery). */
function ignoreDuplicates(e: unknown) {
  const errors = (e as { writeErrors?: Array<{ code: number }> | { code: number } }).writeErrors;
  const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
  if (!list.length || list.some((w) => w.code !== 11000)) throw e;
}
