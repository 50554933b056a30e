import { describe, expect, it } from 'vitest';
import {
  protectionNote,
  publish,
  publishRows,
  publishedChange,
  roundTo,
  withheldUnder,
  type Policy,
} from './disclosure.js';

const external: Policy = { threshold: 5, internal: false };
const internal: Policy = { threshold: 5, internal: true };
const t = (open: number, prot: number) => ({ open, protected: prot });

describe('the disclosure layer', () => {
  it('shows a figure without protected people exactly, and rounds the protected part of any other', () => {
    expect(publish(t(147, 0), external, false)).toEqual({ value: 147 });
    expect(publish(t(147, 3), external, false)).toEqual({ value: 152, rounded: true });
    expect(publish(t(147, 2), external, false)).toEqual({ value: 147, rounded: true });
    expect(publish(t(130, 20), external, false)).toEqual({ value: 150, rounded: true });
    expect(publish(t(0, 7), external, false)).toEqual({ value: 5, rounded: true });
    expect([0, 1, 2, 3, 7, 8, 12, 13].map((n) => roundTo(n, 5))).toEqual([0, 0, 0, 5, 5, 10, 10, 15]);
  });
  it('hides a figure of protected people only under the threshold', () => {
    expect(publish(t(0, 3), external, false)).toEqual({ value: '<5', suppressed: true });
    expect(publish(t(0, 4), { threshold: 10, internal: false }, false)).toEqual({ value: '<10', suppressed: true });
  });
  it('hides a cell asked about a protected group under the threshold even when it is empty', () => {
    expect(publish(t(0, 0), external, true)).toEqual({ value: '<5', suppressed: true });
    expect(publish(t(0, 4), external, true)).toEqual({ value: '<5', suppressed: true });
    expect(publish(t(0, 6), external, true)).toEqual({ value: 5, rounded: true });
  });
  it('gives unique people in two named parts, the total their sum when both can be shown', () => {
    const count = { open: 11, protected: 3, parts: { keyed: t(6, 3), counted: t(5, 0) } };
    expect(publish(count, external, false)).toEqual({
      value: 16,
      rounded: true,
      keyedPeople: 11,
      countedPeople: 5,
      roundedParts: ['keyedPeople'],
    });
    const small = { open: 0, protected: 3, parts: { keyed: t(0, 2), counted: t(0, 1) } };
    expect(publish(small, external, false)).toEqual({
      value: '<5',
      suppressed: true,
      keyedPeople: '<5',
      countedPeople: '<5',
    });
    expect(publish(small, internal, false)).toEqual({ value: 3, keyedPeople: 2, countedPeople: 1 });
  });
  it('publishes each cell of a breakdown from its own content, so a total minus the visible cells is off by the rounding', () => {
    // 40 adults, 3 children, 6 others: the total's protected part (3) is rounded to 5, the children's cell hidden.
    const rows = [
      { key: 'female', count: t(40, 0) },
      { key: 'male', count: t(0, 3) },
      { key: 'other', count: t(6, 0) },
    ];
    const { cells, hidden } = publishRows(rows, external, () => false);
    expect(cells).toEqual([
      { key: 'female', value: 40 },
      { key: 'male', value: '<5', suppressed: true },
      { key: 'other', value: 6 },
    ]);
    expect(hidden).toBe(1);
    const totalShown = publish(t(46, 3), external, false).value as number;
    expect(totalShown - 40 - 6).toBe(5);
    expect(publishRows(rows, internal, () => false).cells.map((c) => c.value)).toEqual([40, 3, 6]);
  });
  it('a change is shown only between two shown values', () => {
    expect(publishedChange(10, 15)).toBe(5);
    expect(publishedChange('<5', 15)).toBeNull();
    expect(publishedChange(10, null)).toBeNull();
  });

  it('decides once what a report withheld: the internal scope nothing, whatever was counted; others the hidden cells', () => {
    expect(withheldUnder(internal, 3)).toEqual({ internal: true });
    expect(withheldUnder(external, 0)).toEqual({ internal: false, hidden: 0, threshold: 5 });
    expect(withheldUnder({ threshold: 10, internal: false }, 2)).toEqual({ internal: false, hidden: 2, threshold: 10 });
    // The JSON answers' wording of it (tables, the factsheet and IATI have theirs).
    expect(protectionNote(3, internal)).toBe('internal: no cell hidden, nothing rounded');
    expect(protectionNote(2, { threshold: 10, internal: false })).toMatch(
      /^2 small cell\(s\) of sensitive groups hidden \(threshold 10\); .* rounded to a multiple of 10 \(marked rounded\)$/,
    );
  });
});
