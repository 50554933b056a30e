import type { Envelope } from '@passerelle/contracts';
import { FactKind, type SourceChange } from './facts.js';

type Data = Record<string, unknown> & { frameworkId: string; businessDate: string };

/**
 * Reference facts of the results framework: each published framework version, the current definition of each
 * indicator, its baseline, targets per period (latest version, with the version number) and manual values.
 * Reports read them beside the activity facts; nothing here is summed into figures.
 */
export function indicatorFacts(event: Envelope): SourceChange[] {
  const d = event.data as Data;
  const fw = d.frameworkId;
  const base = { businessDate: d.businessDate, frameworkId: fw, value: 0 };
  switch (event.type) {
    case 'indicators.framework.published': {
      const { frameworkId: _f, businessDate: _b, ...framework } = d;
      const fact = { kind: FactKind.Framework, ...base, version: d.frameworkVersion, framework };
      // The latest version for today's reports, and every version for reports that name the one they used.
      return [{ source: `framework:${fw}`, facts: [fact] }, { source: `framework:${fw}:v${String(d.frameworkVersion)}`, facts: [{ ...fact, historical: true }] }];
    }
    case 'indicators.indicator.defined':
    case 'indicators.indicator.revised': {
      const { frameworkId: _f, businessDate: _b, reason: _r, ...definition } = d;
      return [{ source: `indicator:${fw}:${String(d.code)}`, facts: [{ kind: FactKind.Indicator, ...base, code: d.code, revision: d.revision, retired: false, definition }] }];
    }
    case 'indicators.indicator.retired':
      return [{ source: `indicator:${fw}:${String(d.code)}`, facts: [{ kind: FactKind.Indicator, ...base, code: d.code, retired: true, reason: d.reason }] }];
    case 'indicators.baseline.set':
    case 'indicators.baseline.revised':
      return [{ source: `baseline:${fw}:${String(d.indicatorCode)}`, facts: [{ kind: FactKind.Baseline, ...base, code: d.indicatorCode, value: d.value as number, date: d.date, revision: d.revision }] }];
    case 'indicators.target.set':
    case 'indicators.target.revised':
      return [{
        source: `target:${fw}:${String(d.indicatorCode)}:${String(d.period)}`,
        facts: [{ kind: FactKind.Target, ...base, code: d.indicatorCode, period: d.period, periodStart: d.periodStart, periodEnd: d.periodEnd, value: d.value as number, targetVersion: d.targetVersion }],
      }];
    case 'indicators.value.reported':
      return [{
        source: `manual:${fw}:${String(d.indicatorCode)}:${String(d.period)}`,
        facts: [{ kind: FactKind.ManualValue, ...base, code: d.indicatorCode, period: d.period, periodStart: d.periodStart, periodEnd: d.periodEnd, value: d.value as number, comment: d.comment, evidenceUrl: d.evidenceUrl ?? null, revision: d.revision }],
      }];
    default:
      return [];
  }
}
