import { describe, expect, it } from 'vitest';
import { bucket } from './three-w.js';

describe('3W time buckets', () => {
  it('puts a business date in its month, quarter and year', () => {
    expect(['2020-01-31', '2020-03-31', '2020-04-01', '2020-12-31'].map((d) => bucket(d, 'quarter'))).toEqual([
      '2020-Q1',
      '2020-Q1',
      '2020-Q2',
      '2020-Q4',
    ]);
    expect(bucket('2019-10-05', 'month')).toBe('2019-10');
    expect(bucket('2019-10-05', 'year')).toBe('2019');
  });
});
