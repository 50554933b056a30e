import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import { isolatedEnv } from '@passerelle/testkit';
import { FERRETDB_WRITES_PER_CALL } from './applier.js';
import { createCellStore, type CellChange } from './cell-store.js';
import type { CellDoc, CellHead, Part } from './cells.js';
import { CELL_DIRECTORY, type CellDirectory } from './model-docs.js';

// The cell store alone, against the database: many cells in one batch from four writers at once, and a writer that starts on cells it did not write.
const env = isolatedEnv('cellstore');
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = await new MongoClient(env.infra.mongoUrl).connect();
  db = client.db(env.env('projection').MONGO_DB!);
});
afterAll(() => client?.close());

const directory = (name: string) => db.collection<CellDirectory>(`${name}_checkpoint`);
const head = (i: number): CellHead => ({
  _id: `MA|participants|2024-01|c${i}`,
  country: 'MA',
  kind: 'participants',
  month: '2024-01',
});
const change = (source: string, seq: number, cells: number, value: number): CellChange => ({
  source,
  seq,
  parts: new Map(
    Array.from({ length: cells }, (_, i) => {
      const part: Part = { source, seq, rows: [{ n: 1, value }] };
      return [head(i)._id, { head: head(i), part }] as const;
    }),
  ),
  before: Array.from({ length: cells }, (_, i) => head(i)._id),
});
const values = async (name: string) =>
  (await db.collection<CellDoc>(name).find({}).sort({ _id: 1 }).toArray()).map((c) =>
    c.parts.map((p) => [p.source, p.seq, p.rows[0]!.value]),
  );

describe('the cell store', () => {
  it('four writers replace 150 cells each at once, as partitions do, and the server still answers', async () => {
    // FerretDB holds a storage connection per statement of an update command until it ends: four calls of 50 took
    // the whole pool of its SQLite backend (100) and it never answered again (50 alone on PostgreSQL).
    const names = ['many_cells_a', 'many_cells_b', 'many_cells_c', 'many_cells_d'];
    const stores = names.map((name) =>
      createCellStore(db.collection<CellDoc>(name), directory(name), {
        limit: 1_000,
        conditional: false,
        readOneByOne: true,
        writesPerCall: FERRETDB_WRITES_PER_CALL,
      }),
    );
    await Promise.all(stores.map((s) => s.apply([change('s1', 1, 150, 1)])));
    await Promise.all(stores.map((s) => s.apply([change('s1', 2, 150, 2)])));
    for (const name of names) {
      const cells = await values(name);
      expect(cells).toHaveLength(150);
      expect(new Set(cells.map((c) => JSON.stringify(c)))).toEqual(new Set([JSON.stringify([['s1', 2, 2]])]));
      // Readers find cells by the directory: every cell written is in it, once.
      const listed = (await directory(name).findOne({ _id: CELL_DIRECTORY }))!.ids;
      expect([...listed].sort()).toEqual(Array.from({ length: 150 }, (_, i) => head(i)._id).sort());
    }
  }, 60_000);

  it('started on cells another writer left, holds them all, or reads back those it does not hold', async () => {
    for (const limit of [1_000, 10]) {
      const name = `restart_${limit}`;
      await createCellStore(db.collection<CellDoc>(name), directory(name), {
        limit,
        conditional: false,
        readOneByOne: true,
        writesPerCall: FERRETDB_WRITES_PER_CALL,
      }).apply([change('a', 1, 30, 1)]);
      // A new process: its store holds nothing, and must not take the cells that exist for new ones.
      await createCellStore(db.collection<CellDoc>(name), directory(name), {
        limit,
        conditional: false,
        readOneByOne: true,
        writesPerCall: FERRETDB_WRITES_PER_CALL,
      }).apply([change('b', 5, 30, 7)]);
      const cells = await values(name);
      expect(cells).toHaveLength(30);
      for (const c of cells)
        expect(c).toEqual([
          ['a', 1, 1],
          ['b', 5, 7],
        ]);
    }
  });
});
