import type { Response } from 'express';
import { z } from 'zod';
import { SHEET_TYPES, writeCsv, writeTableXlsx, type TableExport } from '@passerelle/sheets';
import { TABLE } from './labels.js';

export { ColumnKind } from '@passerelle/sheets';

/** What a report may be asked as: JSON (the default), a CSV or an XLSX sheet. */
export const Format = z.enum(['json', 'csv', 'xlsx']).default('json');
export type Format = z.infer<typeof Format>;

/** Language of names, values, headers, notes, sheet and file names in tables. */
export const Lang = z.enum(['en', 'fr']).default('en');
export type Lang = z.infer<typeof Lang>;

/** CSV separator: `;` (French Excel) by default for fr, `,` for en; `tab` for tab-separated. */
export const Separator = z.enum([';', ',', 'tab']).optional();

/** Query parameters of a tabular report. */
export const TableQuery = { format: Format, lang: Lang, sep: Separator };
export type TableOptions = { format: Format; lang: Lang; sep?: ';' | ',' | 'tab' | undefined };

/** The media types of tabular reports, for a route's `produces`. */
export const TABLE_TYPES = [SHEET_TYPES.csv, SHEET_TYPES.xlsx];

export type TableValue = string | number | null | undefined;

/** A report as a table in one language: data, typed columns, and notes kept apart (a sheet of their own in XLSX). */
export type Table = TableExport;

/** Writes the table to the response as a download named `<name>-<lang>.<format>`, the name in the table's language. */
export async function sendTable(
  res: Response,
  t: Table,
  o: TableOptions & { format: 'csv' | 'xlsx' },
  name: string,
): Promise<void> {
  const safe = `${name}-${o.lang}`.replace(/[^A-Za-z0-9._-]+/g, '_');
  const withSource = { ...t, notes: [...t.notes, TABLE.source[o.lang]] };
  const delimiter = o.sep === 'tab' ? '\t' : (o.sep ?? (o.lang === 'fr' ? ';' : ','));
  const body = o.format === 'csv' ? writeCsv(withSource, delimiter) : await writeTableXlsx(withSource);
  res
    .status(200)
    .set('content-type', o.format === 'csv' ? `${SHEET_TYPES.csv}; charset=utf-8` : SHEET_TYPES.xlsx)
    .set('content-language', o.lang)
    .set('content-disposition', `attachment; filename="${safe}.${o.format}"`)
    .send(body);
}

/**
 * Answers a report in the asked format: the JSON as is, or its table. Returns undefined once a table is sent,
 * so the kit does not send JSON too. `name` is the file name's stem in each language.
 */
export async function answer<T>(
  res: Response,
  o: TableOptions,
  json: T,
  table: () => Table,
  name: { en: string; fr: string },
): Promise<T | undefined> {
  if (o.format === 'json') return json;
  await sendTable(res, table(), { ...o, format: o.format }, name[o.lang]);
  return undefined;
}
