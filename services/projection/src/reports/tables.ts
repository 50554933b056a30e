import type { Response } from 'express';
import { z } from 'zod';
import { SHEET_TYPES, writeXlsx } from '@passerelle/sheets';

/** What a report may be asked as: JSON (the default), a CSV or an XLSX sheet. */
export const Format = z.enum(['json', 'csv', 'xlsx']).default('json');
export type Format = z.infer<typeof Format>;

/** Language of names and headers in tables. */
export const Lang = z.enum(['en', 'fr']).default('en');
export type Lang = z.infer<typeof Lang>;

/** The media types of tabular reports, for a route's `produces`. */
export const TABLE_TYPES = [SHEET_TYPES.csv, SHEET_TYPES.xlsx];

export type TableValue = string | number | null | undefined;

/** A report as a table: a header, rows, and notes printed under it (what is hidden, how people are counted). */
export interface Table {
  columns: string[];
  rows: TableValue[][];
  notes: string[];
}

// Excel runs cells starting with these as formulas: a partner name typed as "=HYPERLINK(...)" must stay text.
const FORMULA_START = /^[=+\-@\t\r]/;

const text = (v: TableValue) => (v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : FORMULA_START.test(v) ? `'${v}` : v);

const csvField = (v: TableValue) => {
  const s = text(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** RFC 4180 CSV (CRLF, quoted where needed) with a UTF-8 BOM so Excel reads accents right; notes follow a blank line. */
export function toCsv(t: Table): Buffer {
  const lines = [t.columns, ...t.rows].map((r) => r.map(csvField).join(','));
  if (t.notes.length) lines.push('', ...t.notes.map((n) => csvField(n)));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** One sheet: header, rows (numbers stay numbers), then a blank row and the notes. */
export function toXlsx(t: Table, sheetName: string): Promise<Buffer> {
  const rows = t.rows.map((r) => r.map((v) => (typeof v === 'number' ? v : text(v))));
  return writeXlsx(sheetName.slice(0, 31), t.columns, t.notes.length ? [...rows, [], ...t.notes.map((n) => [text(n)])] : rows);
}

/** Writes the table to the response as a download named `<name>.<format>`. */
export async function sendTable(res: Response, t: Table, format: 'csv' | 'xlsx', name: string): Promise<void> {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_');
  const body = format === 'csv' ? toCsv(t) : await toXlsx(t, safe);
  res.status(200)
    .set('content-type', format === 'csv' ? `${SHEET_TYPES.csv}; charset=utf-8` : SHEET_TYPES.xlsx)
    .set('content-disposition', `attachment; filename="${safe}.${format}"`)
    .send(body);
}

/**
 * Answers a report in the asked format: the JSON as is, or its table. Returns undefined once a table is sent,
 * so the kit does not send JSON too.
 */
export async function answer<T>(res: Response, format: Format, json: T, table: () => Table, name: string): Promise<T | undefined> {
  if (format === 'json') return json;
  await sendTable(res, table(), format, name);
  return undefined;
}
