import { describe, expect, it } from 'vitest';
import { registry } from '@passerelle/contracts';
import { attackDataset, cellsOf, createAuditor, factsAt, minus } from './disclosure-attack.js';

describe('the attack harness itself', () => {
  it('recovers a hidden cell from a total and the visible cells of its breakdown, and not from unrelated figures', () => {
    const v = (...us: string[]) => new Map(us.map((u) => [u, 1]));
    const a = createAuditor();
    a.learn(v('x', 'y', 'z'));
    a.learn(v('x'));
    expect(a.recovers(v('y'))).toBe(false);
    a.learn(v('z'));
    // total − x − z = y: the classic attack on a breakdown with one hidden cell.
    expect(a.recovers(v('y'))).toBe(true);
    expect(a.recovers(v('w'))).toBe(false);
    expect(a.recovers(minus(v('x', 'y'), v('x')))).toBe(true);
  });

  it('makes datasets with small protected groups, and a reference model that follows corrections and voids', () => {
    const d = attackDataset(7, 'TN');
    // Every event is valid: one the projection dead-letters would make the reference model wrong.
    for (const seed of [7, 101, 102, 103])
      for (const e of attackDataset(seed, 'TN').events) registry.parse(JSON.stringify(e));
    const now = factsAt(d.events);
    const before = factsAt(d.events, d.instants[0]);
    const people = (facts: typeof now) =>
      [...cellsOf(facts, { kind: 'assistance_beneficiaries', measure: 'unique', country: 'TN' }).values()][0]?.size ??
      0;
    expect(people(now)).toBeGreaterThan(0);
    expect(now.filter((f) => f.kind === 'assistance_deliveries')).toHaveLength(9);
    expect(before.filter((f) => f.kind === 'assistance_deliveries')).toHaveLength(10);
    const victims = cellsOf(now, {
      kind: 'assistance_beneficiaries',
      measure: 'sum',
      country: 'TN',
      filters: { vulnerability: 'victim_of_trafficking' },
      by: 'deliveryId',
    });
    expect(victims.size).toBeGreaterThan(0);
  });
});
