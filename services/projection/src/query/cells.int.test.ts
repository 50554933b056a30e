import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import { isolatedEnv, prng } from '@passerelle/testkit';
import { generateEvents } from '@passerelle/testkit/history';
import type { Principal } from '@passerelle/platform';
import {
  applierPaths,
  CellReads,
  configureApplier,
  forgetGuards,
  readModel,
  type Sequenced,
} from '../apply/read-model.js';
import { CELL_KINDS } from '../apply/cells.js';
import { CELLS_MARK } from '../apply/model-docs.js';
import { DIMENSION_FIELD, FactKind } from '../facts/facts.js';
import { factsheet } from '../reports/factsheet/factsheet.js';
import { indicatorProgress } from '../reports/progress.js';
import { threeW } from '../reports/three-w.js';
import { iatiActivities } from '../reports/iati/iati.js';
import { resolveScope } from '../reports/scope.js';
import { figure, Measure, type FigureQuery } from './figures.js';
import type { Policy } from './disclosure.js';
import { upgradeFromReplays } from '../main.js';
import { useFactCache, type FactsView } from './read.js';
import { createFactCache } from './fact-cache.js';

// Cells must give every figure exactly what the facts give, however the events arrived, and reports must read them.
const env = isolatedEnv('cells');
let client: MongoClient;
let db: Db;
const history = [...generateEvents({ seed: 7, count: 1500, prefix: env.prefix })].map((g, i): Sequenced => ({
  event: g.event as Sequenced['event'],
  seq: i + 1,
}));
const internal: Policy = { threshold: 5, internal: true };
const open: Policy = { threshold: 5, internal: false };
const staff: Principal = { actor: 'staff', scopes: new Set(['reports:read']), countries: new Set(['*']) };

async function applyAll(gen: string, batches: Sequenced[][]) {
  const model = readModel(db, gen);
  for (const b of batches) await model.applyBatch(b);
  return model;
}
const inBatches = (events: Sequenced[], size: number) =>
  Array.from({ length: Math.ceil(events.length / size) }, (_, i) => events.slice(i * size, (i + 1) * size));

beforeAll(async () => {
  client = await new MongoClient(env.infra.mongoUrl).connect();
  db = client.db(env.env('projection').MONGO_DB!);
  // Thousands of figures over a few hundred conditions: each condition is read once.
  useFactCache(createFactCache(10_000_000));
  await applyAll('ordered', inBatches(history, 50));
}, 600_000);
afterAll(async () => {
  useFactCache(createFactCache(0));
  await client?.close();
});

describe('cells', () => {
  it('are the same whatever the order, the batches and the redeliveries, after a restart too', async () => {
    const r = prng(11);
    // Windows of events shuffled, some batches delivered twice, and the applier's memory lost halfway.
    const shuffled = inBatches(history, 37).map((b) => [...b].sort(() => r.next() - 0.5));
    const batches = shuffled.flatMap((b, i) =>
      i % 5 === 2 ? [b, shuffled[i - 1]!.map((e) => ({ ...e, redelivered: true }))] : [b],
    );
    const half = Math.floor(batches.length / 2);
    // A restart halfway: the next applier reads the source log and the cell directory again.
    try {
      await applyAll('shuffled', batches.slice(0, half));
      forgetGuards();
      await applyAll('shuffled', batches.slice(half));
    } finally {
      forgetGuards();
    }
    const model = readModel(db, 'shuffled');
    const ordered = readModel(db, 'ordered');
    const [a, b] = await Promise.all([ordered.dumpCells(), model.dumpCells()]);
    expect(a.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
    expect(await model.dump()).toEqual(await ordered.dump());
  }, 300_000);

  it('hold fewer documents than the facts they stand for', async () => {
    const model = readModel(db, 'ordered');
    const facts = await model.facts.countDocuments({ kind: { $in: [...CELL_KINDS] } as never });
    const cells = (await model.dumpCells()).length;
    expect(facts).toBeGreaterThan(1000);
    expect(cells).toBeLessThan(facts);
  }, 60_000);

  it('read the same rows whichever way the server is asked: one $in, one id at a time, one query per country and kind', async () => {
    const view = readModel(db, 'ordered').view().facts;
    const queries: FigureQuery[] = [
      { match: { kind: FactKind.Beneficiaries, country: 'MA' }, measure: Measure.Unique, by: 'sex' },
      {
        match: { kind: FactKind.Attendance, businessDate: { $gte: '2020-04-01', $lte: '2021-03-31' } },
        measure: Measure.Sum,
        by: 'topic',
      },
    ];
    const was = applierPaths().cellReads;
    useFactCache(createFactCache(0));
    try {
      const answers = [];
      for (const how of Object.values(CellReads)) {
        configureApplier({ cellReads: how });
        answers.push(await Promise.all(queries.map((q) => figure(view, q, internal))));
      }
      expect(answers[0]![0]!.cells.length).toBeGreaterThan(1);
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
    } finally {
      configureApplier({ cellReads: was });
      useFactCache(createFactCache(10_000_000));
    }
  }, 120_000);

  it('give every figure the facts give: each kind, measure, breakdown, period and filter, public and internal', async () => {
    const view = readModel(db, 'ordered').view().facts;
    const factsOnly: FactsView = { collection: view.collection };
    const periods = [
      {},
      { businessDate: { $gte: '2020-04-01', $lte: '2020-06-30' } },
      // A programme year that starts mid-month: cells of its first and last months are read row by row.
      { businessDate: { $gte: '2020-03-15', $lte: '2021-03-14' } },
      { businessDate: '2020-05-11' },
    ];
    const measures: Array<Pick<FigureQuery, 'measure' | 'field'> & { kind: string }> = [
      { kind: FactKind.Attendance, measure: Measure.Sum },
      { kind: FactKind.Attendance, measure: Measure.Count },
      { kind: FactKind.TrainingsHeld, measure: Measure.Distinct, field: 'trainingId' },
      { kind: FactKind.KnowledgeTests, measure: Measure.Sum, field: 'tested' },
      { kind: FactKind.Beneficiaries, measure: Measure.Unique },
      { kind: FactKind.Beneficiaries, measure: Measure.Sum },
      { kind: FactKind.Deliveries, measure: Measure.Distinct, field: 'deliveryId' },
      { kind: FactKind.PartnersSupported, measure: Measure.Count },
      { kind: FactKind.Agreements, measure: Measure.Sum, field: 'amount' },
    ];
    const filters = [{}, { sex: 'female' }, { vulnerability: 'victim_of_trafficking' }];
    const bys = [undefined, ...new Set(Object.values(DIMENSION_FIELD)), 'partnerId'];
    let compared = 0;
    let nonZero = 0;
    for (const m of measures)
      for (const period of periods)
        for (const filter of filters)
          for (const by of bys)
            for (const policy of [internal, open]) {
              const q = {
                match: { kind: m.kind, country: 'MA', ...period, ...filter },
                measure: m.measure,
                field: m.field,
                by,
              };
              const [fromCells, fromFacts] = await Promise.all([figure(view, q, policy), figure(factsOnly, q, policy)]);
              expect({ q, cells: fromCells.cells }).toEqual({ q, cells: fromFacts.cells });
              expect(fromCells.hidden).toBe(fromFacts.hidden);
              compared++;
              if (fromFacts.cells.some((c) => Number(c.value) > 0)) nonZero++;
            }
    expect(compared).toBeGreaterThan(1000);
    expect(nonZero).toBeGreaterThan(300);
  }, 600_000);

  it('are what reports read: the factsheet, indicator progress, 3W and IATI stay the same without the facts they stand for', async () => {
    const model = await applyAll('reports', inBatches(history, 100));
    const view = model.view().facts;
    const reports = async () => {
      const scope = await resolveScope(view, { period: '2020', country: 'MA' }, staff);
      return {
        factsheet: await factsheet(view, 'ARMP-MA', 'PY1', 'en', staff, open, { now: new Date('2026-01-01') }),
        progress: await indicatorProgress(view, 'ARMP-MA', 'PY1', staff, open),
        threeW: await threeW(view, scope, 'quarter', open),
        iati: await iatiActivities(view, {
          frameworkId: 'ARMP-MA',
          principal: staff,
          protection: open,
          now: new Date('2026-01-01'),
        }),
      };
    };
    const before = await reports();
    expect(Number(before.factsheet.keyFigures.participants.value)).toBeGreaterThan(0);
    const removed = await model.facts.deleteMany({ kind: { $in: [...CELL_KINDS] } as never });
    expect(removed.deletedCount).toBeGreaterThan(1000);
    expect(await reports()).toEqual(before);
  }, 300_000);

  it('after a batch, a cached report reads again only the cells (month pages) the batch touched, and answers as a cold read', async () => {
    await applyAll('incremental', inBatches(history.slice(0, 1200), 100));
    // Reads go through a client of their own, whose commands are counted: which cell ids each read asks for.
    const watched = await new MongoClient(env.infra.mongoUrl, { monitorCommands: true }).connect();
    const asked: string[] = [];
    watched.on('commandStarted', (e) => {
      if (e.commandName !== 'find' || e.command.find !== 'gincremental_cells') return;
      const id = (e.command.filter as { _id?: unknown })._id;
      asked.push(...(typeof id === 'string' ? [id] : ((id as { $in?: string[] } | undefined)?.$in ?? ['(all)'])));
    });
    try {
      const model = readModel(watched.db(db.databaseName), 'incremental');
      const q = { match: { kind: FactKind.Beneficiaries, country: 'MA' }, measure: Measure.Unique, by: 'sex' };
      const cellsOf = async () =>
        new Map(
          (await model.dumpCells())
            .filter((c) => c.kind === FactKind.Beneficiaries && c.country === 'MA')
            .map((c) => [c._id, JSON.stringify(c)]),
        );
      await figure(model.view().facts, q, internal);
      const all = asked.length;
      expect(all).toBeGreaterThan(10);
      asked.length = 0;
      await figure(model.view().facts, q, internal);
      expect(asked).toEqual([]);
      // Events one by one until one changes these cells: the cells it changed must be read again, and few others.
      const before = await cellsOf();
      let changed: string[] = [];
      for (const e of history.slice(1200)) {
        await model.applyBatch([e]);
        const after = await cellsOf();
        changed = [...after].filter(([id, c]) => before.get(id) !== c).map(([id]) => id);
        if (changed.length) break;
      }
      expect(changed.length).toBeGreaterThan(0);
      asked.length = 0;
      const warm = await figure(model.view().facts, q, internal);
      for (const id of changed) expect(asked).toContain(id);
      expect(asked.length).toBeLessThanOrEqual(3);
      useFactCache(createFactCache(0));
      try {
        expect(warm.cells).toEqual((await figure(model.view().facts, q, internal)).cells);
      } finally {
        useFactCache(createFactCache(10_000_000));
      }
    } finally {
      await watched.close();
    }
  }, 300_000);

  it('of a generation written before cells, or with an older layout, are not read: its facts answer until the rebuild start-up asks for', async () => {
    const model = await applyAll('before_cells', inBatches(history.slice(0, 600), 100));
    const q = { match: { kind: FactKind.Beneficiaries, country: 'MA' }, measure: Measure.Unique, by: 'sex' };
    const expected = await figure({ collection: model.facts }, q, internal);
    expect(await model.hasCells()).toBe(true);
    await model.cells.deleteMany({});
    await model.checkpoint.deleteOne({ _id: CELLS_MARK });
    // What the first layout (a cell per tuple of dimensions) left: its own mark, not this one.
    await model.checkpoint.insertOne({ _id: 'cells', at: new Date() } as never);
    forgetGuards();
    const old = readModel(db, 'before_cells');
    expect(await old.hasCells()).toBe(false);
    expect((await figure(old.view().facts, q, internal)).cells).toEqual(expected.cells);
    expect(expected.cells.length).toBeGreaterThan(1);
    const asked: string[] = [];
    await upgradeFromReplays(db, old, (actor) => (asked.push(actor), {}));
    expect(asked).toEqual(['upgrade: cells for reports']);
  });
});
