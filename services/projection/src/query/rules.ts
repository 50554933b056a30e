import type { FactsView } from './read.js';
import type { IndicatorRule } from '@passerelle/contracts';
import { RuleViolation } from '@passerelle/platform';
import { DIMENSION_FIELD } from '../facts/facts.js';
import { periodMatch } from './periods.js';
import { publish, type Cell, type Policy, type Published } from './disclosure.js';
import { figure, type Figure } from './figures.js';
import { readFacts } from './read.js';
import { Measure, type MeasureSpec } from './tally.js';

/** An indicator's computation rule, as the indicators service publishes it (the contract's shape). */
export type Rule = IndicatorRule;

/** How each rule measure of the contracts catalogue is computed over facts of the rule's source. */
const MEASURES: Record<string, MeasureSpec> = {
  sum_participants: { measure: Measure.Sum },
  sum_beneficiaries: { measure: Measure.Sum },
  sum_tested: { measure: Measure.Sum, field: 'tested' },
  sum_improved: { measure: Measure.Sum, field: 'improved' },
  unique_people: { measure: Measure.Unique },
  count_trainings: { measure: Measure.Distinct, field: 'trainingId' },
  count_deliveries: { measure: Measure.Distinct, field: 'deliveryId' },
  count_distinct_partners: { measure: Measure.Distinct, field: 'partnerId' },
};

const spec = (name: string | undefined): MeasureSpec => {
  const m = name ? MEASURES[name] : undefined;
  if (!m) throw new RuleViolation('UNKNOWN_MEASURE', `the projection cannot compute ${String(name)}`);
  return m;
};

/** The facts condition of a rule: its source, its filters (any of the listed values), a country and a period. */
export function ruleMatch(
  rule: Rule,
  country: string,
  period: { from?: string | undefined; to?: string | undefined },
): Record<string, unknown> {
  const match: Record<string, unknown> = {
    kind: rule.source,
    country,
    ...periodMatch({ key: '', ...(period.from ? { from: period.from } : {}), ...(period.to ? { to: period.to } : {}) }),
  };
  for (const [dimension, values] of Object.entries(rule.filters ?? {}))
    match[DIMENSION_FIELD[dimension] ?? dimension] = { $in: values };
  return match;
}

/** What an indicator's rule gives for a period: its actual (null: no record contributes) and one breakdown per disaggregation. */
export interface RuleFigures {
  actual: Published | null;
  breakdowns: Record<string, Cell[]>;
  hidden: number;
}

/** Pure: a percentage of two published numbers; hidden when either is (a ratio of exact parts of hidden ones would tell them). */
function ratioOf(num: Published | undefined, den: Published | undefined): Published {
  if (!num || !den) return { value: 0 };
  if (typeof num.value !== 'number' || typeof den.value !== 'number') return { value: null, suppressed: true };
  const value = den.value ? Math.round((1000 * num.value) / den.value) / 10 : 0;
  return num.rounded || den.rounded ? { value, rounded: true } : { value };
}

/**
 * An indicator's figures by its rule, through the disclosure layer: the total and each declared disaggregation.
 * A sensitive indicator's cells are questions about a protected group. A ratio is computed from its published
 * numerator and denominator, never from hidden values.
 */
export async function ruleFigures(
  facts: FactsView,
  rule: Rule,
  at: { country: string; from?: string | undefined; to?: string | undefined },
  disaggregations: string[],
  sensitive: boolean,
  policy: Policy,
): Promise<RuleFigures> {
  const match = ruleMatch(rule, at.country, at);
  const measures = rule.measure === 'ratio' ? [spec(rule.numerator), spec(rule.denominator)] : [spec(rule.measure)];
  const fields = measures.map((m) => m.field);
  // "No data is not zero": without a single contributing record the indicator has no actual yet.
  if (!(await readFacts(facts, match, fields)).length) return { actual: null, breakdowns: {}, hidden: 0 };
  const run = (m: MeasureSpec, by?: string) => figure(facts, { match, ...m, by, sensitive }, policy);
  const combine = async (by?: string): Promise<Figure> => {
    if (rule.measure !== 'ratio') return run(measures[0]!, by);
    const [num, den] = await Promise.all(measures.map((m) => run(m, by)));
    const cells = den!.cells.map((d) => ({
      key: d.key,
      ...ratioOf(
        num!.cells.find((n) => n.key === d.key),
        d,
      ),
    }));
    return { cells, hidden: cells.filter((c) => c.suppressed).length };
  };
  const total = await combine();
  const breakdowns: Record<string, Cell[]> = {};
  let hidden = total.hidden;
  for (const d of disaggregations) {
    const f = await combine(DIMENSION_FIELD[d] ?? d);
    breakdowns[d] = f.cells;
    hidden += f.hidden;
  }
  const { key: _k, ...actual } = total.cells[0] ?? {
    key: null,
    ...publish({ open: 0, protected: 0 }, policy, sensitive),
  };
  return { actual, breakdowns, hidden };
}
