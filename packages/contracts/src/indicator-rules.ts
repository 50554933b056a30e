import { z } from 'zod';
import { ActivityLine, TopicCode } from './vocabulary.js';
import { CLOSED_DIMENSION_VALUES, DIMENSION_NAMES, DISAGGREGATION_NAMES } from './dimensions.js';
import { ASSISTANCE_KINDS } from './events/assistance.js';
import { PARTNER_AGREEMENT_KINDS, PARTNER_SUPPORT_KINDS } from './events/partners.js';

/**
 * The catalogue of indicator computation rules: which event sources exist, what each can measure and which
 * dimensions it can be filtered or broken down by. The indicators service accepts only rules this catalogue
 * allows, and the projection evaluates exactly these, so the two cannot drift apart.
 */

/** Units an indicator can be expressed in. */
export const INDICATOR_UNITS = ['people', 'trainings', 'partners', 'deliveries', 'percent', 'milestone'] as const;
export const IndicatorUnit = z.enum(INDICATOR_UNITS);
export type IndicatorUnit = z.infer<typeof IndicatorUnit>;

/** Dimensions a rule can filter on (see dimensions.ts). */
export const RULE_DIMENSIONS = DIMENSION_NAMES;
export type RuleDimension = (typeof RULE_DIMENSIONS)[number];

/** Dimensions an indicator can be required to be reported by (a subset of the rule dimensions). */
export const DISAGGREGATIONS = DISAGGREGATION_NAMES;
export const Disaggregation = z.enum(DISAGGREGATIONS);
export type Disaggregation = z.infer<typeof Disaggregation>;

/** Measures a rule can compute; `ratio` divides two of them (× 100, for percentages). */
export const RULE_MEASURES = {
  sum_participants: { unit: 'people', en: 'sum of participants', fr: 'somme des participants' },
  unique_people: {
    unit: 'people',
    en: 'unique people (counted once across records where keys exist)',
    fr: 'personnes uniques (comptées une fois lorsque des clés existent)',
  },
  sum_beneficiaries: { unit: 'people', en: 'sum of beneficiaries', fr: 'somme des bénéficiaires' },
  sum_tested: {
    unit: 'people',
    en: 'participants who took the knowledge test',
    fr: 'participants ayant passé le test de connaissances',
  },
  sum_improved: {
    unit: 'people',
    en: 'participants whose test score rose',
    fr: 'participants dont le score a progressé',
  },
  count_trainings: { unit: 'trainings', en: 'number of trainings', fr: 'nombre de formations' },
  count_deliveries: { unit: 'deliveries', en: 'number of deliveries', fr: 'nombre de distributions' },
  count_distinct_partners: {
    unit: 'partners',
    en: 'number of distinct partners',
    fr: 'nombre de partenaires distincts',
  },
} as const satisfies Record<string, { unit: IndicatorUnit; en: string; fr: string }>;
export type RuleMeasure = keyof typeof RULE_MEASURES;
export const RATIO = 'ratio';

interface SourceEntry {
  en: string;
  fr: string;
  measures: readonly RuleMeasure[];
  dimensions: readonly RuleDimension[];
}

/** Event sources a rule can read, with the measures and dimensions each one carries. */
export const RULE_SOURCES = {
  training_attendance: {
    en: 'attendance recorded at held trainings',
    fr: 'présences enregistrées aux formations tenues',
    measures: ['sum_participants', 'count_trainings'],
    dimensions: ['topic', 'participant_category', 'activity_line', 'region', 'sex', 'age_group'],
  },
  knowledge_tests: {
    en: 'pre/post knowledge test results of trainings',
    fr: 'résultats des tests de connaissances avant/après formation',
    measures: ['sum_tested', 'sum_improved', 'count_trainings'],
    dimensions: ['topic', 'activity_line'],
  },
  trainings_held: {
    en: 'trainings that took place',
    fr: 'formations qui ont eu lieu',
    measures: ['count_trainings', 'count_distinct_partners'],
    dimensions: ['topic', 'activity_line', 'region'],
  },
  assistance_beneficiaries: {
    en: 'people reached by humanitarian assistance',
    fr: "personnes atteintes par l'assistance humanitaire",
    measures: ['sum_beneficiaries', 'unique_people'],
    dimensions: ['kind', 'emergency', 'vulnerability', 'sex', 'age_group', 'region', 'activity_line'],
  },
  assistance_deliveries: {
    en: 'humanitarian assistance deliveries',
    fr: "distributions d'assistance humanitaire",
    measures: ['count_deliveries', 'count_distinct_partners'],
    dimensions: ['kind', 'emergency', 'region', 'activity_line'],
  },
  partners_supported: {
    en: 'support given to partners',
    fr: 'appui apporté aux partenaires',
    measures: ['count_distinct_partners'],
    dimensions: ['partner_type', 'kind', 'activity_line', 'region'],
  },
  agreements: {
    en: 'agreements signed with partners',
    fr: 'accords signés avec des partenaires',
    measures: ['count_distinct_partners'],
    dimensions: ['partner_type', 'kind', 'activity_line'],
  },
} as const satisfies Record<string, SourceEntry>;
export type RuleSource = keyof typeof RULE_SOURCES;

// Names are plain strings in the schema so that a wrong name reaches validateRule, whose message lists the valid ones.
const Name = z.string().trim().min(1).max(64);

/** A computation rule over events, as data: source, measure (or ratio of two), and filters on dimensions. */
export const IndicatorRule = z.strictObject({
  source: Name,
  measure: Name,
  numerator: Name.optional(),
  denominator: Name.optional(),
  filters: z.record(Name, z.array(z.string().trim().min(1).max(120)).min(1).max(50)).default({}),
});
export type IndicatorRule = z.infer<typeof IndicatorRule>;

export interface RuleProblem {
  path: string;
  message: string;
}

/** What the rule is used for, so unit and disaggregations can be checked against what it can give. */
export interface RuleUse {
  unit?: IndicatorUnit;
  disaggregations?: readonly string[];
}

// Values a filter may name where the recording services use a closed list; `kind` means what the source records.
const CLOSED_VALUES = CLOSED_DIMENSION_VALUES;
const KINDS: Partial<Record<RuleSource, readonly string[]>> = {
  assistance_beneficiaries: ASSISTANCE_KINDS,
  assistance_deliveries: ASSISTANCE_KINDS,
  partners_supported: PARTNER_SUPPORT_KINDS,
  agreements: PARTNER_AGREEMENT_KINDS,
};
const CODE_VALUE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

function valueProblem(source: RuleSource, dimension: RuleDimension, value: string): string | undefined {
  const closed = dimension === 'kind' ? KINDS[source] : CLOSED_VALUES[dimension];
  if (closed)
    return closed.includes(value)
      ? undefined
      : `${value} is not a ${dimension}${dimension === 'kind' ? ` of ${source}` : ''}; valid: ${closed.join(', ')}`;
  if (dimension === 'activity_line')
    return ActivityLine.safeParse(value).success ? undefined : `${value} is not an activity line (like 1.1)`;
  if (dimension === 'topic')
    return TopicCode.safeParse(value).success ? undefined : `${value} is not a topic code (lower_snake_case)`;
  if (dimension === 'region') return undefined;
  return CODE_VALUE.test(value)
    ? undefined
    : `${value} is not a ${dimension} code (lower case letters, digits, _ and -)`;
}

const isSource = (s: string): s is RuleSource => Object.hasOwn(RULE_SOURCES, s);
const isMeasure = (m: string): m is RuleMeasure => Object.hasOwn(RULE_MEASURES, m);

function measureProblem(source: RuleSource, measure: string | undefined, path: string): RuleProblem | undefined {
  const allowed: readonly string[] =
    path === 'measure' ? [...RULE_SOURCES[source].measures, RATIO] : RULE_SOURCES[source].measures;
  if (measure === undefined) return { path, message: `name a measure of ${source}: ${allowed.join(', ')}` };
  if (!isMeasure(measure))
    return { path, message: `unknown measure ${measure}; ${source} allows ${allowed.join(', ')}` };
  if (!allowed.includes(measure))
    return { path, message: `${source} cannot measure ${measure}; it allows ${allowed.join(', ')}` };
  return undefined;
}

/** Unit a valid rule gives: percent for a ratio, else its measure's unit. */
export function ruleUnit(rule: IndicatorRule): IndicatorUnit {
  return rule.measure === RATIO ? 'percent' : RULE_MEASURES[rule.measure as RuleMeasure].unit;
}

/** Every problem of a rule against the catalogue (empty when valid); with `use`, also its fit to the indicator. */
export function validateRule(input: unknown, use: RuleUse = {}): RuleProblem[] {
  const parsed = IndicatorRule.safeParse(input);
  if (!parsed.success)
    return parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
  const rule = parsed.data;
  if (!isSource(rule.source))
    return [
      {
        path: 'source',
        message: `unknown source ${rule.source}; valid sources: ${Object.keys(RULE_SOURCES).join(', ')}`,
      },
    ];
  const source = RULE_SOURCES[rule.source];
  const problems: RuleProblem[] = [];
  const push = (p: RuleProblem | undefined) => {
    if (p) problems.push(p);
  };

  if (rule.measure === RATIO) {
    push(measureProblem(rule.source, rule.numerator, 'numerator'));
    push(measureProblem(rule.source, rule.denominator, 'denominator'));
    if (rule.numerator !== undefined && rule.numerator === rule.denominator)
      push({ path: 'denominator', message: 'a ratio needs two different measures' });
  } else {
    push(measureProblem(rule.source, rule.measure, 'measure'));
    if (rule.numerator !== undefined || rule.denominator !== undefined)
      push({ path: 'measure', message: `numerator and denominator belong to measure ${RATIO} only` });
  }

  const dims = source.dimensions as readonly string[];
  for (const [dimension, values] of Object.entries(rule.filters)) {
    if (!(RULE_DIMENSIONS as readonly string[]).includes(dimension)) {
      push({
        path: `filters.${dimension}`,
        message: `unknown dimension ${dimension}; valid dimensions: ${RULE_DIMENSIONS.join(', ')}`,
      });
    } else if (!dims.includes(dimension)) {
      push({
        path: `filters.${dimension}`,
        message: `${rule.source} cannot be filtered by ${dimension}; it allows ${dims.join(', ')}`,
      });
    } else {
      values.forEach((v, i) => {
        const message = valueProblem(rule.source as RuleSource, dimension as RuleDimension, v);
        if (message) push({ path: `filters.${dimension}.${i}`, message });
      });
    }
  }

  if (problems.length) return problems;
  if (use.unit && use.unit !== ruleUnit(rule))
    push({ path: 'measure', message: `the rule gives ${ruleUnit(rule)} but the indicator's unit is ${use.unit}` });
  for (const d of use.disaggregations ?? []) {
    if (!dims.includes(d))
      push({
        path: 'disaggregations',
        message: `${rule.source} has no ${d} to break the figures down by; it has ${dims.join(', ')}`,
      });
  }
  return problems;
}

/** The catalogue as a plain document (served to clients so forms can offer only valid choices). */
export function ruleCatalogue() {
  return {
    units: INDICATOR_UNITS,
    dimensions: RULE_DIMENSIONS,
    disaggregations: DISAGGREGATIONS,
    measures: {
      ...RULE_MEASURES,
      [RATIO]: { unit: 'percent', en: 'numerator ÷ denominator × 100', fr: 'numérateur ÷ dénominateur × 100' },
    },
    sources: RULE_SOURCES,
  };
}
