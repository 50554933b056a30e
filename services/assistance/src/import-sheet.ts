import {
  ActivityLine,
  AssistanceContext,
  Country,
  Currency,
  PartnerId,
  type AgeGroup,
  type Country as CountryCode,
  type Sex,
  type Vulnerability,
} from '@passerelle/contracts';
import type { SheetRow } from '@passerelle/sheets';
import type { z } from 'zod';
import { ageGroupOf } from './beneficiaries.js';
import { detailProblems, figuresOf, type Beneficiaries, type DeliveryDetails } from './domain.js';
import type { KeyMaker } from './keys.js';
import { CaseReference, MAX_AGE, MAX_LIST } from './schemas.js';
import { readAgeGroup, readDate, readFlags, readKind, readNumber, readSex, type Cell } from './sheet-values.js';

/** A problem in the sheet, where a person finds it: row number as the spreadsheet shows it, and column. */
export interface RowError {
  row: number;
  column: string;
  message: string;
}

/** Columns a distribution list may have, with the header spellings (normalised) each accepts. */
export const COLUMNS = {
  delivery_ref: [
    'delivery_ref',
    'delivery',
    'delivery_reference',
    'distribution',
    'distribution_ref',
    'ref_distribution',
  ],
  date: ['date', 'delivery_date', 'date_de_distribution', 'date_distribution'],
  kind: ['kind', 'type', 'assistance_kind', 'type_d_assistance'],
  context: ['context', 'emergency', 'contexte', 'urgence'],
  partner_id: ['partner_id', 'partner', 'partenaire'],
  country: ['country', 'pays'],
  region: ['region'],
  city: ['city', 'ville'],
  activity_line: ['activity_line', 'ligne_d_activite', 'activite'],
  quantity: ['quantity', 'quantite', 'qty'],
  unit: ['unit', 'unite'],
  amount: ['amount', 'montant'],
  currency: ['currency', 'devise'],
  case_reference: ['case_reference', 'case_ref', 'case_number', 'reference_du_cas', 'numero_de_cas'],
  sex: ['sex', 'sexe'],
  age_group: ['age_group', 'tranche_d_age', 'groupe_d_age'],
  age: ['age'],
  flags: ['flags', 'vulnerability', 'vulnerabilities', 'vulnerabilite', 'vulnerabilites'],
  count: ['count', 'number', 'nombre', 'effectif'],
} as const;
export type Column = keyof typeof COLUMNS;

/** Every header spelling the importer knows: the header row is the one among the first rows with most of them. */
export const KNOWN_HEADERS: ReadonlySet<string> = new Set(Object.values(COLUMNS).flat());

const REQUIRED: Column[] = [
  'delivery_ref',
  'date',
  'kind',
  'context',
  'partner_id',
  'country',
  'activity_line',
  'quantity',
  'unit',
  'sex',
];
const DELIVERY_COLUMNS = [
  'date',
  'kind',
  'context',
  'partner_id',
  'country',
  'region',
  'city',
  'activity_line',
  'quantity',
  'unit',
  'amount',
  'currency',
] as const;
type DeliveryColumn = (typeof DELIVERY_COLUMNS)[number];

/** One delivery read from the sheet, its references already turned into keys. */
export interface SheetDelivery {
  ref: string;
  rows: number[];
  /** The row its partner_id was read from, for errors found later (an unknown partner). */
  partnerRow: number;
  details: DeliveryDetails;
  beneficiaries: Beneficiaries;
}

const fromSchema = <T>(schema: z.ZodType<T>, s: string, message: string): Cell<T> => {
  const r = schema.safeParse(s);
  return r.success ? { ok: true, value: r.data } : { ok: false, message };
};
const text =
  (max: number) =>
  (s: string): Cell<string> =>
    s.length <= max ? { ok: true, value: s } : { ok: false, message: `at most ${max} characters` };

const DELIVERY_READERS: Record<DeliveryColumn, (s: string) => Cell<unknown>> = {
  date: readDate,
  kind: readKind,
  context: (s) =>
    fromSchema(AssistanceContext, s.toLowerCase(), 'a context is a lower_snake_case code such as programme or covid19'),
  partner_id: (s) => fromSchema(PartnerId, s, 'a partner id: letters, digits and . _ : - (at most 64)'),
  country: (s) => fromSchema(Country, s.toUpperCase(), 'not a programme country code (ISO alpha-2, e.g. MA)'),
  region: text(120),
  city: text(120),
  activity_line: (s) => fromSchema(ActivityLine, s, 'an activity line looks like 1.1'),
  quantity: (s) => readNumber(s, { positive: true, max: 1_000_000_000 }),
  unit: text(40),
  amount: (s) => readNumber(s, { positive: true, max: 1_000_000_000_000 }),
  currency: (s) => fromSchema(Currency, s.toUpperCase(), 'an ISO 4217 currency code such as MAD'),
};

/** Which header of the sheet holds each known column. */
function resolveColumns(headers: string[]): { at: Partial<Record<Column, string>>; ignored: string[] } {
  const at: Partial<Record<Column, string>> = {};
  const used = new Set<string>();
  for (const [column, names] of Object.entries(COLUMNS) as Array<[Column, readonly string[]]>) {
    const header = names.find((n) => headers.includes(n));
    if (header) {
      at[column] = header;
      used.add(header);
    }
  }
  return { at, ignored: headers.filter((h) => !used.has(h)) };
}

const PROBLEM_COLUMN: Record<string, Column> = {
  FUTURE_DATE: 'date',
  AMOUNT_REQUIRED: 'amount',
  AMOUNT_INCOMPLETE: 'currency',
  INCONSISTENT_VULNERABILITY: 'flags',
  DUPLICATE_ROW: 'count',
  DUPLICATE_BENEFICIARY: 'case_reference',
  NO_BENEFICIARIES: 'count',
};

/**
 * Reads a distribution list: one row per beneficiary (a case_reference) or per count (a count), rows sharing a
 * delivery_ref forming one delivery. Every problem is collected, never just the first.
 */
export function readDistributionList(
  rows: SheetRow[],
  keyOf: KeyMaker | undefined,
  today: string,
  headerRow = 1,
): { deliveries: SheetDelivery[]; errors: RowError[]; ignoredColumns: string[] } {
  const errors: RowError[] = [];
  const fail = (row: number, column: string, message: string) => {
    errors.push({ row, column, message });
  };
  const { at, ignored } = resolveColumns(Object.keys(rows[0]?.values ?? {}));
  for (const c of REQUIRED) if (!at[c]) fail(headerRow, c, `the sheet has no ${c} column`);
  if (!at.age_group && !at.age) fail(headerRow, 'age_group', 'the sheet needs an age_group or an age column');
  if (!at.case_reference && !at.count)
    fail(headerRow, 'case_reference', 'the sheet needs a case_reference column (one row per person) or a count column');
  if (errors.length) return { deliveries: [], errors, ignoredColumns: ignored };
  const cell = (r: SheetRow, c: Column) => (at[c] ? (r.values[at[c]!] ?? '') : '');

  const groups = new Map<string, SheetRow[]>();
  for (const r of rows) {
    const ref = cell(r, 'delivery_ref');
    if (!ref) {
      fail(r.row, 'delivery_ref', 'every row needs the delivery it belongs to');
      continue;
    }
    if (ref.length > 64) {
      fail(r.row, 'delivery_ref', 'at most 64 characters');
      continue;
    }
    groups.set(ref, [...(groups.get(ref) ?? []), r]);
  }

  const deliveries: SheetDelivery[] = [];
  for (const [ref, group] of groups) {
    const before = errors.length;
    const first = group[0]!;
    // Delivery columns may be filled on the first row only, or repeated; a repeated value must agree.
    const values: Partial<Record<DeliveryColumn, unknown>> = {};
    const sourceRow: Partial<Record<DeliveryColumn, number>> = {};
    for (const c of DELIVERY_COLUMNS) {
      for (const r of group) {
        const s = cell(r, c);
        if (!s) continue;
        if (sourceRow[c] === undefined) {
          const read = DELIVERY_READERS[c](s);
          sourceRow[c] = r.row;
          if (read.ok) values[c] = read.value;
          else fail(r.row, c, read.message);
        } else if (
          s !==
          cell(
            group.find((g) => g.row === sourceRow[c])!,
            c,
          )
        ) {
          fail(r.row, c, `differs from row ${sourceRow[c]} of the same delivery`);
        }
      }
      if (sourceRow[c] === undefined && (REQUIRED as string[]).includes(c))
        fail(first.row, c, 'missing for this delivery');
    }

    const deliveryOk = errors.length === before;
    const listed = group.filter((r) => cell(r, 'case_reference'));
    const mode = listed.length ? 'keys' : 'counts';
    if (mode === 'keys' && !keyOf)
      fail(first.row, 'case_reference', 'this deployment accepts counts only (BENEFICIARY_LISTS=disabled)');
    if (mode === 'keys' && group.length > MAX_LIST)
      fail(first.row, 'case_reference', `a delivery lists at most ${MAX_LIST} people`);
    const people: Array<{
      row: number;
      key: string;
      sex: Sex;
      ageGroup: AgeGroup;
      flags: Vulnerability[];
      count: number;
    }> = [];
    for (const r of group) {
      const hasRef = cell(r, 'case_reference') !== '';
      if (mode === 'keys' && !hasRef) {
        fail(r.row, 'case_reference', 'other rows of this delivery list people: this one needs a case reference too');
        continue;
      }
      if (mode === 'keys' && cell(r, 'count'))
        fail(r.row, 'count', 'a row with a case reference is one person; leave count empty');
      const sex = readSex(cell(r, 'sex'));
      if (!sex.ok) fail(r.row, 'sex', sex.message);
      const ageGroup = readAge(cell(r, 'age_group'), cell(r, 'age'));
      if (!ageGroup.ok) fail(r.row, ageGroup.column, ageGroup.message);
      const flags = readFlags(cell(r, 'flags'));
      if (!flags.ok) fail(r.row, 'flags', flags.message);
      let key = '';
      let count = 1;
      if (hasRef) {
        const reference = CaseReference.safeParse(cell(r, 'case_reference'));
        if (!reference.success)
          fail(r.row, 'case_reference', 'a case reference has 1 to 64 characters, no control characters');
        else if (keyOf) key = keyOf(reference.data);
      } else {
        const n = readNumber(cell(r, 'count'), { integer: true, min: 0, max: 1_000_000 });
        if (!n.ok)
          fail(r.row, 'count', cell(r, 'count') ? n.message : 'a row needs a case_reference (one person) or a count');
        else count = n.value;
      }
      if (sex.ok && ageGroup.ok && flags.ok)
        people.push({ row: r.row, key, sex: sex.value, ageGroup: ageGroup.value, flags: flags.value, count });
    }
    const rowsOk = errors.length === before;

    const details: DeliveryDetails = {
      date: values.date as string,
      kind: values.kind as DeliveryDetails['kind'],
      context: values.context as string,
      partnerId: values.partner_id as string,
      place: {
        country: values.country as CountryCode,
        ...(values.region ? { region: values.region as string } : {}),
        ...(values.city ? { city: values.city as string } : {}),
      },
      activityLine: values.activity_line as string,
      quantity: values.quantity as number,
      unit: values.unit as string,
      ...(values.amount !== undefined ? { amount: values.amount as number } : {}),
      ...(values.currency !== undefined ? { currency: values.currency as string } : {}),
    };
    const beneficiaries: Beneficiaries =
      mode === 'keys'
        ? { mode, list: people.map(({ key, sex, ageGroup, flags }) => ({ key, sex, ageGroup, flags })) }
        : { mode, rows: people.map(({ sex, ageGroup, flags, count }) => ({ sex, ageGroup, flags, count })) };
    // Rules are checked on what could be read, so one pass reports them alongside the unreadable cells.
    const problems = [
      ...(deliveryOk ? detailProblems(details, today) : []),
      ...figuresOf(beneficiaries).problems.filter((p) => rowsOk || p.code !== 'NO_BENEFICIARIES'),
    ];
    for (const p of problems) {
      const column = PROBLEM_COLUMN[p.code] ?? p.field;
      const row = p.index !== undefined ? people[p.index]!.row : (sourceRow[column as DeliveryColumn] ?? first.row);
      fail(row, column, p.message);
    }
    if (errors.length === before)
      deliveries.push({
        ref,
        rows: group.map((r) => r.row),
        partnerRow: sourceRow.partner_id ?? first.row,
        details,
        beneficiaries,
      });
  }
  errors.sort((a, b) => a.row - b.row);
  return { deliveries, errors, ignoredColumns: ignored };
}

type AgeCell = { ok: true; value: AgeGroup } | { ok: false; column: Column; message: string };

/** The age group from an age_group cell or an age cell (exactly one of them). */
function readAge(group: string, age: string): AgeCell {
  if (group && age) return { ok: false, column: 'age', message: 'give either an age group or an age, not both' };
  if (group) {
    const g = readAgeGroup(group);
    return g.ok ? g : { ok: false, column: 'age_group', message: g.message };
  }
  if (!age) return { ok: false, column: 'age_group', message: 'an age group or an age is needed' };
  const n = readNumber(age, { integer: true, min: 0, max: MAX_AGE });
  return n.ok
    ? { ok: true, value: ageGroupOf(n.value) }
    : { ok: false, column: 'age', message: `age out of range or not a number: ${n.message} (0 to ${MAX_AGE} years)` };
}
