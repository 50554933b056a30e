import { AGE_GROUPS, PARTICIPANT_CATEGORIES, SEXES } from './vocabulary.js';
import { VULNERABILITIES } from './events/assistance.js';
import { PARTNER_TYPES } from './events/partners.js';
import type { LabelList } from './labels.js';

/** Where a summary shows a dimension: its place among the summary's breakdowns, and whether it counts activities too. */
export interface SummaryPlace {
  place: number;
  /** Besides people, count the activities by it: trainings held (trainings summary), deliveries (assistance summary). */
  activities?: boolean;
}

/** What the platform knows of one report dimension; everything that lists dimensions derives from `DIMENSIONS`. */
export interface DimensionSpec {
  /** The fact field that carries it (the dimension `kind`, what was delivered or agreed, is the field `what`: `kind` names the fact kind). */
  field: string;
  /** What reports call it (table rows, exports, the factsheet). */
  label: { en: string; fr: string };
  /** The label list that names its values: one of `VALUE_LABELS` (labels.ts), or `topic`, an open list whose labels the projection keeps. */
  values?: LabelList | 'topic';
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
  /** The trainings summary (participants) and the assistance summary (people reached) break their figures down by it. */
  summaries?: { trainings?: SummaryPlace; assistance?: SummaryPlace };
}

/**
 * The report dimensions, declared once: rule filters, indicator disaggregations, closed values, the fact fields the
 * projection matches and groups by, and the breakdowns its routes offer all follow from this table.
 */
export const DIMENSIONS = {
  topic: {
    field: 'topic',
    label: { en: 'Topic', fr: 'Thème' },
    values: 'topic',
    array: true,
    participants: true,
    summaries: { trainings: { place: 1, activities: true } },
  },
  participant_category: {
    field: 'participant_category',
    label: { en: "Participants' role", fr: 'Fonction des participants' },
    values: 'participantCategory',
    closed: PARTICIPANT_CATEGORIES,
    people: true,
    disaggregation: 3,
    participants: true,
    summaries: { trainings: { place: 2 } },
  },
  activity_line: {
    field: 'activity_line',
    label: { en: 'Activity line', fr: "Ligne d'activité" },
    participants: true,
  },
  // Labelled as the assistance summary, the one report that breaks down by it, shows it; support and agreement
  // kinds are other lists (indicator-rules.ts, KINDS).
  kind: {
    field: 'what',
    label: { en: 'Kind of assistance', fr: "Nature de l'aide" },
    values: 'assistanceKind',
    summaries: { assistance: { place: 1, activities: true } },
  },
  emergency: { field: 'emergency', label: { en: 'Programme or emergency', fr: 'Programme ou urgence' } },
  vulnerability: {
    field: 'vulnerability',
    label: { en: 'Vulnerability', fr: 'Vulnérabilité' },
    values: 'vulnerability',
    array: true,
    closed: VULNERABILITIES,
    people: true,
    disaggregation: 4,
    summaries: { assistance: { place: 3 } },
  },
  partner_type: {
    field: 'partner_type',
    label: { en: 'Partner type', fr: 'Type de partenaire' },
    values: 'partnerType',
    closed: PARTNER_TYPES,
    disaggregation: 6,
  },
  region: {
    field: 'region',
    label: { en: 'Region', fr: 'Région' },
    disaggregation: 5,
    participants: true,
    summaries: { trainings: { place: 4, activities: true } },
  },
  sex: {
    field: 'sex',
    label: { en: 'Sex', fr: 'Sexe' },
    values: 'sex',
    closed: SEXES,
    people: true,
    disaggregation: 1,
    participants: true,
    summaries: { trainings: { place: 3 }, assistance: { place: 4 } },
  },
  age_group: {
    field: 'age_group',
    label: { en: 'Age group', fr: "Tranche d'âge" },
    values: 'ageGroup',
    closed: AGE_GROUPS,
    people: true,
    disaggregation: 2,
    participants: true,
    summaries: { assistance: { place: 5 } },
  },
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

/** A breakdown of a summary: the fact field it groups by, its place, and whether activities are counted by it too. */
export interface SummaryBreakdown {
  field: string;
  place: number;
  activities: boolean;
}

/**
 * The breakdowns of the trainings or assistance summary, by place: the dimensions that name the summary, and any
 * `extra` breakdown the summary adds that is no dimension. Two at one place are a mistake in the table, refused.
 */
export function summaryBreakdowns(
  summary: 'trainings' | 'assistance',
  extra: readonly SummaryBreakdown[] = [],
): SummaryBreakdown[] {
  const shown = entries.flatMap(([, d]) => {
    const at = d.summaries?.[summary];
    return at ? [{ field: d.field, place: at.place, activities: !!at.activities }] : [];
  });
  const all = [...shown, ...extra].sort((a, b) => a.place - b.place);
  all.forEach((b, i) => {
    if (i > 0 && all[i - 1]!.place === b.place)
      throw new Error(`the ${summary} summary has ${all[i - 1]!.field} and ${b.field} both at place ${b.place}`);
  });
  return all;
}
