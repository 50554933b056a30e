import { AGE_GROUPS, PARTICIPANT_CATEGORIES, SEXES, type AgeGroup, type AttendanceRow, type ParticipantCategory, type Sex } from '@passerelle/contracts';
import { normaliseHeader, type SheetRow } from '@passerelle/sheets';
import { rowKey } from './attendance.js';

/**
 * Attendance sheets as field teams keep them: one row per sex × category (× age group × institution) with a count.
 * Headers and values are compared normalised (no case, accents or punctuation), so "Catégorie", "categorie" and
 * "CATEGORIE" are one. The tables below are the whole vocabulary accepted; README.md lists them for users.
 */
export const COLUMN_SYNONYMS = {
  sex: ['sex', 'sexe', 'gender', 'genre'],
  category: ['category', 'categorie', 'participant_category', 'categorie_de_participant', 'profile', 'profil'],
  count: ['count', 'nombre', 'number', 'nb', 'effectif', 'participants', 'number_of_participants', 'nombre_de_participants'],
  ageGroup: ['age_group', 'tranche_d_age', 'tranche_age', 'groupe_d_age', 'age'],
  institution: ['institution', 'organisation', 'organization', 'etablissement', 'structure'],
} as const;
export type Column = keyof typeof COLUMN_SYNONYMS;
const REQUIRED: Column[] = ['sex', 'category', 'count'];

const SEX_SYNONYMS: Record<Sex, string[]> = {
  female: ['f', 'female', 'femme', 'femmes', 'feminin', 'woman', 'women', 'w'],
  male: ['m', 'male', 'homme', 'hommes', 'masculin', 'man', 'men', 'h'],
  other: ['other', 'autre', 'x', 'undisclosed', 'non_precise', 'non_declare', 'not_stated', 'prefer_not_to_say'],
};

const CATEGORY_SYNONYMS: Record<ParticipantCategory, string[]> = {
  government_official: ['government_official', 'government', 'official', 'fonctionnaire', 'agent_public', 'gouvernement', 'administration'],
  police: ['police', 'police_officer', 'policier', 'policiere', 'agent_de_police', 'gendarmerie'],
  judiciary: ['judiciary', 'justice', 'judge', 'juge', 'magistrate', 'magistrat', 'judiciaire'],
  health_staff: ['health_staff', 'health', 'hospital_staff', 'sante', 'personnel_de_sante', 'personnel_hospitalier', 'medical'],
  social_worker: ['social_worker', 'travailleur_social', 'travailleuse_sociale', 'assistant_social', 'assistante_sociale'],
  cso_staff: ['cso_staff', 'cso', 'civil_society', 'ngo', 'osc', 'societe_civile', 'ong', 'association'],
  student: ['student', 'etudiant', 'etudiante', 'eleve'],
  migrant: ['migrant', 'migrante', 'migrants'],
  other: ['other', 'autre', 'autres'],
};

const AGE_SYNONYMS: Record<AgeGroup, string[]> = {
  '0-4': ['0_4'], '5-11': ['5_11'], '12-17': ['12_17'], '18-59': ['18_59'], '60+': ['60', '60_plus', '60_et_plus', '60_and_over'],
};

const lookup = <K extends string>(table: Record<K, readonly string[]>) =>
  new Map(Object.entries<readonly string[]>(table).flatMap(([value, words]) => words.map((w) => [w, value as K] as const)));
const COLUMNS = lookup(COLUMN_SYNONYMS);
const SEX = lookup(SEX_SYNONYMS);
const CATEGORY = lookup(CATEGORY_SYNONYMS);
const AGE = lookup(AGE_SYNONYMS);

/** One thing wrong in a sheet, where a person can find it: row 1 is the header. */
export interface ImportError {
  row: number;
  column: string;
  message: string;
}

export type ImportResult = { ok: true; rows: AttendanceRow[]; ignoredColumns: string[] } | { ok: false; errors: ImportError[] };

const MAX_ROWS = 500;

/** Turns sheet rows into attendance rows, or lists every error of every row; never a partial result. */
export function attendanceFromSheet(sheet: SheetRow[]): ImportResult {
  if (!sheet.length) return { ok: false, errors: [{ row: 2, column: '', message: 'the sheet has no data rows' }] };
  if (sheet.length > MAX_ROWS) return { ok: false, errors: [{ row: MAX_ROWS + 2, column: '', message: `a sheet holds at most ${MAX_ROWS} rows` }] };
  // Every row carries every (normalised) header of the sheet, so the first row tells the columns.
  const headers = Object.keys(sheet[0]!.values);
  const columnOf = new Map<Column, string>();
  const errors: ImportError[] = [];
  const ignoredColumns: string[] = [];
  for (const h of headers) {
    const column = COLUMNS.get(h);
    if (!column) ignoredColumns.push(h);
    else if (columnOf.has(column)) errors.push({ row: 1, column: h, message: `a second column for ${column} (the first is "${columnOf.get(column)}")` });
    else columnOf.set(column, h);
  }
  for (const c of REQUIRED) {
    if (!columnOf.has(c)) errors.push({ row: 1, column: c, message: `no ${c} column; accepted headers: ${COLUMN_SYNONYMS[c].join(', ')}` });
  }
  if (errors.length) return { ok: false, errors };

  const rows: AttendanceRow[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { row, values } of sheet) {
    const raw = (c: Column) => (columnOf.has(c) ? values[columnOf.get(c)!] ?? '' : '');
    const fail = (c: Column, message: string) => { errors.push({ row, column: columnOf.get(c) ?? c, message }); };
    const word = <T>(c: Column, table: Map<string, T>, what: string, allowed: readonly string[]): T | undefined => {
      const v = raw(c);
      if (!v) return void fail(c, `${what} is missing`);
      const found = table.get(normaliseHeader(v));
      if (found === undefined) fail(c, `"${v}" is not a known ${what}; use one of ${allowed.join(', ')}`);
      return found;
    };
    const sex = word('sex', SEX, 'sex', SEXES);
    const category = word('category', CATEGORY, 'participant category', PARTICIPANT_CATEGORIES);
    const ageGroup = raw('ageGroup') ? word('ageGroup', AGE, 'age group', AGE_GROUPS) : undefined;
    const institution = raw('institution');
    if (institution.length > 200) fail('institution', 'the institution is longer than 200 characters');
    const count = parseCount(raw('count'));
    if (typeof count === 'string') fail('count', count);
    if (sex === undefined || category === undefined || typeof count === 'string' || (raw('ageGroup') && !ageGroup)) continue;
    const r: AttendanceRow = { sex, category, ...(ageGroup ? { ageGroup } : {}), ...(institution ? { institution } : {}), count };
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
