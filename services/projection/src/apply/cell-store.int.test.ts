import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import { isolatedEnv } from '@passerelle/testkit';
import { FERRETDB_WRITES_PER_CALL } from './applier.js';
import { createCellStore, type CellChange } from './cell-store.js';
import { partsIn, type CellDoc, type CellHead, type Part } from './cells.js';
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
  drop: new Map(
    Array.from({ length: seq - 1 }, (_, s) => [s + 1, Array.from({ length: cells }, (_, i) => head(i)._id)] as const),
  ),
});
const values = async (name: string) =>
  (await db.collection<CellDoc>(name).find({}).sort({ _id: 1 }).toArray()).map((c) =>
    partsIn(c).parts.map((p) => [p.source, p.seq, p.rows[0]!.value]),
  );
const store = (name: string) =>
  createCellStore(db.collection<CellDoc>(name), directory(name), { writesPerCall: FERRETDB_WRITES_PER_CALL });

describe('the cell store', () => {
  it('four writers replace 150 cells each at once, as partitions do, and the server still answers', async () => {
    // FerretDB holds a storage connection per statement of an update command until it ends: four calls of 50 took
    // the whole pool of its SQLite backend (100) and it never answered again (50 alone on PostgreSQL).
    const names = ['many_cells_a', 'many_cells_b', 'many_cells_c', 'many_cells_d'];
    const stores = names.map(store);
    await Promise.all(stores.map((s) => s.apply([change('s1', 1, 150, 1)])));
    await Promise.all(stores.map((s) => s.apply([change('s1', 2, 150, 2)])));
    for (const name of names) {
      // The replaced part is gone from the documents, not only hidden from readers.
      const stored = await db.collection<CellDoc>(name).findOne({ _id: head(0)._id });
      expect(Object.keys(stored!.parts)).toEqual(['s1@2']);
      const cells = await values(name);
      expect(cells).toHaveLength(150);
      expect(new Set(cells.map((c) => JSON.stringify(c)))).toEqual(new Set([JSON.stringify([['s1', 2, 2]])]));
      // Readers find cells by the directory: every cell written is in it, once.
      const listed = (await directory(name).findOne({ _id: CELL_DIRECTORY }))!.ids;
      expect([...listed].sort()).toEqual(Array.from({ length: 150 }, (_, i) => head(i)._id).sort());
    }
  }, 60_000);

  it('started on cells another writer left, adds its parts beside theirs without reading them', async () => {
    const name = 'restart';
    await store(name).apply([change('a', 1, 30, 1)]);
    // A new process: it holds nothing, and must neither take existing cells for new ones nor drop their parts.
    await store(name).apply([change('b', 5, 30, 7)]);
    const cells = await values(name);
    expect(cells).toHaveLength(30);
    for (const c of cells)
      expect(c).toEqual([
        ['a', 1, 1],
        ['b', 5, 7],
      ]);
    expect((await directory(name).findOne({ _id: CELL_DIRECTORY }))!.ids).toHaveLength(30);
  });

  it('inserts a cell it has not seen listed, and updates it instead when another writer inserted it meanwhile', async () => {
    const name = 'raced';
    const [x, y] = [store(name), store(name)];
    await x.apply([change('a', 1, 1, 1)]);
    await y.apply([change('b', 1, 2, 2)]);
    // x's directory still lacks cell 1, which y inserted: x's insert is refused, and its part is set by an update.
    await x.apply([change('c', 1, 2, 3)]);
    expect(await values(name)).toEqual([
      [
        ['a', 1, 1],
        ['b', 1, 2],
        ['c', 1, 3],
      ],
      [
        ['b', 1, 2],
        ['c', 1, 3],
      ],
    ]);
    expect((await directory(name).findOne({ _id: CELL_DIRECTORY }))!.ids).toHaveLength(2);
  });

  it('unsets a replaced part wherever it was, creates no cell for an unset alone, and keeps odd source names apart', async () => {
    const name = 'moves';
    const odd = 'delivery:a.b$c%2E:people';
    await store(name).apply([change(odd, 1, 3, 1), change('plain', 1, 1, 4)]);
    // The newer event of the odd source has parts in cell 2 only; the older ones in cells 0 and 1 go.
    const moved = change(odd, 2, 3, 9);
    moved.parts = new Map([...moved.parts].slice(2));
    await store(name).apply([moved]);
    expect(await values(name)).toEqual([[['plain', 1, 4]], [], [[odd, 2, 9]]]);
    // A sweep's unset of a part in a cell that is not there does not create it.
    await store(name).apply([
      { source: odd, seq: 2, parts: new Map(), drop: new Map([[1, ['MA|participants|2024-01|c7']]]) },
    ]);
    expect(await db.collection<CellDoc>(name).countDocuments({})).toBe(3);
  });

  it('held back for a rebuild, writes nothing until its rows pass the limit, then each cell once, as writing each batch would', async () => {
    const writes: string[] = [];
    const name = 'held';
    const held = store(name);
    const counted = db.collection<CellDoc>(name);
    const bulkWrite = counted.bulkWrite.bind(counted);
    // The store's collection, with its writes counted: one entry per cell update sent.
    const spy = Object.assign(Object.create(counted) as typeof counted, {
      bulkWrite: (ops: Parameters<typeof counted.bulkWrite>[0]) => {
        writes.push(...ops.map((o) => JSON.stringify(o)));
        return bulkWrite(ops, { ordered: false });
      },
    });
    const kept = createCellStore(spy, directory(name), { writesPerCall: FERRETDB_WRITES_PER_CALL });
    kept.hold(100);
    await kept.apply([change('a', 1, 20, 1)]);
    await kept.apply([change('a', 2, 20, 2)]);
    await kept.apply([change('b', 3, 20, 5)]);
    expect(writes).toEqual([]);
    expect(await counted.countDocuments({})).toBe(0);
    // Past the limit: the 20 cells are written once each, with the newest part of each source and no other.
    await kept.apply([change('c', 4, 20, 6), change('d', 5, 20, 7), change('e', 6, 20, 8), change('f', 7, 50, 9)]);
    expect(writes).toHaveLength(50);
    await kept.apply([change('a', 8, 20, 3)]);
    await kept.release();
    await held.apply([change('g', 9, 2, 4)]);
    const cells = await values(name);
    expect(cells).toHaveLength(50);
    expect(cells[0]).toEqual([
      ['a', 8, 3],
      ['b', 3, 5],
      ['c', 4, 6],
      ['d', 5, 7],
      ['e', 6, 8],
      ['f', 7, 9],
      ['g', 9, 4],
    ]);
    expect(cells[30]).toEqual([['f', 7, 9]]);
  });
});
