import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { Envelope } from '@passerelle/contracts';
import { changesOf, type Fact } from './facts.js';

/** What the model knows of one source. */
interface SourceState {
  lastSeq: number;
  /** How many facts the source holds; facts are `<source>#0..count-1`, so stale ones are deleted by id. */
  count: number;
  /** The most fact ids ever written for the source, recorded before writing them, so a crash leaks none. */
  reserved: number;
}

/**
 * Source guards are an append-only log (`<source>@<seq>` when applied, `<source>@<seq>:r` for a reservation):
 * inserts are the one write FerretDB does without scanning the collection. Loading folds them per source.
 */
interface SourceDoc extends SourceState {
  _id: string;
  source: string;
}

export interface Sequenced {
  event: Envelope;
  seq: number;
}

/**
 * One generation of the read model: facts replaced per source, each source guarded by the highest stream
 * sequence applied to it. Because a source always ends up holding the facts of its newest event, applying
 * events twice, out of order or after a crash converges to the same model as a clean replay.
 *
 * Source guards are cached in memory (one worker per generation and partition writes them), loaded once:
 * on FerretDB every look-up that is not a whole-collection read costs a scan, so the hot path only writes.
 */
export function readModel(db: Db, gen: number | string) {
  const facts = db.collection<Fact>(`g${gen}_facts`);
  const sources = db.collection<SourceDoc>(`g${gen}_sources`);
  const checkpoint = db.collection<{ _id: string; seq: number; applied: number; at: Date }>(`g${gen}_checkpoint`);
  return { gen, facts, sources, checkpoint, applyBatch: (batch: Sequenced[]) => applier(db, gen).apply(batch), lastSeq, dump };

  async function lastSeq(): Promise<number> {
    return (await checkpoint.findOne({ _id: 'checkpoint' }))?.seq ?? 0;
  }
  /** Every fact, in a stable order: what two models are compared by. */
  async function dump(): Promise<Fact[]> {
    return facts.find({}, { projection: { recordedAt: 0 } }).sort({ _id: 1 }).toArray();
  }
}
export type ReadModel = ReturnType<typeof readModel>;

const appliers = new Map<string, ReturnType<typeof createApplier>>();

/** The applier of a generation, shared in this process so its guard cache stays the single source of truth here. */
function applier(db: Db, gen: number | string) {
  const key = `${db.databaseName}/${gen}`;
  let a = appliers.get(key);
  if (!a) appliers.set(key, (a = createApplier(db, gen)));
  return a;
}

/** Forgets cached guards (after a generation is dropped, or in tests that restart a projection in-process). */
export const forgetGuards = () => appliers.clear();

function createApplier(db: Db, gen: number | string) {
  const facts = db.collection<Fact>(`g${gen}_facts`);
  const sources = db.collection<SourceDoc>(`g${gen}_sources`);
  const checkpoint = db.collection<{ _id: string; seq: number; applied: number; at: Date }>(`g${gen}_checkpoint`);
  let guards: Promise<Map<string, SourceState>> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const load = () => (guards ??= sources.find({}).toArray().then((all) => {
    const map = new Map<string, SourceState>();
    for (const d of all) {
      const g = map.get(d.source) ?? { lastSeq: 0, count: 0, reserved: 0 };
      if (d.lastSeq > g.lastSeq) Object.assign(g, { lastSeq: d.lastSeq, count: d.count });
      g.reserved = Math.max(g.reserved, d.reserved, d.count);
      map.set(d.source, g);
    }
    return map;
  }));

  /**
   * Applies events (in stream order): reserve fact ids of growing sources, write facts, delete stale facts, then
   * move the source guards and the checkpoint. A crash between steps leaves guards behind facts, so the
   * redelivery writes the same facts again: no effect.
   */
  async function apply(batch: Sequenced[]): Promise<{ applied: number; duplicates: number }> {
    if (!batch.length) return { applied: 0, duplicates: 0 };
    const known = await load();
    // Within a batch only the newest event of each source matters: it replaces whatever came before.
    const latest = new Map<string, { change: ReturnType<typeof changesOf>[number]; event: Envelope; seq: number }>();
    for (const { event, seq } of batch) for (const change of changesOf(event)) latest.set(change.source, { change, event, seq });
    const inserts: Fact[] = [];
    const replaces: AnyBulkWriteOperation<Fact>[] = [];
    const stale: string[] = [];
    const reservations: SourceDoc[] = [];
    const next = new Map<string, SourceState & { seq: number }>();
    let duplicates = 0;
    for (const [source, { change, event, seq }] of latest) {
      const guard = known.get(source);
      if ((guard?.lastSeq ?? 0) >= seq) {
        duplicates++;
        continue;
      }
      const reserved = Math.max(guard?.reserved ?? 0, guard?.count ?? 0);
      change.facts.forEach((f, i) => {
        const doc: Fact = { ...f, _id: `${source}#${i}`, source, seq, eventId: event.id, eventType: event.type, country: event.country, recordedAt: event.time };
        // Ids never written before are inserted (fast everywhere); ids that may exist are replaced by _id.
        if (i < reserved) replaces.push({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } });
        else inserts.push(doc);
      });
      for (let i = change.facts.length; i < reserved; i++) stale.push(`${source}#${i}`);
      const after = { lastSeq: seq, count: change.facts.length, reserved: Math.max(reserved, change.facts.length), seq };
      if (change.facts.length > reserved) reservations.push({ _id: `${source}@${seq}:r`, source, lastSeq: 0, count: 0, reserved: change.facts.length });
      next.set(source, after);
    }
    // 1. Reservations: a crash after facts are written still knows which ids to clean.
    if (reservations.length) await sources.insertMany(reservations, { ordered: false }).catch(ignoreDuplicates);
    // 2. Facts. An insert can meet an id a crashed run already wrote: that is the same fact, so it is replaced.
    if (inserts.length) {
      await facts.insertMany(inserts, { ordered: false }).catch(async (e) => {
        const failed = new Set(duplicateIndexes(e));
        await facts.bulkWrite(inserts.filter((_d, i) => failed.has(i)).map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })), { ordered: false });
      });
    }
    if (replaces.length) await facts.bulkWrite(replaces, { ordered: false });
    if (stale.length) await facts.deleteMany({ _id: { $in: stale } });
    // 3. Guards and checkpoint.
    if (next.size) {
      const applied = [...next].map(([source, g]) => ({ _id: `${source}@${g.seq}`, source, lastSeq: g.lastSeq, count: g.count, reserved: g.reserved }));
      await sources.insertMany(applied, { ordered: false }).catch(ignoreDuplicates);
      for (const [k, g] of next) known.set(k, { lastSeq: g.lastSeq, count: g.count, reserved: g.reserved });
    }
    const last = batch[batch.length - 1]!.seq;
    await checkpoint.updateOne({ _id: 'checkpoint' }, { $max: { seq: last }, $inc: { applied: batch.length }, $set: { at: new Date() } }, { upsert: true });
    return { applied: next.size, duplicates };
  }

  return {
    /** Batches of one generation are applied one after another, in the order given. */
    apply(batch: Sequenced[]) {
      const run = queue.then(() => apply(batch));
      queue = run.catch(() => {
        // A failed write may have left the database ahead of the cache; reload the guards next time.
        guards = undefined;
      });
      return run;
    },
  };
}

function duplicateIndexes(e: unknown): number[] {
  const errors = (e as { writeErrors?: Array<{ code: number; index: number }> | { code: number; index: number } }).writeErrors;
  const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
  if (!list.length || list.some((w) => w.code !== 11000)) throw e;
  return list.map((w) => w.index);
}

function ignoreDuplicates(e: unknown) {
  duplicateIndexes(e);
}
