import type { Response } from 'express';
import { z } from 'zod';
import type { Localized } from '@passerelle/contracts';
import type { indicatorProgress } from '../indicators.js';
import type { Cell } from '../suppression.js';
import { answer, Format, Lang, type Table } from './tables.js';
import { Instant } from '../queries.js';

/** GET /reports/indicators: JSON by default, or a CSV / XLSX table with names in `lang`. */
export const IndicatorsQuery = z.strictObject({
  framework: z.string().regex(/^[A-Z0-9]+-[A-Z]{2}$/),
  period: z.string().default('PY1'),
  asOf: Instant.optional(),
  format: Format,
  lang: Lang,
});

const num = (v: unknown) => (typeof v === 'number' ? v : null);

type Progress = Awaited<ReturnType<typeof indicatorProgress>>;

const HEADERS = {
  en: ['indicator', 'name', 'unit', 'baseline', 'target', 'target version', 'actual', '% of target', 'framework version', 'period', 'dimension', 'value', 'figure', 'hidden'],
  fr: ['indicateur', 'nom', 'unité', 'référence', 'cible', 'version de la cible', 'réalisé', '% de la cible', 'version du cadre', 'période', 'dimension', 'valeur', 'chiffre', 'masqué'],
};

/** Indicator progress as a table: one row per indicator, then one per disaggregation cell, suppression kept as in JSON. */
export function indicatorTable(p: Progress, lang: Lang): Table {
  const rows: Table['rows'] = [];
  for (const i of p.indicators) {
    const name = (i.name as Localized)[lang];
    const hiddenActual = typeof i.actual === 'string';
    rows.push([i.code, name, i.unit, num(i.baseline?.value), num(i.target?.value), num(i.target?.version), i.actual, i.percentOfTarget, p.frameworkVersion, p.period.key, null, null, null, hiddenActual ? 'yes' : '']);
    for (const [dimension, cells] of Object.entries(i.breakdowns) as Array<[string, Cell[]]>) {
      for (const c of cells) rows.push([i.code, name, i.unit, null, null, null, null, null, p.frameworkVersion, p.period.key, dimension, c.key ?? 'unknown', c.value, c.suppressed ? 'yes' : '']);
    }
  }
  const range = p.period.from ? ` (${p.period.from} – ${p.period.to})` : '';
  return { columns: HEADERS[lang], rows, notes: [`${p.frameworkId} v${p.frameworkVersion}, ${p.period.key}${range}`, p.protection] };
}

/** Answers GET /reports/indicators in the asked format (app.ts computes the progress). */
export function indicatorsAnswer(res: Response, q: z.infer<typeof IndicatorsQuery>, progress: Progress) {
  return answer(res, q.format, progress, () => indicatorTable(progress, q.lang), `indicators-${q.framework}-${q.period}`);
}
