import type { Infra } from '../infra.js';

export interface StorageOptions {
  /** Collection sizes at which each operation is timed, smallest first. */
  sizes: number[];
  /** Operations timed per kind and size (deletes and inserts: a fifth of it). */
  samples: number;
  log: (line: string) => void;
}

interface Doc {
  _id: string;
  version: number;
  kind: string;
  country: string;
  businessDate: string;
  source: string;
  sex: string;
  ageGroup: string;
  count: number;
  note: string;
}

const doc = (i: number): Doc => ({
  _id: `fact-${String(i).padStart(8, '0')}`,
  version: 1,
  kind: 'participation',
  country: 'MA',
  businessDate: `2026-0${1 + (i % 9)}-1${i % 10}`,
  source: `training:${i % 5000}`,
  sex: i % 2 ? 'female' : 'male',
  ageGroup: 'adult',
  count: 1,
  note: 'x'.repeat(120),
});

/**
 * Raw server scenario: the time of the single-document operations the platform relies on (read, update and
 * conditional update by _id, delete of 200 ids, insert of 200; 20 documents by an indexed field; the whole collection),
 * at growing collection sizes. On MongoDB an _id
 * operation costs the same at any size; a server whose cost grows with the collection bounds every other figure.
 */
export async function storageScenario(infra: Infra, o: StorageOptions) {
  const space = await infra.space('storage');
  const coll = infra.mongo.db(space.db('raw')).collection<Doc>('docs');
  let size = 0;
  const rows = [];
  // As on the projection's source log, where a bounded applier reads missing sources back by name.
  await coll.createIndex({ source: 1 });
  try {
    for (const target of o.sizes) {
      while (size < target) {
        const n = Math.min(1000, target - size);
        await coll.insertMany(
          Array.from({ length: n }, (_, k) => doc(size + k)),
          { ordered: false },
        );
        size += n;
      }
      o.log(`  ${size} documents`);
      const at = (k: number) => (k * 7919) % size;
      const pick = (k: number) => doc(at(k))._id;
      const findOne = await timed(o.samples, (k) => coll.findOne({ _id: pick(k) }));
      const update = await timed(o.samples, (k) => coll.updateOne({ _id: pick(k) }, { $inc: { count: 1 } }));
      const conditional = await timed(o.samples, (k) =>
        coll.updateOne({ _id: pick(k), version: 1 }, { $inc: { count: 1 } }),
      );
      const deleteOne = await timed(
        o.samples,
        (k) => coll.deleteOne({ _id: pick(k) }),
        (k) => coll.insertOne(doc(at(k))),
      );
      const batches = Math.max(1, Math.floor(o.samples / 5));
      // 200 existing ids deleted, then put back untimed so the size stays as stated.
      const some = (k: number) => [...new Set(Array.from({ length: 200 }, (_, j) => at(k * 200 + j)))];
      const deleteMany = await timed(
        batches,
        (k) => coll.deleteMany({ _id: { $in: some(k).map((i) => doc(i)._id) } }),
        (k) => coll.insertMany(some(k).map(doc), { ordered: false }),
      );
      const extra = (k: number) =>
        Array.from({ length: 200 }, (_, j) => ({ ...doc(size + j), _id: `extra-${k}-${j}` }));
      const insertMany = await timed(
        batches,
        (k) => coll.insertMany(extra(k)),
        (k) => coll.deleteMany({ _id: { $in: extra(k).map((d) => d._id) } }),
      );
      // The projection's choice per server: read 20 sources back by an indexed field, or hold the whole log read once.
      const sources = (k: number) => Array.from({ length: 20 }, (_, j) => `training:${(k * 20 + j) % 5000}`);
      const findByField20 = await timed(batches, (k) => coll.find({ source: { $in: sources(k) } }).toArray());
      const findAll = await timed(1, () => coll.find({}).toArray());
      rows.push({
        documents: size,
        findOneMs: findOne,
        updateOneMs: update,
        conditionalUpdateMs: conditional,
        deleteOneMs: deleteOne,
        deleteMany200Ms: deleteMany,
        insertMany200Ms: insertMany,
        findByIndexedField20Ms: findByField20,
        findAllMs: findAll,
      });
    }
  } finally {
    await coll.drop().catch(() => undefined);
  }
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const growth = (k: keyof typeof first) =>
    Math.round(((last[k] as number) / Math.max(0.01, first[k] as number)) * 10) / 10;
  return {
    rows,
    growthFromSmallestToLargest: {
      sizeRatio: last.documents / first.documents,
      findOne: growth('findOneMs'),
      updateOne: growth('updateOneMs'),
      conditionalUpdate: growth('conditionalUpdateMs'),
      deleteOne: growth('deleteOneMs'),
      deleteMany200: growth('deleteMany200Ms'),
      insertMany200: growth('insertMany200Ms'),
      findByIndexedField20: growth('findByIndexedField20Ms'),
      findAll: growth('findAllMs'),
    },
  };
}

/** Mean milliseconds of `n` runs of op (after each, `after` runs untimed). */
async function timed(
  n: number,
  op: (k: number) => Promise<unknown>,
  after?: (k: number) => Promise<unknown>,
): Promise<number> {
  let total = 0;
  for (let k = 0; k < n; k++) {
    const t0 = performance.now();
    await op(k);
    total += performance.now() - t0;
    await after?.(k);
  }
  return Math.round((total / n) * 100) / 100;
}
