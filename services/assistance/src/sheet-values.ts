import { AGE_GROUPS, ASSISTANCE_KINDS, SEXES, VULNERABILITIES, type AgeGroup, type AssistanceKind, type Sex, type Vulnerability } from '@passerelle/contracts';

// Cell readers for distribution lists. Their messages never repeat the cell: a case reference typed into the
// wrong column must not come back in a response.

/** A cell read into a value, or the reason it could not be. */
export type Cell<T> = { ok: true; value: T } | { ok: false; message: string };
const ok = <T>(value: T): Cell<T> => ({ ok: true, value });
const bad = <T>(message: string): Cell<T> => ({ ok: false, message });

const token = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim().toLowerCase().replace(/[\s-]+/g, '_');

/** YYYY-MM-DD, or DD/MM/YYYY as French spreadsheets write it. */
export function readDate(s: string): Cell<string> {
  const fr = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(s);
  const iso = fr ? `${fr[3]}-${fr[2]!.padStart(2, '0')}-${fr[1]!.padStart(2, '0')}` : s;
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(iso) && new Date(`${iso}T00:00:00Z`).toISOString().startsWith(iso);
  return valid ? ok(iso) : bad('not a date; write YYYY-MM-DD or DD/MM/YYYY');
}

/** A number with a decimal point or comma, spaces allowed as thousands separators. */
export function readNumber(s: string, opts: { integer?: boolean; positive?: boolean; min?: number; max?: number } = {}): Cell<number> {
  const text = s.replace(/[\s\u00a0\u202f]/g, '');
  const n = Number(text.includes('.') ? text : text.replace(',', '.'));
  if (!text || !Number.isFinite(n)) return bad('not a number');
  if (opts.integer && !Number.isInteger(n)) return bad('must be a whole number');
  if (opts.positive && n <= 0) return bad('must be more than 0');
  if (opts.min !== undefined && n < opts.min) return bad(`must be at least ${opts.min}`);
  if (opts.max !== undefined && n > opts.max) return bad(`must be at most ${opts.max}`);
  return ok(n);
}

const KIND_ALIASES: Record<string, AssistanceKind> = { hygiene: 'hygiene_dignity_kit', dignity_kit: 'hygiene_dignity_kit', cash: 'cash_voucher', voucher: 'cash_voucher' };

export function readKind(s: string): Cell<AssistanceKind> {
  const t = token(s);
  const kind = (ASSISTANCE_KINDS as readonly string[]).includes(t) ? t as AssistanceKind : KIND_ALIASES[t];
  return kind ? ok(kind) : bad(`unknown kind; use one of ${ASSISTANCE_KINDS.join(', ')}`);
}

const SEX_ALIASES: Record<string, Sex> = { f: 'female', femme: 'female', feminin: 'female', m: 'male', h: 'male', homme: 'male', masculin: 'male', autre: 'other' };

export function readSex(s: string): Cell<Sex> {
  const t = token(s);
  const sex = (SEXES as readonly string[]).includes(t) ? t as Sex : SEX_ALIASES[t];
  return sex ? ok(sex) : bad(`unknown sex; use ${SEXES.join(', ')} (or F, M)`);
}

export function readAgeGroup(s: string): Cell<AgeGroup> {
  const t = s.replace(/\s+/g, '').replace(/[\u2010-\u2015]/g, '-');
  return (AGE_GROUPS as readonly string[]).includes(t) ? ok(t as AgeGroup) : bad(`unknown age group; use ${AGE_GROUPS.join(', ')} (format the column as text)`);
}

const FLAG_ALIASES: Record<string, Vulnerability> = {
  vot: 'victim_of_trafficking', pvot: 'victim_of_trafficking', trafficking: 'victim_of_trafficking', potential_victim_of_trafficking: 'victim_of_trafficking',
  uasc: 'unaccompanied_separated_child', unaccompanied: 'unaccompanied_separated_child', separated: 'unaccompanied_separated_child',
  pregnant: 'pregnant_lactating', lactating: 'pregnant_lactating', plw: 'pregnant_lactating',
  pwd: 'disability', handicap: 'disability', medical: 'serious_medical_condition', smc: 'serious_medical_condition', aucune: 'none', aucun: 'none',
};

/** Flags separated by | + , ; / or spaces; an empty cell means no vulnerability. */
export function readFlags(s: string): Cell<Vulnerability[]> {
  const tokens = s.split(/[|+,;/\s]+/).map((t) => token(t)).filter(Boolean);
  if (!tokens.length) return ok(['none']);
  const flags: Vulnerability[] = [];
  for (const t of tokens) {
    const flag = (VULNERABILITIES as readonly string[]).includes(t) ? t as Vulnerability : FLAG_ALIASES[t];
    if (!flag) return bad(`unknown vulnerability flag; use ${VULNERABILITIES.join(', ')}`);
    if (!flags.includes(flag)) flags.push(flag);
  }
  if (flags.includes('none') && flags.length > 1) return bad('"none" cannot be combined with other flags');
  return ok(flags);
}
