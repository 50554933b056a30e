import { RuleViolation } from '@passerelle/platform';

/** A reporting period as a closed range of business dates. */
export interface Period {
  key: string;
  from?: string;
  to?: string;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const addMonths = (date: string, months: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
};
const lastDayBefore = (d: Date) => iso(new Date(d.getTime() - 86_400_000));

/**
 * Parses `all`, `2020`, `2020-Q1`, `2020-03` or `PY1` (programme year 1 = the programme's first 12 months,
 * counted from its start date). Figures are attributed by business date, so late events land in their period.
 */
export function parsePeriod(key: string, programmeStart?: string): Period {
  if (key === 'all') return { key };
  let m = /^(\d{4})$/.exec(key);
  if (m) return { key, from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  m = /^(\d{4})-Q([1-4])$/.exec(key);
  if (m) {
    const start = `${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}-01`;
    return { key, from: start, to: lastDayBefore(addMonths(start, 3)) };
  }
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
  if (m) return { key, from: `${key}-01`, to: lastDayBefore(addMonths(`${key}-01`, 1)) };
  m = /^PY([1-9]\d?)$/.exec(key);
  if (m) {
    if (!programmeStart)
      throw new RuleViolation(
        'NO_PROGRAMME_START',
        'programme years need the programme start date of a published framework',
      );
    const n = Number(m[1]);
    return {
      key,
      from: iso(addMonths(programmeStart, 12 * (n - 1))),
      to: lastDayBefore(addMonths(programmeStart, 12 * n)),
    };
  }
  throw new RuleViolation('BAD_PERIOD', `unknown period ${key}: use all, 2020, 2020-Q1, 2020-03 or PY1`);
}

/** The MongoDB condition on businessDate for a period. */
export const periodMatch = (p: Period) =>
  p.from || p.to ? { businessDate: { ...(p.from ? { $gte: p.from } : {}), ...(p.to ? { $lte: p.to } : {}) } } : {};
