import type { Response } from 'express';
import { z } from 'zod';
import type { Localized } from '@passerelle/contracts';
import type { indicatorProgress } from './progress.js';
import type { Cell } from '../query/disclosure.js';
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
  en: ['indicator', 'name', 'unit', 'baseline', 'target', 'target version', 'actual', '% of target', 'framework version', 'period', 'dimension', 'value', 'figure', 'hidden',
    'rounded', 'keyed people (distinct)', 'people counted without a list', 'no data'],
  fr: ['indicateur', 'nom', 'unité', 'référence', 'cible', 'version de la cible', 'réalisé', '% de la cible', 'version du cadre', 'période', 'dimension', 'valeur', 'chiffre', 'masqué',
    'arrondi', 'personnes des listes (distinctes)', 'personnes comptées sans liste', 'pas de données'],
};

/** What a table shows for a figure that does not exist yet ("no data"), so that nobody reads it as 0. */
export const NO_DATA = '—';

/** Indicator progress as a table: one row per indicator, then one per disaggregation cell, suppression kept as in JSON. */
export function indicatorTable(p: Progress, lang: Lang): Table {
  const rows: Table['rows'] = [];
  for (const i of p.indicators) {
    const name = (i.name as Localized)[lang];
    const hiddenActual = typeof i.actual === 'string';
    const none = i.noData !== null;
    rows.push([i.code, name, i.unit, num(i.baseline?.value), num(i.target?.value), num(i.target?.version), none ? NO_DATA : i.actual, none ? NO_DATA : i.percentOfTarget,
      p.frameworkVersion, p.period.key, null, null, null, hiddenActual ? 'yes' : '', i.rounded ? 'yes' : '', i.keyedPeople, i.countedPeople, i.noData]);
    for (const [dimension, cells] of Object.entries(i.breakdowns) as Array<[string, Cell[]]>) {
      for (const c of cells) {
        rows.push([i.code, name, i.unit, null, null, null, null, null, p.frameworkVersion, p.period.key, dimension, c.key ?? 'unknown', c.value, c.suppressed ? 'yes' : '',
          c.rounded ? 'yes' : '', c.keyedPeople, c.countedPeople, null]);
      }
    }
  }
  const range = p.period.from ? ` (${p.period.from} – ${p.period.to})` : '';
  return { columns: HEADERS[lang], rows, notes: [`${p.frameworkId} v${p.frameworkVersion}, ${p.period.key}${range}`, p.protection] };
}

/** Answers GET /reports/indicators in the asked format (app.ts computes the progress). */
export function indicatorsAnswer(res: Response, q: z.infer<typeof IndicatorsQuery>, progress: Progress) {
  return answer(res, q.format, progress, () => indicatorTable(progress, q.lang), `indicators-${q.framework}-${q.period}`);
}
