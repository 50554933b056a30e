import ExcelJS from 'exceljs';
import { parseCsv, SheetError } from './csv.js';

export { parseCsv, SheetError };
export { ColumnKind, neutralise, writeCsv, writeTableXlsx, type TableExport } from './write.js';

export const SHEET_TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** One data row, keyed by normalised header, with its row number as a person sees it in the sheet. */
export interface SheetRow {
  row: number;
  values: Record<string, string>;
}

/** Header names compared without case, accents, spaces or punctuation: "Âge / Age group" → "agegroup"... */
export const normaliseHeader = (h: string) => h.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

function toRows(records: string[][], firstRowNumber = 1): SheetRow[] {
  const [header, ...data] = records;
  if (!header || header.every((h) => !h.trim())) throw new SheetError('the sheet has no header row');
  const keys = header.map(normaliseHeader);
  return data
    .map((cells, i) => ({ row: firstRowNumber + 1 + i, values: Object.fromEntries(keys.map((k, j) => [k, (cells[j] ?? '').trim()]).filter(([k]) => k)) }))
    .filter((r) => Object.values(r.values).some((v) => v !== ''));
}

async function xlsxRecords(buffer: Buffer): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch (e) {
    throw new SheetError(`not a readable XLSX file: ${(e as Error).message}`);
  }
  const sheet = book.worksheets[0];
  if (!sheet) throw new SheetError('the workbook has no sheet');
  const records: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      const v = cell.value;
      // Dates become YYYY-MM-DD; formulas give their result; rich text its plain text.
      cells[col - 1] = v instanceof Date ? v.toISOString().slice(0, 10)
        : v && typeof v === 'object' && 'result' in v ? String(v.result ?? '')
        : v && typeof v === 'object' && 'richText' in v ? v.richText.map((t) => t.text).join('')
        : v === null || v === undefined ? '' : String(v);
    });
    records[n - 1] = cells;
  });
  return Array.from(records, (r) => r ?? []);
}

/** Reads a CSV or XLSX upload into rows; throws SheetError when the file itself is unreadable. */
export async function readSheet(body: Buffer, contentType: string): Promise<SheetRow[]> {
  if (contentType.startsWith(SHEET_TYPES.xlsx)) return toRows(await xlsxRecords(body));
  if (contentType.startsWith(SHEET_TYPES.csv)) return toRows(parseCsv(body.toString('utf8')));
  throw new SheetError(`unsupported sheet type ${contentType}; send ${SHEET_TYPES.csv} or ${SHEET_TYPES.xlsx}`);
}

/** Builds an XLSX file from a header and rows (for exports and test fixtures). */
export async function writeXlsx(sheetName: string, header: string[], rows: Array<Array<string | number>>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(sheetName);
  sheet.addRow(header);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}
