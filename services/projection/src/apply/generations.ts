import type { Db } from 'mongodb';
import { ensureIndexes } from '@passerelle/platform';
import { forgetGuards } from './read-model.js';

export interface Meta {
  _id: string;
  generation?: number;
  counter?: number;
  builtUpTo?: number;
  at?: Date;
}

/**
 * The read model lives in numbered generations (collections g<N>_*). Readers follow rm_meta.current, so a rebuild
 * fills a new generation beside the live one and a single write switches everyone over: no empty or half report.
 */
export function createGenerations(db: Db) {
  const meta = db.collection<Meta>('rm_meta');
  let cached: { gen: number; at: number } | undefined;

  return {
    /** The generation reports read and live events go to (created on first use). */
    async current(): Promise<number> {
      if (cached && Date.now() - cached.at < 500) return cached.gen;
      let doc = await meta.findOne({ _id: 'current' });
      if (!doc) {
        await meta
          .updateOne({ _id: 'current' }, { $setOnInsert: { generation: 1 } }, { upsert: true })
          .catch(() => undefined);
        await meta.updateOne({ _id: 'counter' }, { $max: { counter: 1 } }, { upsert: true });
        doc = await meta.findOne({ _id: 'current' });
      }
      cached = { gen: doc!.generation!, at: Date.now() };
      return cached.gen;
    },
    /** A fresh generation number, never used before. */
    async allocate(): Promise<number> {
      await this.current();
      await meta.updateOne({ _id: 'counter' }, { $inc: { counter: 1 } }, { upsert: true });
      return (await meta.findOne({ _id: 'counter' }))!.counter!;
    },
    /** Points readers and the live projector at another generation. */
    async switchTo(gen: number): Promise<void> {
      await meta.updateOne({ _id: 'current' }, { $set: { generation: gen, at: new Date() } }, { upsert: true });
      cached = { gen, at: Date.now() };
    },
    /** Drops a generation's collections. */
    async drop(gen: number | string): Promise<void> {
      const names = (await db.listCollections({}, { nameOnly: true }).toArray())
        .map((c) => c.name)
        .filter((n) => n.startsWith(`g${gen}_`));
      for (const n of names)
        await db
          .collection(n)
          .drop()
          .catch(() => undefined);
      forgetGuards();
    },
    ensureIndexes: (gen: number | string) =>
      ensureIndexes(db, {
        [`g${gen}_facts`]: [
          { key: { source: 1 }, name: 'by_source' },
          { key: { kind: 1, country: 1, businessDate: 1 }, name: 'by_kind_country_date' },
          { key: { eventId: 1 }, name: 'by_event' },
        ],
        [`g${gen}_history`]: [{ key: { kind: 1, country: 1, businessDate: 1 }, name: 'by_kind_country_date' }],
        [`g${gen}_versions`]: [
          { key: { source: 1, seq: 1 }, name: 'by_source_seq' },
          { key: { recordedAt: 1 }, name: 'by_recorded_at' },
        ],
        [`g${gen}_cells`]: [{ key: { kind: 1, country: 1, month: 1 }, name: 'by_kind_country_month' }],
        // A bounded applier reads missing sources back by name (read-model.ts).
        [`g${gen}_sources`]: [{ key: { source: 1 }, name: 'by_source' }],
      }),
  };
}
export type Generations = ReturnType<typeof createGenerations>;
