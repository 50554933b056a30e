import { describe, expect, it } from 'vitest';
import { percentiles, quantile, rate, ratioOf, until } from './stats.js';

describe('bench statistics', () => {
  it('takes quantiles by nearest rank, whatever the order of the values', () => {
    const values = [9, 1, 7, 3, 5, 2, 8, 4, 10, 6];
    expect(quantile(values, 0.5)).toBe(5);
    expect(quantile(values, 0.9)).toBe(9);
    expect(quantile(values, 0.99)).toBe(10);
    expect(quantile(values, 0)).toBe(1);
    expect(quantile([42], 0.99)).toBe(42);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('says null, not NaN, for percentiles of nothing measured, and rounds to 0.1 ms', () => {
    expect(percentiles([])).toEqual({ p50: null, p95: null, p99: null, max: null, n: 0 });
    expect(percentiles([1.26, 2.34])).toEqual({ p50: 1.3, p95: 2.3, p99: 2.3, max: 2.3, n: 2 });
  });

  it('gives a ratio only of two measured figures, and never divides by zero', () => {
    expect(ratioOf(300, 200)).toBe(1.5);
    expect(ratioOf(1, 3)).toBe(0.33);
    expect(ratioOf(5, 0)).toBe(5);
    expect(ratioOf(undefined, 200)).toBeNull();
    expect(ratioOf(200, null)).toBeNull();
    expect(rate(1_000, 4)).toBe(250);
    expect(rate(1_000, 0)).toBe(0);
  });

  it('waits until a check answers, or says what it waited for', async () => {
    let calls = 0;
    await expect(until(async () => (++calls >= 3 ? 'ready' : undefined), 1_000, 'the third call', 1)).resolves.toBe(
      'ready',
    );
    await expect(until(async () => undefined, 20, 'nothing', 5)).rejects.toThrow('waiting for nothing');
  });
});
