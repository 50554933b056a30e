import type { FactsView } from '../query/figures.js';
import type { IndicatorDefinitionData } from '@passerelle/contracts';
import { RuleViolation, type Principal, assertCountry } from '@passerelle/platform';
import { parsePeriod } from '../query/periods.js';
import { protectionNote, publish, type Cell, type Policy, type Shown } from '../query/disclosure.js';
import { frameworkRecords } from '../query/reference.js';
import { ruleFigures } from '../query/rules.js';
import { peopleCounting } from './counting.js';

/** Why an indicator has no actual: said beside the null, never shown as 0. */
export const NoData = {
  NoRecord: 'no data: no record of the period contributes to this indicator yet',
  NotReported: 'no data: no value has been reported for this period',
} as const;

/**
 * Indicator progress of a framework for a period: for each indicator, baseline, target (with its version),
 * actual computed by its rule (or its manual value) and % of target, broken down by each declared
 * disaggregation; with the framework version and indicator revision used. Every number comes published from
 * the query layer; an indicator nothing contributes to has no actual ("no data"), not 0.
 */
export async function indicatorProgress(
  facts: FactsView,
  frameworkId: string,
  periodKey: string,
  principal: Principal,
  policy: Policy,
) {
  const country = frameworkId.split('-').pop()!;
  assertCountry(principal, country);
  const { framework, indicators, targets, baselines, manual } = await frameworkRecords(facts, frameworkId);
  if (!framework)
    throw new RuleViolation('NO_PUBLISHED_FRAMEWORK', `framework ${frameworkId} has no published version yet`);
  const fw = framework.framework as { programmeStart: string; frameworkVersion: number };
  const period = parsePeriod(periodKey, fw.programmeStart);
  const rows = [];
  for (const ind of indicators.filter((i) => !i.retired)) {
    const def = ind.definition as IndicatorDefinitionData;
    const target = targets.find((t) => t.code === def.code && t.period === periodKey);
    const baseline = baselines.find((b) => b.code === def.code);
    let actual: Shown = null;
    let parts: { keyedPeople?: Shown; countedPeople?: Shown; roundedParts?: Array<'keyedPeople' | 'countedPeople'> } =
      {};
    let noData: string | null = null;
    let rounded = false;
    let breakdowns: Record<string, Cell[]> = {};
    let hidden = 0;
    if (def.computation.method === 'rule') {
      const r = await ruleFigures(
        facts,
        def.computation.rule,
        { country, from: period.from, to: period.to },
        def.disaggregations,
        def.sensitive,
        policy,
      );
      if (r.actual) {
        actual = r.actual.value;
        rounded = !!r.actual.rounded;
        if ('keyedPeople' in r.actual) {
          parts = {
            keyedPeople: r.actual.keyedPeople,
            countedPeople: r.actual.countedPeople,
            ...(r.actual.roundedParts ? { roundedParts: r.actual.roundedParts } : {}),
          };
        }
      } else noData = NoData.NoRecord;
      breakdowns = r.breakdowns;
      hidden = r.hidden;
    } else {
      const value = manual.find((m) => m.code === def.code && m.period === periodKey)?.value;
      if (typeof value !== 'number') noData = NoData.NotReported;
      else if (def.sensitive && def.unit === 'people') {
        // A number of people typed in for a sensitive indicator is protected like one computed from records.
        const shown = publish({ open: 0, protected: value }, policy, true);
        actual = shown.value;
        rounded = !!shown.rounded;
        if (shown.suppressed) hidden++;
      } else actual = value;
    }
    rows.push({
      code: def.code,
      name: def.name,
      unit: def.unit,
      node: def.nodeCode,
      revision: ind.revision,
      sensitive: def.sensitive,
      baseline: baseline ? { value: baseline.value, date: baseline.date } : null,
      target: target ? { value: target.value, version: target.targetVersion } : null,
      actual,
      ...(rounded ? { rounded: true as const } : {}),
      noData,
      ...parts,
      ...('keyedPeople' in parts ? { counting: peopleCounting(parts.countedPeople) } : {}),
      percentOfTarget:
        typeof actual === 'number' && target && target.value ? Math.round((1000 * actual) / target.value) / 10 : null,
      measure: def.computation.method === 'rule' ? def.computation.rule.measure : 'manual',
      breakdowns,
      suppressedCells: hidden,
    });
  }
  const suppressed = rows.reduce((n, r) => n + r.suppressedCells, 0);
  return {
    frameworkId,
    frameworkVersion: fw.frameworkVersion,
    period: { key: periodKey, from: period.from, to: period.to },
    indicators: rows,
    protection: protectionNote(suppressed, policy),
  };
}
