import { total, type Count, type Tally, type TallyRow } from './tally.js';

/**
 * Disclosure control: the one place where a number of the read model becomes a number a report may show.
 *
 * The method (README, "Disclosure control"): every figure is split into the part that counts nobody of a protected
 * group (exact) and the part that counts protected people (trafficking victims, children, and whatever an
 * indicator marked sensitive counts). Outside `reports:internal`:
 * - a figure without protected people is exact;
 * - the protected part of any other figure is rounded to the nearest multiple of the threshold, and the figure
 *   says `rounded`; a figure made only of protected people under the threshold shows `<threshold`;
 * - a cell asked about a protected group (a filter or a breakdown value on victims or children, or any cell of a
 *   sensitive indicator) under the threshold shows `<threshold` even when it is 0, so that the rows listed do not
 *   tell where nobody is.
 * Each cell is published from its own content, never from its neighbours', so the same people give the same shown
 * number in every report, period, filter, as-of date and diff. Since no exact figure ever counts a protected person,
 * no sum or difference of exact figures can give back a hidden one: the rounding does what secondary suppression
 * does for one table (a total minus the visible cells is off by the rounding), and holds across tables, which
 * complementary suppression cannot.
 */

export interface Policy {
  /** Cells of protected people under this are hidden; their part of other figures is rounded to a multiple of it. */
  threshold: number;
  /** The `reports:internal` scope sees every number as it is. */
  internal: boolean;
}

export type Shown = number | string | null;

/** A number as it may leave the API. */
export interface Published {
  /** The number, "<threshold" for a hidden cell, or null for a cell hidden only to protect another. */
  value: Shown;
  suppressed?: true;
  /** The part of it that counts protected people was rounded. */
  rounded?: true;
  /** Unique people only: distinct people of beneficiary lists… */
  keyedPeople?: Shown;
  /** …and people counted without a list (they may have been counted before): value = keyedPeople + countedPeople. */
  countedPeople?: Shown;
  /** Which of the two parts is rounded, when the value is. */
  roundedParts?: Array<'keyedPeople' | 'countedPeople'>;
}

export interface Cell extends Published {
  key: string | null;
}

/** Pure: `n` rounded to the nearest multiple of `base` (halves up). */
export const roundTo = (n: number, base: number) => base * Math.floor(n / base + 0.5);

const hiddenLabel = (p: Policy) => `<${p.threshold}`;

function show(t: Tally, p: Policy, sensitive: boolean): Published {
  const all = total(t);
  if (p.internal) return { value: all };
  if (sensitive ? all < p.threshold : t.open === 0 && t.protected > 0 && t.protected < p.threshold)
    return { value: hiddenLabel(p), suppressed: true };
  if (t.protected === 0) return { value: t.open };
  return { value: t.open + roundTo(t.protected, p.threshold), rounded: true };
}

/**
 * Pure: one figure as it may be shown. `sensitive` says the question itself is about a protected group. Unique
 * people carry their two parts; the total is their sum when both can be shown.
 */
export function publish(c: Count, p: Policy, sensitive: boolean): Published {
  if (!c.parts) return show(c, p, sensitive);
  const keyed = show(c.parts.keyed, p, sensitive);
  const counted = show(c.parts.counted, p, sensitive);
  const whole =
    typeof keyed.value === 'number' && typeof counted.value === 'number'
      ? { value: keyed.value + counted.value, ...(keyed.rounded || counted.rounded ? { rounded: true as const } : {}) }
      : show(c, p, sensitive);
  const roundedParts = [
    ...(keyed.rounded ? ['keyedPeople' as const] : []),
    ...(counted.rounded ? ['countedPeople' as const] : []),
  ];
  return {
    ...whole,
    keyedPeople: keyed.value,
    countedPeople: counted.value,
    ...(roundedParts.length ? { roundedParts } : {}),
  };
}

/** Pure: the cells of one breakdown, each published from its own content; and how many are hidden. */
export function publishRows(
  rows: TallyRow[],
  p: Policy,
  sensitiveOf: (key: string | null) => boolean,
): { cells: Cell[]; hidden: number } {
  const cells: Cell[] = rows.map((r) => ({ key: r.key, ...publish(r.count, p, sensitiveOf(r.key)) }));
  return { cells, hidden: cells.filter((c) => c.suppressed).length };
}

/** Pure: the change between two published values, when both are numbers (a hidden end hides the change). */
export const publishedChange = (from: Shown, to: Shown): number | null =>
  typeof from === 'number' && typeof to === 'number' ? to - from : null;

/**
 * What a report withheld: nothing for the internal scope (it sees every number as it is), else how many cells it hid
 * under which threshold. Every protection note (JSON, tables, the factsheet, IATI) words this one decision.
 */
export type Withheld = { internal: true } | { internal: false; hidden: number; threshold: number };

/** Pure: what a report whose figures hid `hidden` cells withheld under a policy. */
export const withheldUnder = (p: Policy, hidden: number): Withheld =>
  p.internal ? { internal: true } : { internal: false, hidden, threshold: p.threshold };

/** The note a JSON answer carries about what it withheld and how protected people are counted. */
export function protectionNote(hidden: number, p: Policy): string {
  const w = withheldUnder(p, hidden);
  return w.internal
    ? 'internal: no cell hidden, nothing rounded'
    : `${w.hidden} small cell(s) of sensitive groups hidden (threshold ${w.threshold}); the part of a figure that counts protected people (victims of trafficking, children, people a sensitive indicator counts) is rounded to a multiple of ${w.threshold} (marked rounded)`;
}
