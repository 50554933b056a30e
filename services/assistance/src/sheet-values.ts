import {
  AGE_GROUPS,
  acceptedValues,
  readLabel,
  type AgeGroup,
  type AssistanceKind,
  type Sex,
  type Vulnerability,
} from '@passerelle/contracts';

// Cell readers for distribution lists. Their messages never repeat the cell: a case reference typed into the
// wrong column must not come back in a response.

/** A cell read into a value, or the reason it could not be. */
export type Cell<T> = { ok: true; value: T } | { ok: false; message: string };
const ok = <T>(value: T): Cell<T> => ({ ok: true, value });
const bad = <T>(message: string): Cell<T> => ({ ok: false, message });

/** YYYY-MM-DD, or DD/MM/YYYY as French spreadsheets write it. */
export function readDate(s: string): Cell<string> {
  const fr = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(s);
  const iso = fr ? `${fr[3]}-${fr[2]!.padStart(2, '0')}-${fr[1]!.padStart(2, '0')}` : s;
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(iso) && new Date(`${iso}T00:00:00Z`).toISOString().startsWith(iso);
  return valid ? ok(iso) : bad('not a date; write YYYY-MM-DD or DD/MM/YYYY');
}

/** A number with a decimal point or comma, spaces allowed as thousands separators. */
export function readNumber(
  s: string,
  opts: { integer?: boolean; positive?: boolean; min?: number; max?: number } = {},
): Cell<number> {
  const text = s.replace(/[\s\u00a0\u202f]/g, '');
  const n = Number(text.includes('.') ? text : text.replace(',', '.'));
  if (!text || !Number.isFinite(n)) return bad('not a number');
  if (opts.integer && !Number.isInteger(n)) return bad('must be a whole number');
  if (opts.positive && n <= 0) return bad('must be more than 0');
  if (opts.min !== undefined && n < opts.min) return bad(`must be at least ${opts.min}`);
  if (opts.max !== undefined && n > opts.max) return bad(`must be at most ${opts.max}`);
  return ok(n);
}

// Closed lists are read through the contracts' label catalogue: codes, French and English labels and their
// common synonyms ("Alimentaire", "Femme", "F", "H", "UASC"…), so templates and typed values agree.

export function readKind(s: string): Cell<AssistanceKind> {
  const kind = readLabel('assistanceKind', s);
  return kind ? ok(kind) : bad(`unknown kind; use one of ${acceptedValues('assistanceKind')}`);
}

export function readSex(s: string): Cell<Sex> {
  const sex = readLabel('sex', s);
  return sex ? ok(sex) : bad(`unknown sex; use one of ${acceptedValues('sex')} (or F, M, H)`);
}

export function readAgeGroup(s: string): Cell<AgeGroup> {
  const group = readLabel('ageGroup', s.replace(/[\u2010-\u2015]/g, '-'));
  return group ? ok(group) : bad(`unknown age group; use ${AGE_GROUPS.join(', ')} (format the column as text)`);
}

/** One flag: a whole label ("victime de la traite"), else each word of it (legacy "VoT uasc" cells). */
function flagsOf(part: string): Vulnerability[] | undefined {
  const whole = readLabel('vulnerability', part);
  if (whole) return [whole];
  const words = part
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => readLabel('vulnerability', w));
  return words.length > 1 && words.every((w) => w !== undefined) ? (words as Vulnerability[]) : undefined;
}

/** Flags separated by | + , ; / (or spaces between codes); an empty cell means no vulnerability. */
export function readFlags(s: string): Cell<Vulnerability[]> {
  const parts = s
    .split(/[|+,;/]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  if (!parts.length) return ok(['none']);
  const flags: Vulnerability[] = [];
  for (const part of parts) {
    const found = flagsOf(part);
    if (!found) return bad(`unknown vulnerability flag; use one of ${acceptedValues('vulnerability')}`);
    for (const f of found) if (!flags.includes(f)) flags.push(f);
  }
  if (flags.includes('none') && flags.length > 1) return bad('"none" cannot be combined with other flags');
  return ok(flags);
}
