import type { IndicatorEvent } from '@passerelle/contracts';
import { FactKind, type SourceChange } from './fact-model.js';

/**
 * Reference facts of the results framework: each published framework version, the current definition of each
 * indicator, its baseline, targets per period (latest version, with the version number) and manual values.
 * Reports read them beside the activity facts; nothing here is summed into figures.
 */
export function indicatorFacts(event: IndicatorEvent): SourceChange[] {
  const fw = event.data.frameworkId;
  const base = { businessDate: event.data.businessDate, frameworkId: fw, value: 0 };
  switch (event.type) {
    case 'indicators.framework.published': {
      const { frameworkId: _f, businessDate: _b, ...framework } = event.data;
      const fact = { kind: FactKind.Framework, ...base, version: framework.frameworkVersion, framework };
      // The latest version for today's reports, and every version for reports that name the one they used.
      return [
        { source: `framework:${fw}`, facts: [fact] },
        { source: `framework:${fw}:v${framework.frameworkVersion}`, facts: [{ ...fact, historical: true }] },
      ];
    }
    case 'indicators.indicator.defined': {
      const { frameworkId: _f, businessDate: _b, ...definition } = event.data;
      return [
        {
          source: `indicator:${fw}:${definition.code}`,
          facts: [
            {
              kind: FactKind.Indicator,
              ...base,
              code: definition.code,
              revision: definition.revision,
              retired: false,
              definition,
            },
          ],
        },
      ];
    }
    case 'indicators.indicator.revised': {
      const { frameworkId: _f, businessDate: _b, reason: _r, ...definition } = event.data;
      return [
        {
          source: `indicator:${fw}:${definition.code}`,
          facts: [
            {
              kind: FactKind.Indicator,
              ...base,
              code: definition.code,
              revision: definition.revision,
              retired: false,
              definition,
            },
          ],
        },
      ];
    }
    case 'indicators.indicator.retired': {
      const d = event.data;
      return [
        {
          source: `indicator:${fw}:${d.code}`,
          facts: [{ kind: FactKind.Indicator, ...base, code: d.code, retired: true, reason: d.reason }],
        },
      ];
    }
    case 'indicators.baseline.set':
    case 'indicators.baseline.revised': {
      const d = event.data;
      return [
        {
          source: `baseline:${fw}:${d.indicatorCode}`,
          facts: [
            {
              kind: FactKind.Baseline,
              ...base,
              code: d.indicatorCode,
              value: d.value,
              date: d.date,
              revision: d.revision,
            },
          ],
        },
      ];
    }
    case 'indicators.target.set':
    case 'indicators.target.revised': {
      const d = event.data;
      return [
        {
          source: `target:${fw}:${d.indicatorCode}:${d.period}`,
          facts: [
            {
              kind: FactKind.Target,
              ...base,
              code: d.indicatorCode,
              period: d.period,
              periodStart: d.periodStart,
              periodEnd: d.periodEnd,
              value: d.value,
              targetVersion: d.targetVersion,
            },
          ],
        },
      ];
    }
    case 'indicators.value.reported': {
      const d = event.data;
      return [
        {
          source: `manual:${fw}:${d.indicatorCode}:${d.period}`,
          facts: [
            {
              kind: FactKind.ManualValue,
              ...base,
              code: d.indicatorCode,
              period: d.period,
              periodStart: d.periodStart,
              periodEnd: d.periodEnd,
              value: d.value,
              comment: d.comment,
              evidenceUrl: d.evidenceUrl ?? null,
              revision: d.revision,
            },
          ],
        },
      ];
    }
    case 'indicators.framework.created':
    case 'indicators.framework.draft_edited':
      return [];
  }
}
