import { describe, expect, it } from 'vitest';
import { figureOf, Measure } from './figures.js';

const k = (n: number) => n.toString(16).padStart(64, '0');
// Two deliveries to the same person (key 1), another person, and a counted row of 5 people without keys.
const people = [
  { key: k(1), value: 1, sex: 'female', vulnerability: ['none'] },
  { key: k(1), value: 1, sex: 'female', vulnerability: ['none'] },
  { key: k(2), value: 1, sex: 'male', vulnerability: ['victim_of_trafficking', 'disability'] },
  { value: 5, sex: 'male', vulnerability: ['none'] },
];

describe('figures over facts read once', () => {
  it('counts a person once, and adds people without keys as totals', () => {
    expect(figureOf(people, { measure: Measure.Unique })).toEqual([{ key: null, value: 7 }]);
    expect(figureOf(people, { measure: Measure.Unique, by: 'sex' })).toEqual([{ key: 'female', value: 1 }, { key: 'male', value: 6 }]);
    expect(figureOf(people, { measure: Measure.Sum })).toEqual([{ key: null, value: 8 }]);
    expect(figureOf(people, { measure: Measure.Count })).toEqual([{ key: null, value: 4 }]);
  });
  it('breaks an array dimension down value by value, a fact under each of its values', () => {
    expect(figureOf(people, { measure: Measure.Unique, by: 'vulnerability' })).toEqual([
      { key: 'disability', value: 1 }, { key: 'none', value: 6 }, { key: 'victim_of_trafficking', value: 1 },
    ]);
  });
  it('counts distinct values of a field, missing values apart, and sums another field', () => {
    const trainings = [{ trainingId: 'a', tested: 4, value: 0 }, { trainingId: 'a', tested: 2, value: 0 }, { trainingId: 'b', value: 0 }, { value: 0 }];
    expect(figureOf(trainings, { measure: Measure.Distinct, field: 'trainingId' })).toEqual([{ key: null, value: 2 }]);
    expect(figureOf(trainings, { measure: Measure.Sum, field: 'tested' })).toEqual([{ key: null, value: 6 }]);
    expect(figureOf([], { measure: Measure.Sum })).toEqual([]);
    expect(figureOf([{ value: 3 }, { value: 2, region: 'Oriental' }], { measure: Measure.Sum, by: 'region' })).toEqual([{ key: null, value: 3 }, { key: 'Oriental', value: 2 }]);
  });
});
