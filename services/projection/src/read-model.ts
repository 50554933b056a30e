import type { Db } from 'mongodb';
import type { Envelope } from '@passerelle/contracts';
import { changesOf, type Fact } from './facts.js';

/**
 * Source guards are an append-only log (`<source>@<seq>`, one document per applied event): inserts are the one
 * write FerretDB does without scanning the collection. Loading keeps the highest sequence per source.
 */
interface SourceDoc {
  _id: string;
  source: string;
  lastSeq: number;
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
 * A fact's id carries the sequence of the event that made it (`<source>@<seq>#<n>`), so facts are only ever
 * inserted, never overwritten: a write of a killed process that reaches the database late can only add facts of
 * an older event, which are recognisable as stale (see `staleFacts`) instead of silently replacing newer ones.
 *
 * Source guards are cached in memory (one worker per generation and partition writes them), loaded once:
 * on FerretDB every look-up that is not a whole-collection read costs a scan, so the hot path only writes.
 */
export function readModel(db: Db, gen: number | string) {
  const facts = db.collection<Fact>(`g${gen}_facts`);
  const sources = db.collection<SourceDoc>(`g${gen}_sources`);
  const checkpoint = db.collection<{ _id: string; seq: number; applied: number; at: Date }>(`g${gen}_checkpoint`);
  return { gen, facts, sources, checkpoint, applyBatch: (batch: Sequenced[]) => applier(db, gen).apply(batch), sweep: () => applier(db, gen).sweep(), lastSeq, dump };

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
  let guards: Promise<Map<string, number>> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const load = () => (guards ??= sources.find({}).toArray().then((all) => {
    const map = new Map<string, number>();
    for (const d of all) map.set(d.source, Math.max(map.get(d.source) ?? 0, d.lastSeq));
    return map;
  }));

  /**
   * Applies events (in stream order): insert the new facts of each changed source, delete every other fact of
   * those sources, then record the source guards and the checkpoint. A crash between steps leaves guards behind
   * facts, so the redelivery inserts the same ids again (no effect) and deletes what is left of older events.
   */
  async function apply(batch: Sequenced[]): Promise<{ applied: number; duplicates: number }> {
    if (!batch.length) return { applied: 0, duplicates: 0 };
    const known = await load();
    // Within a batch only the newest event of each source matters: it replaces whatever came before.
    const latest = new Map<string, { change: ReturnType<typeof changesOf>[number]; event: Envelope; seq: number }>();
    for (const { event, seq } of batch) for (const change of changesOf(event)) latest.set(change.source, { change, event, seq });
    const inserts: Fact[] = [];
    const changed = new Map<string, number>();
    let duplicates = 0;
    for (const [source, { change, event, seq }] of latest) {
      if ((known.get(source) ?? 0) >= seq) {
        duplicates++;
        continue;
      }
      change.facts.forEach((f, i) => inserts.push({ ...f, _id: `${source}@${seq}#${i}`, source, seq, eventId: event.id, eventType: event.type, country: event.country, recordedAt: event.time }));
      changed.set(source, seq);
    }
    if (inserts.length) await facts.insertMany(inserts, { ordered: false }).catch(ignoreDuplicates);
    if (changed.size) {
      // Facts of these sources that are not the ones just written belong to older events (or to newer events a
      // crashed run wrote but never acknowledged: those come back by redelivery and are written again).
      const keep = inserts.map((f) => f._id);
      await facts.deleteMany({ source: { $in: [...changed.keys()] }, ...(keep.length ? { _id: { $nin: keep } } : {}) });
      const applied = [...changed].map(([source, seq]) => ({ _id: `${source}@${seq}`, source, lastSeq: seq }));
      await sources.insertMany(applied, { ordered: false }).catch(ignoreDuplicates);
      for (const [source, seq] of changed) known.set(source, seq);
    }
    const last = batch[batch.length - 1]!.seq;
    await checkpoint.updateOne({ _id: 'checkpoint' }, { $max: { seq: last }, $inc: { applied: batch.length }, $set: { at: new Date() } }, { upsert: true });
    return { applied: changed.size, duplicates };
  }

  /** Facts older than their source's newest applied event: what a late write of a killed process can leave. */
  async function staleFacts(): Promise<string[]> {
    const known = await load();
    const all = await facts.find({}, { projection: { _id: 1, source: 1, seq: 1 } }).toArray();
    return all.filter((f) => f.seq < (known.get(f.source) ?? 0)).map((f) => f._id);
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
    /** Deletes stale facts (in the apply queue, so no batch runs meanwhile); returns how many there were. */
    sweep() {
      const run = queue.then(async () => {
        const stale = await staleFacts();
        if (stale.length) await facts.deleteMany({ _id: { $in: stale } });
        return stale.length;
      });
      queue = run.catch(() => undefined);
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
