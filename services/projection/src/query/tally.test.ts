import { describe, expect, it } from 'vitest';
import { Measure, tallyOf, tallyRows, type Doc } from './tally.js';

const k = (n: number) => n.toString(16).padStart(64, '0');
const victim = (d: Doc) => Array.isArray(d.vulnerability) && d.vulnerability.includes('victim_of_trafficking');
// Two deliveries to the same person (key 1), a victim (key 2), a counted row of 5 people and one of 3 victims.
const people: Doc[] = [
  { key: k(1), value: 1, sex: 'female', vulnerability: ['none'] },
  { key: k(1), value: 1, sex: 'female', vulnerability: ['none'] },
  { key: k(2), value: 1, sex: 'male', vulnerability: ['victim_of_trafficking', 'disability'] },
  { value: 5, sex: 'male', vulnerability: ['none'] },
  { value: 3, sex: 'male', vulnerability: ['victim_of_trafficking'] },
];

describe('tallies: figures split into an open and a protected part', () => {
  it('counts a person once, keeps people counted without a list apart, and splits both by protection', () => {
    expect(tallyOf(people, { measure: Measure.Unique }, victim)).toEqual({
      open: 6,
      protected: 4,
      parts: { keyed: { open: 1, protected: 1 }, counted: { open: 5, protected: 3 } },
    });
    expect(tallyOf(people, { measure: Measure.Sum }, victim)).toEqual({ open: 7, protected: 4 });
    expect(tallyOf(people, { measure: Measure.Count }, victim)).toEqual({ open: 3, protected: 2 });
  });
  it('a distinct value is protected when any of its records is', () => {
    const held = [
      { trainingId: 'a', v: 1 },
      { trainingId: 'a', v: 2 },
      { trainingId: 'b', v: 1 },
    ];
    expect(tallyOf(held, { measure: Measure.Distinct, field: 'trainingId' }, (d) => d.v === 2)).toEqual({
      open: 1,
      protected: 1,
    });
  });
  it('breaks an array dimension down value by value, and groups by computed keys', () => {
    const rows = tallyRows(people, { measure: Measure.Unique, by: 'vulnerability' }, victim);
    expect(rows.map((r) => [r.key, r.count.open, r.count.protected])).toEqual([
      ['disability', 0, 1],
      ['none', 6, 0],
      ['victim_of_trafficking', 0, 4],
    ]);
    const bySexTwice = tallyRows(people, { measure: Measure.Sum, groupOf: (d) => [String(d.sex), 'all'] }, victim);
    expect(bySexTwice.map((r) => [r.key, r.count.open + r.count.protected])).toEqual([
      ['all', 11],
      ['female', 2],
      ['male', 9],
    ]);
    expect(tallyRows([], { measure: Measure.Sum }, victim)).toEqual([]);
  });
});
