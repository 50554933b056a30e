import type { Response } from 'express';
import { z } from 'zod';
import type { Localized } from '@passerelle/contracts';
import type { indicatorProgress } from './progress.js';
import type { Cell, Policy } from '../query/disclosure.js';
import { protectionSentence } from './factsheet/factsheet-format.js';
import { col, label, TABLE, VALUE_SETS } from './labels.js';
import { answer, ColumnKind, TableQuery, type Lang, type Table, type TableOptions } from './tables.js';
import { Instant } from '../query/queries.js';

/** GET /reports/indicators: JSON by default, or a CSV / XLSX table in `lang`. */
export const IndicatorsQuery = z.strictObject({
  framework: z.string().regex(/^[A-Z0-9]+-[A-Z]{2}$/),
  period: z.string().default('PY1'),
  asOf: Instant.optional(),
  ...TableQuery,
});

const num = (v: unknown) => (typeof v === 'number' ? v : null);

type Progress = Awaited<ReturnType<typeof indicatorProgress>>;

/** What a table shows for a figure that does not exist yet ("no data"), so that nobody reads it as 0. */
export const NO_DATA = '—';

const NO_DATA_REASON = {
  'no data: no record of the period contributes to this indicator yet': {
    en: 'no record of the period contributes to it yet',
    fr: "aucun enregistrement de la période n'y contribue encore",
  },
  'no data: no value has been reported for this period': {
    en: 'no value reported for this period',
    fr: 'aucune valeur rapportée pour cette période',
  },
} as Record<string, { en: string; fr: string }>;

/** Indicator progress as a table in the language: one row per indicator, then one per disaggregation cell, protection kept as in JSON. */
export function indicatorTable(p: Progress, lang: Lang, policy: Policy): Table {
  const { Integer, Decimal, Percent } = ColumnKind;
  const columns = [
    { header: col('indicator', lang) },
    { header: col('name', lang) },
    { header: col('unit', lang) },
    { header: col('baseline', lang), kind: Decimal },
    { header: col('target', lang), kind: Decimal },
    { header: col('targetVersion', lang), kind: Integer },
    { header: col('actual', lang), kind: Decimal },
    { header: col('percent', lang), kind: Percent },
    { header: col('frameworkVersion', lang), kind: Integer },
    { header: col('period', lang) },
    { header: col('dimension', lang) },
    { header: col('value', lang) },
    { header: col('code', lang) },
    { header: col('figure', lang), kind: Decimal },
    { header: col('hidden', lang) },
    { header: col('rounded', lang) },
    { header: col('keyed', lang), kind: Integer },
    { header: col('counted', lang), kind: Integer },
    { header: col('noData', lang) },
  ];
  const yes = (b: unknown) => (b ? TABLE.yes[lang] : '');
  const rows: Table['rows'] = [];
  for (const i of p.indicators) {
    const name = (i.name as Localized)[lang];
    const unit = label('unit', i.unit, lang);
    const none = i.noData !== null;
    rows.push([
      i.code,
      name,
      unit,
      num(i.baseline?.value),
      num(i.target?.value),
      num(i.target?.version),
      none ? NO_DATA : i.actual,
      none ? NO_DATA : i.percentOfTarget,
      p.frameworkVersion,
      p.period.key,
      null,
      null,
      null,
      null,
      yes(typeof i.actual === 'string'),
      yes(i.rounded),
      i.keyedPeople,
      i.countedPeople,
      i.noData ? (NO_DATA_REASON[i.noData]?.[lang] ?? i.noData) : null,
    ]);
    for (const [dimension, cells] of Object.entries(i.breakdowns) as Array<[string, Cell[]]>) {
      const set = VALUE_SETS[dimension];
      for (const c of cells) {
        rows.push([
          i.code,
          name,
          unit,
          null,
          null,
          null,
          null,
          null,
          p.frameworkVersion,
          p.period.key,
          label('dimension', dimension, lang),
          set ? label(set, c.key, lang) : (c.key ?? label('dimension', null, lang)),
          c.key,
          c.value,
          yes(c.suppressed),
          yes(c.rounded),
          c.keyedPeople,
          c.countedPeople,
          null,
        ]);
      }
    }
  }
  const range = p.period.from
    ? lang === 'fr'
      ? ` (du ${p.period.from} au ${p.period.to})`
      : ` (${p.period.from} – ${p.period.to})`
    : '';
  const frame =
    lang === 'fr'
      ? `Cadre ${p.frameworkId} version ${p.frameworkVersion}, ${p.period.key}${range}`
      : `${p.frameworkId} version ${p.frameworkVersion}, ${p.period.key}${range}`;
  const suppressed = p.indicators.reduce((n, i) => n + i.suppressedCells, 0);
  return {
    sheet: TABLE.sheet.indicators[lang],
    notesSheet: TABLE.notesSheet[lang],
    columns,
    rows,
    notes: [frame, protectionSentence(policy, suppressed, lang)],
  };
}

/** Answers GET /reports/indicators in the asked format (app.ts computes the progress). */
export function indicatorsAnswer(
  res: Response,
  q: z.infer<typeof IndicatorsQuery> & TableOptions,
  progress: Progress,
  policy: Policy,
) {
  return answer(res, q, progress, () => indicatorTable(progress, q.lang, policy), {
    en: `${TABLE.file.indicators.en}-${q.framework}-${q.period}`,
    fr: `${TABLE.file.indicators.fr}-${q.framework}-${q.period}`,
  });
}
