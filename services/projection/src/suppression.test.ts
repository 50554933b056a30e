import { describe, expect, it } from 'vitest';
import { suppress } from './suppression.js';

const breakdown = [
  { key: 'none', value: 130 },
  { key: 'victim_of_trafficking', value: 3 },
  { key: 'unaccompanied_separated_child', value: 12 },
  { key: 'disability', value: 5 },
];
const total = 150;

describe('small-cell suppression', () => {
  it('hides a sensitive cell under the threshold, and a second cell so subtraction cannot undo it', () => {
    const { cells, hidden } = suppress(breakdown, { threshold: 5, sensitiveIndicator: false });
    expect(hidden).toBe(2);
    expect(cells.find((c) => c.key === 'victim_of_trafficking')).toEqual({ key: 'victim_of_trafficking', value: '<5', suppressed: true });
    expect(cells.find((c) => c.key === 'disability')).toEqual({ key: 'disability', value: null, suppressed: true });
  });

  it('an attacker who knows the total cannot recover the hidden value', () => {
    const { cells } = suppress(breakdown, { threshold: 5, sensitiveIndicator: false });
    const visible = cells.filter((c) => typeof c.value === 'number').reduce((n, c) => n + (c.value as number), 0);
    const hiddenSum = total - visible;
    // Values of the '<5' cell that fit everything shown: 1..4, with the complementary cell taking the rest (≥ 1).
    const candidates = [1, 2, 3, 4].filter((v) => hiddenSum - v >= 1);
    expect(candidates).toEqual([1, 2, 3, 4]);
  });

  it('leaves non-sensitive small cells of a non-sensitive indicator, and zeros, as they are', () => {
    expect(suppress([{ key: 'male', value: 3 }, { key: 'female', value: 0 }], { threshold: 5, sensitiveIndicator: false }).hidden).toBe(0);
  });

  it('treats every cell of a sensitive indicator as sensitive, with a configurable threshold', () => {
    const { cells } = suppress([{ key: 'female', value: 8 }, { key: 'male', value: 9 }, { key: 'other', value: 20 }], { threshold: 10, sensitiveIndicator: true });
    expect(cells.map((c) => c.value)).toEqual(['<10', '<10', 20]);
  });
});
