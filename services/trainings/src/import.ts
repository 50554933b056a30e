import { acceptedValues, readLabel, type AttendanceRow, type LabelList } from '@passerelle/contracts';
import type { SheetRow } from '@passerelle/sheets';
import { rowKey } from './attendance.js';

/**
 * Attendance sheets as field teams keep them: one row per sex × category (× age group × institution) with a count.
 * Headers and values are compared normalised (no case, accents or punctuation), so "Catégorie", "categorie" and
 * "CATEGORIE" are one. Column names are below; values are read through the contracts' label catalogue (codes,
 * French and English labels, synonyms such as F/M/H), so a template's drop-downs and a typed value agree.
 */
export const COLUMN_SYNONYMS = {
  sex: ['sex', 'sexe', 'gender', 'genre'],
  category: ['category', 'categorie', 'participant_category', 'categorie_de_participant', 'profile', 'profil'],
  count: [
    'count',
    'nombre',
    'number',
    'nb',
    'effectif',
    'participants',
    'number_of_participants',
    'nombre_de_participants',
  ],
  ageGroup: ['age_group', 'tranche_d_age', 'tranche_age', 'groupe_d_age', 'age'],
  institution: ['institution', 'organisation', 'organization', 'etablissement', 'structure'],
} as const;
export type Column = keyof typeof COLUMN_SYNONYMS;
const REQUIRED: Column[] = ['sex', 'category', 'count'];

const lookup = <K extends string>(table: Record<K, readonly string[]>) =>
  new Map(
    Object.entries<readonly string[]>(table).flatMap(([value, words]) => words.map((w) => [w, value as K] as const)),
  );
const COLUMNS = lookup(COLUMN_SYNONYMS);

/** Every header spelling the importer knows: the header row is the one among the first rows with most of them. */
export const KNOWN_HEADERS: ReadonlySet<string> = new Set(COLUMNS.keys());

/** One thing wrong in a sheet, where a person can find it: row 1 is the header. */
export interface ImportError {
  row: number;
  column: string;
  message: string;
}

export type ImportResult =
  { ok: true; rows: AttendanceRow[]; ignoredColumns: string[] } | { ok: false; errors: ImportError[] };

const MAX_ROWS = 500;

/** Turns sheet rows into attendance rows, or lists every error of every row; never a partial result. */
export function attendanceFromSheet(sheet: SheetRow[], headerRow = 1): ImportResult {
  if (!sheet.length)
    return { ok: false, errors: [{ row: headerRow + 1, column: '', message: 'the sheet has no data rows' }] };
  if (sheet.length > MAX_ROWS)
    return {
      ok: false,
      errors: [{ row: sheet[MAX_ROWS]!.row, column: '', message: `a sheet holds at most ${MAX_ROWS} rows` }],
    };
  // Every row carries every (normalised) header of the sheet, so the first row tells the columns.
  const headers = Object.keys(sheet[0]!.values);
  const columnOf = new Map<Column, string>();
  const errors: ImportError[] = [];
  const ignoredColumns: string[] = [];
  for (const h of headers) {
    const column = COLUMNS.get(h);
    if (!column) ignoredColumns.push(h);
    else if (columnOf.has(column))
      errors.push({
        row: headerRow,
        column: h,
        message: `a second column for ${column} (the first is "${columnOf.get(column)}")`,
      });
    else columnOf.set(column, h);
  }
  for (const c of REQUIRED) {
    if (!columnOf.has(c))
      errors.push({
        row: headerRow,
        column: c,
        message: `no ${c} column; accepted headers: ${COLUMN_SYNONYMS[c].join(', ')}`,
      });
  }
  if (errors.length) return { ok: false, errors };

  const rows: AttendanceRow[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { row, values } of sheet) {
    const raw = (c: Column) => (columnOf.has(c) ? (values[columnOf.get(c)!] ?? '') : '');
    const fail = (c: Column, message: string) => {
      errors.push({ row, column: columnOf.get(c) ?? c, message });
    };
    const word = <L extends LabelList>(c: Column, list: L, what: string) => {
      const v = raw(c);
      if (!v) return void fail(c, `${what} is missing`);
      const found = readLabel(list, v);
      if (found === undefined) fail(c, `"${v}" is not a known ${what}; use one of ${acceptedValues(list)}`);
      return found;
    };
    const sex = word('sex', 'sex', 'sex');
    const category = word('category', 'participantCategory', 'participant category');
    const ageGroup = raw('ageGroup') ? word('ageGroup', 'ageGroup', 'age group') : undefined;
    const institution = raw('institution');
    if (institution.length > 200) fail('institution', 'the institution is longer than 200 characters');
    const count = parseCount(raw('count'));
    if (typeof count === 'string') fail('count', count);
    if (sex === undefined || category === undefined || typeof count === 'string' || (raw('ageGroup') && !ageGroup))
      continue;
    const r: AttendanceRow = {
      sex,
      category,
      ...(ageGroup ? { ageGroup } : {}),
      ...(institution ? { institution } : {}),
      count,
    };
    const key = rowKey(r);
    const first = firstRowOf.get(key);
    if (first !== undefined) fail('count', `row ${first} already counts ${key}; add the counts in one row`);
    else firstRowOf.set(key, row);
    rows.push(r);
  }
  return errors.length ? { ok: false, errors } : { ok: true, rows, ignoredColumns };
}

/** A count is a whole number ≥ 0; "12.0" (how some spreadsheets export integers) is 12. Returns the problem as text otherwise. */
function parseCount(v: string): number | string {
  if (!v) return 'the count is missing';
  const n = Number(v.replace(/\s/g, ''));
  if (!Number.isFinite(n)) return `"${v}" is not a number`;
  if (n < 0) return `the count ${v} is negative`;
  if (!Number.isInteger(n)) return `the count ${v} is not a whole number`;
  if (n > 100_000) return `the count ${v} is implausibly large`;
  return n;
}
