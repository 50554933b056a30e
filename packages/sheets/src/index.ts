import ExcelJS from 'exceljs';
import { parseCsv } from './csv.js';
import { charsetOf, decodeText } from './encoding.js';
import { DEFAULT_SHEET_LIMITS, SheetError, type SheetLimits } from './errors.js';
import { verifyZip, zipDirectory } from './zip.js';

export { parseCsv, SheetError, DEFAULT_SHEET_LIMITS, decodeText, charsetOf, zipDirectory, type SheetLimits };
export { writeTemplate, type TemplateColumn, type TemplateSpec } from './template.js';
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

/** A sheet's data rows and the row its header was found on (1 unless title rows come first). */
export interface SheetTable {
  headerRow: number;
  rows: SheetRow[];
  /** How the text of a CSV was decoded (absent for XLSX). */
  encoding?: string;
}

export interface ReadOptions {
  /** Normalised header names the importer knows: the header is the row among the first 20 that has most of them. */
  headers?: Iterable<string>;
  limits?: Partial<SheetLimits>;
}

/** Header names compared without case, accents, spaces or punctuation: "Âge / Age group" → "agegroup"... */
export const normaliseHeader = (h: string) =>
  h
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/** Rows scanned for the header: title rows, dates and notes above it are common in field sheets. */
const HEADER_SCAN = 20;

/** The index of the header record: most known headers among the first rows, else the first non-blank row. */
function headerIndex(records: string[][], known: Set<string>): number {
  let best = -1;
  let bestScore = 0;
  for (let i = 0; i < Math.min(records.length, HEADER_SCAN); i++) {
    const score = new Set(records[i]!.map(normaliseHeader).filter((h) => known.has(h))).size;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best >= 0 ? best : records.findIndex((r) => r.some((c) => c.trim()));
}

function toTable(records: string[][], known: Set<string>): SheetTable {
  const at = headerIndex(records, known);
  const header = records[at];
  if (at < 0 || !header) throw new SheetError('the sheet has no header row');
  const keys = header.map(normaliseHeader);
  const rows = records
    .slice(at + 1)
    .map((cells, i) => ({
      row: at + 2 + i,
      values: Object.fromEntries(keys.map((k, j) => [k, (cells[j] ?? '').trim()]).filter(([k]) => k)),
    }))
    .filter((r) => Object.values(r.values).some((v) => v !== ''));
  return { headerRow: at + 1, rows };
}

const cellText = (v: ExcelJS.CellValue): string =>
  // Dates become YYYY-MM-DD; formulas give their result; rich text its plain text.
  v instanceof Date
    ? v.toISOString().slice(0, 10)
    : v && typeof v === 'object' && 'result' in v
      ? String(v.result ?? '')
      : v && typeof v === 'object' && 'richText' in v
        ? v.richText.map((t) => t.text).join('')
        : v === null || v === undefined
          ? ''
          : String(v);

async function xlsxRecords(buffer: Buffer, limits: SheetLimits): Promise<string[][]> {
  // Bounded before exceljs sees the file: a zip bomb is refused from its directory, a lying directory while
  // its entries are checked, a sheet with too many rows by counting them.
  await verifyZip(buffer, zipDirectory(buffer, limits), limits, HEADER_SCAN);
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
      cells[col - 1] = cellText(cell.value);
    });
    records[n - 1] = Array.from(cells, (c) => c ?? '');
  });
  return Array.from(records, (r) => r ?? []);
}

function csvRecords(body: Buffer, contentType: string, limits: SheetLimits): { records: string[][]; encoding: string } {
  if (body.length > limits.maxUncompressedBytes)
    throw new SheetError(`the CSV is larger than ${limits.maxUncompressedBytes} bytes`, 413, 'SHEET_TOO_LARGE');
  let lines = 0;
  for (let i = body.indexOf(10); i >= 0; i = body.indexOf(10, i + 1)) {
    if (++lines > limits.maxRows + HEADER_SCAN)
      throw new SheetError(`the CSV has more than ${limits.maxRows} rows; split the list`, 413, 'SHEET_TOO_LARGE');
  }
  const { text, encoding } = decodeText(body, charsetOf(contentType));
  return { records: parseCsv(text), encoding };
}

/**
 * Reads a CSV or XLSX upload into numbered rows under the header row, which may sit below title rows. Bounds
 * the work first (limits), decodes CSV text by its BOM, its charset or by detection (UTF-8, else Windows-1252).
 * Throws SheetError (with the status to answer) when the file itself is unreadable or too large.
 */
export async function readTable(body: Buffer, contentType: string, opts: ReadOptions = {}): Promise<SheetTable> {
  const limits = { ...DEFAULT_SHEET_LIMITS, ...opts.limits };
  const known = new Set(opts.headers ?? []);
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === SHEET_TYPES.xlsx) return toTable(await xlsxRecords(body, limits), known);
  if (type === SHEET_TYPES.csv) {
    const { records, encoding } = csvRecords(body, contentType, limits);
    return { ...toTable(records, known), encoding };
  }
  throw new SheetError(`unsupported sheet type ${contentType}; send ${SHEET_TYPES.csv} or ${SHEET_TYPES.xlsx}`);
}

/** Reads a CSV or XLSX upload into rows (see readTable); throws SheetError when the file itself is unreadable. */
export async function readSheet(body: Buffer, contentType: string, opts: ReadOptions = {}): Promise<SheetRow[]> {
  return (await readTable(body, contentType, opts)).rows;
}

/** Builds an XLSX file from a header and rows (for exports and test fixtures); `above` rows (a title) go first. */
export async function writeXlsx(
  sheetName: string,
  header: string[],
  rows: Array<Array<string | number>>,
  above: string[][] = [],
): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(sheetName);
  for (const r of above) sheet.addRow(r);
  sheet.addRow(header);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}
