/** Groups whose small cells could identify a person: victims of trafficking and children. */
export const SENSITIVE_KEYS = new Set(['victim_of_trafficking', 'unaccompanied_separated_child', '0-4', '5-11', '12-17']);

export const HIDDEN = '<5';

export interface Cell {
  key: string | null;
  /** The number, "<threshold" for a small sensitive cell, or null for a cell hidden only to protect another. */
  value: number | string | null;
  suppressed?: true;
}

/**
 * Small-cell suppression of one breakdown (the cells that add up to one total). A sensitive cell (or any cell of
 * a sensitive indicator) with 1..threshold-1 is shown as "<threshold". When exactly one cell of the breakdown is
 * hidden, the next smallest non-zero cell is hidden too, so the hidden value cannot be found by subtracting the
 * visible cells from the total.
 */
export function suppress(cells: Array<{ key: string | null; value: number }>, opts: { threshold: number; sensitiveIndicator: boolean }): { cells: Cell[]; hidden: number } {
  const label = `<${opts.threshold}`;
  const small = (v: number) => v > 0 && v < opts.threshold;
  const hide = new Set<number>();
  cells.forEach((c, i) => {
    if (small(c.value) && (opts.sensitiveIndicator || (c.key !== null && SENSITIVE_KEYS.has(c.key)))) hide.add(i);
  });
  const complement = new Set<number>();
  if (hide.size === 1) {
    const next = cells
      .map((c, i) => ({ c, i }))
      .filter(({ c, i }) => !hide.has(i) && c.value > 0)
      .sort((a, b) => a.c.value - b.c.value)[0];
    if (next) complement.add(next.i);
  }
  return {
    cells: cells.map((c, i) => (hide.has(i) ? { key: c.key, value: label, suppressed: true as const } : complement.has(i) ? { key: c.key, value: null, suppressed: true as const } : c)),
    hidden: hide.size + complement.size,
  };
}
