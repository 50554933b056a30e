import { describe, expect, it } from 'vitest';
import { parsePeriod } from './periods.js';

describe('periods by business date', () => {
  it.each([
    ['2020', '2020-01-01', '2020-12-31'],
    ['2020-Q1', '2020-01-01', '2020-03-31'],
    ['2020-Q4', '2020-10-01', '2020-12-31'],
    ['2020-02', '2020-02-01', '2020-02-29'],
    ['PY1', '2019-10-01', '2020-09-30'],
    ['PY2', '2020-10-01', '2021-09-30'],
  ])('%s runs from %s to %s', (key, from, to) => {
    expect(parsePeriod(key, '2019-10-01')).toEqual({ key, from, to });
  });
  it('the whole programme has no bounds', () => {
    expect(parsePeriod('all')).toEqual({ key: 'all' });
  });
  it.each(['2020-Q5', '2020-13', 'PY0', 'last year'])('%s is refused', (key) => {
    expect(() => parsePeriod(key, '2019-10-01')).toThrow(/BAD_PERIOD|unknown period/);
  });
  it('programme years need a start date', () => {
    expect(() => parsePeriod('PY1')).toThrow(/programme start/);
  });
});
