import type { Collection } from 'mongodb';
import type { IndicatorDefinitionData, IndicatorRule } from '@passerelle/contracts';
import { RuleViolation, type Principal, assertCountry } from '@passerelle/platform';
import { DIMENSION_FIELD, FactKind, type Fact } from './facts.js';
import { figureOf, Measure, readFacts, readWholeFacts, type Doc, type FigureQuery } from './figures.js';
import { parsePeriod, periodMatch } from './periods.js';
import { suppress, type Cell } from './suppression.js';

type Rule = IndicatorRule;

/** How each rule measure of the contracts catalogue is computed over facts of the rule's source. */
const MEASURES: Record<string, Pick<FigureQuery, 'measure' | 'field'>> = {
  sum_participants: { measure: Measure.Sum },
  sum_beneficiaries: { measure: Measure.Sum },
  sum_tested: { measure: Measure.Sum, field: 'tested' },
  sum_improved: { measure: Measure.Sum, field: 'improved' },
  unique_people: { measure: Measure.Unique },
  count_trainings: { measure: Measure.Distinct, field: 'trainingId' },
  count_deliveries: { measure: Measure.Distinct, field: 'deliveryId' },
  count_distinct_partners: { measure: Measure.Distinct, field: 'partnerId' },
};

/** The facts condition of a rule: its source, its filters (any of the listed values), a country and a period. */
function ruleMatch(rule: Rule, country: string, period: { from?: string; to?: string }): Record<string, unknown> {
  const match: Record<string, unknown> = { kind: rule.source, country, ...periodMatch({ key: '', ...period }) };
  for (const [dimension, values] of Object.entries(rule.filters ?? {})) match[DIMENSION_FIELD[dimension] ?? dimension] = { $in: values };
  return match;
}

/** The rule's figure over facts already read: its measure, or the ratio of two, in total or by one field. */
function evaluate(docs: Doc[], rule: Rule, by?: string) {
  const run = (name: string) => {
    const m = MEASURES[name];
    if (!m) throw new RuleViolation('UNKNOWN_MEASURE', `the projection cannot compute ${name}`);
    return figureOf(docs, { ...m, by });
  };
  if (rule.measure !== 'ratio') return run(rule.measure);
  const [num, den] = [run(rule.numerator!), run(rule.denominator!)];
  return den.map((d) => ({ key: d.key, value: d.value ? Math.round((1000 * (num.find((n) => n.key === d.key)?.value ?? 0)) / d.value) / 10 : 0 }));
}

/** Fields an indicator's figures need: the measures' fields and the declared disaggregations. */
const fieldsOf = (rule: Rule, disaggregations: string[]) => [
  ...[rule.measure, rule.numerator, rule.denominator].map((m) => (m ? MEASURES[m]?.field : undefined)),
  ...disaggregations.map((d) => DIMENSION_FIELD[d] ?? d),
];

/**
 * Indicator progress of a framework for a period: for each indicator, baseline, target (with its version),
 * actual computed by its rule (or its manual value) and % of target, broken down by each declared
 * disaggregation; with the framework version and indicator revision used.
 */
export async function indicatorProgress(facts: Collection<Fact>, frameworkId: string, periodKey: string, principal: Principal, protection: { threshold: number; internal: boolean }) {
  const country = frameworkId.split('-').pop()!;
  assertCountry(principal, country);
  const [framework] = await readWholeFacts(facts, { kind: FactKind.Framework, frameworkId, historical: { $exists: false } });
  if (!framework) throw new RuleViolation('NO_PUBLISHED_FRAMEWORK', `framework ${frameworkId} has no published version yet`);
  const fw = framework.framework as { programmeStart: string; frameworkVersion: number };
  const period = parsePeriod(periodKey, fw.programmeStart);
  const [indicators, targets, baselines, manual] = await Promise.all([FactKind.Indicator, FactKind.Target, FactKind.Baseline, FactKind.ManualValue]
    .map((kind) => readWholeFacts(facts, { kind, frameworkId })));
  const rows = [];
  for (const ind of indicators!.filter((i) => !i.retired)) {
    const def = ind.definition as IndicatorDefinitionData;
    const target = targets!.find((t) => t.code === def.code && t.period === periodKey);
    const baseline = baselines!.find((b) => b.code === def.code);
    let actual: number | null;
    const breakdowns: Record<string, Cell[]> = {};
    let hidden = 0;
    if (def.computation.method === 'rule' && def.computation.rule) {
      // One read of the indicator's facts serves its total and every breakdown.
      const docs = await readFacts(facts, ruleMatch(def.computation.rule, country, period), fieldsOf(def.computation.rule, def.disaggregations));
      actual = evaluate(docs, def.computation.rule)[0]?.value ?? 0;
      for (const d of def.disaggregations) {
        const cells = evaluate(docs, def.computation.rule, DIMENSION_FIELD[d] ?? d);
        const shown = protection.internal ? { cells, hidden: 0 } : suppress(cells, { threshold: protection.threshold, sensitiveIndicator: def.sensitive });
        breakdowns[d] = shown.cells;
        hidden += shown.hidden;
      }
    } else {
      actual = manual!.find((m) => m.code === def.code && m.period === periodKey)?.value ?? null;
    }
    // A sensitive indicator's own total under the threshold is as telling as a cell.
    const hideActual = !protection.internal && def.sensitive && actual !== null && actual > 0 && actual < protection.threshold;
    if (hideActual) hidden++;
    rows.push({
      code: def.code, name: def.name, unit: def.unit, node: def.nodeCode, revision: ind.revision, sensitive: def.sensitive,
      baseline: baseline ? { value: baseline.value, date: baseline.date } : null,
      target: target ? { value: target.value, version: target.targetVersion } : null,
      actual: hideActual ? `<${protection.threshold}` : actual,
      percentOfTarget: !hideActual && target && actual !== null && target.value ? Math.round((1000 * actual) / target.value) / 10 : null,
      measure: def.computation.method === 'rule' ? def.computation.rule.measure : 'manual', breakdowns, suppressedCells: hidden,
    });
  }
  const suppressed = rows.reduce((n, r) => n + r.suppressedCells, 0);
  return {
    frameworkId, frameworkVersion: fw.frameworkVersion, period: { key: periodKey, from: period.from, to: period.to }, indicators: rows,
    protection: protection.internal ? 'internal: nothing hidden' : `${suppressed} small cell(s) of sensitive groups hidden (threshold ${protection.threshold})`,
  };
}
