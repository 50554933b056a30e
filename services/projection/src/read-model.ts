import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { Envelope } from '@passerelle/contracts';
import { changesOf, type Fact } from './facts.js';

interface SourceDoc {
  _id: string;
  lastSeq: number;
  /** How many facts the source holds; facts are `<source>#0..count-1`, so stale ones are deleted by id. */
  count: number;
  /** The most fact ids ever written for the source, recorded before writing them, so a crash leaks none. */
  reserved: number;
}

export interface Sequenced {
  event: Envelope;
  seq: number;
}

/**
 * One generation of the read model: facts replaced per source, each source guarded by the highest stream
 * sequence applied to it. Because a source always ends up holding the facts of its newest event, applying
 * events twice, out of order or after a crash converges to the same model as a clean replay.
 */
export function readModel(db: Db, gen: number | string) {
  const facts = db.collection<Fact>(`g${gen}_facts`);
  const sources = db.collection<SourceDoc>(`g${gen}_sources`);
  const checkpoint = db.collection<{ _id: string; seq: number; applied: number; at: Date }>(`g${gen}_checkpoint`);

  return {
    gen,
    facts,
    /**
     * Applies events (in stream order) in a few bulk writes: fact-id reservations, facts, stale-fact deletes,
     * source guards, the checkpoint. A crash between them leaves guards behind facts, so the redelivery writes
     * the same facts again: no effect.
     */
    async applyBatch(batch: Sequenced[]): Promise<{ applied: number; duplicates: number }> {
      if (!batch.length) return { applied: 0, duplicates: 0 };
      // Within a batch only the newest event of each source matters: it replaces whatever came before.
      const latest = new Map<string, { change: ReturnType<typeof changesOf>[number]; event: Envelope; seq: number }>();
      for (const { event, seq } of batch) for (const change of changesOf(event)) latest.set(change.source, { change, event, seq });
      const guards = new Map((await sources.find({ _id: { $in: [...latest.keys()] } }).toArray()).map((s) => [s._id, s]));
      const replaces: AnyBulkWriteOperation<Fact>[] = [];
      const stale: string[] = [];
      const guardOps: AnyBulkWriteOperation<SourceDoc>[] = [];
      const reservations: AnyBulkWriteOperation<SourceDoc>[] = [];
      let duplicates = 0;
      for (const [source, { change, event, seq }] of latest) {
        const guard = guards.get(source);
        if ((guard?.lastSeq ?? 0) >= seq) {
          duplicates++;
          continue;
        }
        change.facts.forEach((f, i) => {
          const doc: Fact = { ...f, _id: `${source}#${i}`, source, seq, eventId: event.id, eventType: event.type, country: event.country, recordedAt: event.time };
          replaces.push({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } });
        });
        // Plain _id deletes: a filter on other fields makes FerretDB scan the whole collection.
        const reserved = Math.max(guard?.reserved ?? 0, guard?.count ?? 0);
        for (let i = change.facts.length; i < reserved; i++) stale.push(`${source}#${i}`);
        if (change.facts.length > reserved) reservations.push({ updateOne: { filter: { _id: source }, update: { $max: { reserved: change.facts.length }, $setOnInsert: { lastSeq: 0, count: 0 } }, upsert: true } });
        guardOps.push({ updateOne: { filter: { _id: source }, update: { $set: { lastSeq: seq, count: change.facts.length }, $max: { reserved: change.facts.length } }, upsert: true } });
      }
      if (reservations.length) await sources.bulkWrite(reservations, { ordered: false });
      if (replaces.length) await facts.bulkWrite(replaces, { ordered: false });
      if (stale.length) await facts.deleteMany({ _id: { $in: stale } });
      if (guardOps.length) await sources.bulkWrite(guardOps, { ordered: false });
      const last = batch[batch.length - 1]!.seq;
      await checkpoint.updateOne({ _id: 'checkpoint' }, { $max: { seq: last }, $inc: { applied: batch.length }, $set: { at: new Date() } }, { upsert: true });
      return { applied: latest.size - duplicates, duplicates };
    },
    /** Highest stream sequence this generation has seen. */
    async lastSeq(): Promise<number> {
      return (await checkpoint.findOne({ _id: 'checkpoint' }))?.seq ?? 0;
    },
    /** Every fact, in a stable order: what two models are compared by. */
    async dump(): Promise<Fact[]> {
      return facts.find({}, { projection: { recordedAt: 0 } }).sort({ _id: 1 }).toArray();
    },
  };
}
export type ReadModel = ReturnType<typeof readModel>;
