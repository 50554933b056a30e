import { describe, expect, it } from 'vitest';
import { backendFrom, needsAggregateLock } from './backend.js';

// What the servers answer (FerretDB 1.24.2 on SQLite measured here; PostgreSQL's plan is its EXPLAIN JSON).
const mongoInfo = { version: '7.0.14', ok: 1 };
const ferretInfo = {
  version: '7.0.42',
  ferretdbVersion: 'v1.24.2',
  ferretdbFeatures: { aggregationStages: ['$match'] },
  ok: 1,
};
const sqlitePlan = { Plan: ['id=2 parent=0 notused=0 detail=SCAN t_f10c3da3'] };
const pgPlan = { Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 't_f10c3da3' } };

describe('the database backend, and whether writes need the per-aggregate lock', () => {
  it('MongoDB: no ferretdbVersion, its own version, no lock (its conditional single-document update is atomic)', () => {
    const b = backendFrom(mongoInfo);
    expect(b).toEqual({ engine: 'mongodb', version: '7.0.14' });
    expect(needsAggregateLock(b)).toBe(false);
  });

  it('FerretDB on SQLite or PostgreSQL, told apart by the plan it passes through; the lock either way', () => {
    expect(backendFrom(ferretInfo, sqlitePlan)).toEqual({ engine: 'ferretdb', backend: 'sqlite', version: 'v1.24.2' });
    expect(backendFrom(ferretInfo, pgPlan)).toEqual({ engine: 'ferretdb', backend: 'postgresql', version: 'v1.24.2' });
    for (const plan of [sqlitePlan, pgPlan, undefined])
      expect(needsAggregateLock(backendFrom(ferretInfo, plan))).toBe(true);
  });

  it('FerretDB without a collection to explain: the engine is known, the storage is left unnamed', () => {
    expect(backendFrom(ferretInfo, {})).toEqual({ engine: 'ferretdb', version: 'v1.24.2' });
  });
});
