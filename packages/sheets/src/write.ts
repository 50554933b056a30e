import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';

/** How a column's numbers are shown: counts, decimals, or percentages given as 0..100. */
export const ColumnKind = { Text: 'text', Integer: 'integer', Decimal: 'decimal', Percent: 'percent' } as const;
export type ColumnKind = (typeof ColumnKind)[keyof typeof ColumnKind];

export type Cell = string | number | null | undefined;

/** A report as a table, in one language: its sheet's name, typed columns, rows, and notes kept apart from the data. */
export interface TableExport {
  sheet: string;
  columns: Array<{ header: string; kind?: ColumnKind }>;
  rows: Cell[][];
  notes: string[];
  /** The name of the sheet that holds the notes and sources. */
  notesSheet: string;
}

// Spreadsheets run a cell starting with one of these as a formula: a partner typed as "=HYPERLINK(...)" stays text.
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Pure: a text cell that no spreadsheet will run as a formula (a leading apostrophe, as Excel itself writes). */
export const neutralise = (v: string) => (FORMULA_START.test(v) ? `'${v}` : v);

const text = (v: Cell) => (v === null || v === undefined ? '' : typeof v === 'number' ? v : neutralise(v));

/**
 * CSV with a UTF-8 BOM (Excel reads accents right), CRLF, every field quoted where it must be (a field holding the
 * separator, a quote or a line break), formulas neutralised: a field can neither start a formula nor be split into
 * one by the other separator. French Excel reads `;`, English `,`. Notes follow the data after a blank line.
 */
export function writeCsv(t: TableExport, delimiter: ';' | ',' | '\t'): Buffer {
  const records = [t.columns.map((c) => neutralise(c.header)), ...t.rows.map((r) => r.map(text))];
  if (t.notes.length) records.push([], ...t.notes.map((n) => [neutralise(n)]));
  // Quote a field holding either separator: a file opened with the other one must not split it into a live cell.
  const body = stringify(records, {
    delimiter,
    record_delimiter: 'windows',
    quoted_match: /[;,\t\r\n"]/,
    cast: { number: (n) => String(n) },
  });
  return Buffer.from(`\uFEFF${body}`, 'utf8');
}

const FORMAT: Record<ColumnKind, string | undefined> = {
  text: undefined,
  integer: '#,##0',
  decimal: '#,##0.0##',
  percent: '0.0%',
};
const widthOf = (v: Cell, kind: ColumnKind) =>
  v === null || v === undefined
    ? 0
    : typeof v === 'number'
      ? kind === 'percent'
        ? 7
        : String(Math.round(v)).length + 3
      : v.length;

/**
 * An XLSX workbook people can use as it is: the data sheet with a bold, frozen header row, an autofilter, columns
 * as wide as their content, numbers as numbers with their format (percentages as percentages), printed landscape on
 * A4, fitted to the page width with the header row repeated; then a sheet with the notes and sources.
 */
export async function writeTableXlsx(t: TableExport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(t.sheet.slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
    },
  });
  const kinds = t.columns.map((c) => c.kind ?? ColumnKind.Text);
  sheet.addRow(t.columns.map((c) => c.header));
  for (const r of t.rows)
    sheet.addRow(r.map((v, i) => (typeof v === 'number' && kinds[i] === ColumnKind.Percent ? v / 100 : text(v))));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: t.columns.length } };
  t.columns.forEach((c, i) => {
    const column = sheet.getColumn(i + 1);
    const widest = Math.max(c.header.length, ...t.rows.map((r) => widthOf(r[i], kinds[i]!)));
    column.width = Math.min(60, Math.max(8, widest + 2));
    const numFmt = FORMAT[kinds[i]!];
    if (numFmt) column.numFmt = numFmt;
  });
  const notes = book.addWorksheet(t.notesSheet.slice(0, 31), {
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  notes.getColumn(1).width = 100;
  for (const n of t.notes) {
    const row = notes.addRow([neutralise(n)]);
    row.alignment = { wrapText: true, vertical: 'top' };
    // Not every spreadsheet sizes a wrapped row itself: give it the height of its lines.
    row.height = 15 * Math.max(1, Math.ceil(n.length / 95));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
