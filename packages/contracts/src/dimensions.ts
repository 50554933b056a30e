import { AGE_GROUPS, PARTICIPANT_CATEGORIES, SEXES } from './vocabulary.js';
import { VULNERABILITIES } from './events/assistance.js';
import { PARTNER_TYPES } from './events/partners.js';

/** What the platform knows of one report dimension; everything that lists dimensions derives from `DIMENSIONS`. */
export interface DimensionSpec {
  /** The fact field that carries it (the dimension `kind`, what was delivered or agreed, is the field `what`: `kind` names the fact kind). */
  field: string;
  /** Facts hold a list of values (a training's topics, a person's vulnerabilities), matched and counted per value. */
  array?: boolean;
  /** The closed list the recording services take its values from. */
  closed?: readonly string[];
  /** It describes people: a breakdown asked about a protected group lists every closed value (disclosure control). */
  people?: boolean;
  /** An indicator can be required to be reported by it; the number orders the list of disaggregations. */
  disaggregation?: number;
  /** `/reports/participants?by=` offers it. */
  participants?: boolean;
}

/**
 * The report dimensions, declared once: rule filters, indicator disaggregations, closed values, the fact fields the
 * projection matches and groups by, and the breakdowns its routes offer all follow from this table.
 */
export const DIMENSIONS = {
  topic: { field: 'topic', array: true, participants: true },
  participant_category: {
    field: 'participant_category',
    closed: PARTICIPANT_CATEGORIES,
    people: true,
    disaggregation: 3,
    participants: true,
  },
  activity_line: { field: 'activity_line', participants: true },
  kind: { field: 'what' },
  emergency: { field: 'emergency' },
  vulnerability: { field: 'vulnerability', array: true, closed: VULNERABILITIES, people: true, disaggregation: 4 },
  partner_type: { field: 'partner_type', closed: PARTNER_TYPES, disaggregation: 6 },
  region: { field: 'region', disaggregation: 5, participants: true },
  sex: { field: 'sex', closed: SEXES, people: true, disaggregation: 1, participants: true },
  age_group: { field: 'age_group', closed: AGE_GROUPS, people: true, disaggregation: 2, participants: true },
} as const satisfies Record<string, DimensionSpec>;

type Dimensions = typeof DIMENSIONS;
export type DimensionName = keyof Dimensions;
type Having<P extends keyof DimensionSpec> = {
  [K in DimensionName]: Dimensions[K] extends Record<P, unknown> ? K : never;
}[DimensionName];
const entries = Object.entries(DIMENSIONS) as Array<[DimensionName, DimensionSpec]>;

/** Pure: the names of the dimensions whose spec passes `keep`, in declaration order (or by `order`). */
function namesWhere<K extends DimensionName>(
  keep: (d: DimensionSpec) => boolean,
  order?: (d: DimensionSpec) => number,
): [K, ...K[]] {
  const kept = entries.filter(([, d]) => keep(d));
  if (order) kept.sort(([, a], [, b]) => order(a) - order(b));
  return kept.map(([name]) => name) as [K, ...K[]];
}

/** Every dimension, in declaration order. */
export const DIMENSION_NAMES = namesWhere<DimensionName>(() => true);
/** Dimensions an indicator can be required to be reported by. */
export const DISAGGREGATION_NAMES = namesWhere<Having<'disaggregation'>>(
  (d) => d.disaggregation !== undefined,
  (d) => d.disaggregation!,
);
/** Dimensions `/reports/participants` can break participants down by. */
export const PARTICIPANT_BREAKDOWNS = namesWhere<Having<'participants'>>((d) => !!d.participants);
/** The fact field of each dimension. */
export const DIMENSION_FIELD: Record<string, string> = Object.fromEntries(entries.map(([name, d]) => [name, d.field]));
/** Fact fields holding lists of values. */
export const ARRAY_FIELDS: ReadonlySet<string> = new Set(entries.filter(([, d]) => d.array).map(([, d]) => d.field));
/** The closed list of each dimension that has one. */
export const CLOSED_DIMENSION_VALUES: Partial<Record<DimensionName, readonly string[]>> = Object.fromEntries(
  entries.filter(([, d]) => d.closed).map(([name, d]) => [name, d.closed!]),
);
/** The closed lists of dimensions that describe people, by fact field. */
export const PEOPLE_CLOSED_VALUES: Record<string, readonly string[]> = Object.fromEntries(
  entries.filter(([, d]) => d.people && d.closed).map(([, d]) => [d.field, d.closed!]),
);
