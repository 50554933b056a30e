import type { Collection } from 'mongodb';
import { z } from 'zod';
import { Country, FrameworkId, type Localized, type PublishedFrameworkData } from '@passerelle/contracts';
import { NotFoundError, RuleViolation, assertCountry, countryFilter, type Principal } from '@passerelle/platform';
import { FactKind, type Fact } from '../facts.js';
import { parsePeriod, periodMatch, type Period } from '../periods.js';
import { suppress, type Cell } from '../suppression.js';
import { Format, Lang } from './tables.js';
import { Instant } from '../queries.js';

/** Query parameters every summary takes: where, when (a framework gives programme years), as of when, how. */
export const ScopeQuery = {
  country: Country.optional(),
  period: z.string().max(20).default('all'),
  framework: FrameworkId.optional(),
  asOf: Instant.optional(),
  format: Format,
  lang: Lang,
};

/** The published tree of a framework, as its fact holds it (the contract's shape). */
export type PublishedFramework = PublishedFrameworkData;

/** The latest published version of a framework, after checking the caller may read its country; 404 when none. */
export async function publishedFramework(facts: Collection<Fact>, frameworkId: string, principal: Principal): Promise<PublishedFramework> {
  assertCountry(principal, frameworkId.split('-').pop()!);
  const fact = await facts.findOne({ kind: FactKind.Framework, frameworkId, historical: { $exists: false } });
  if (!fact) throw new NotFoundError('published framework', frameworkId);
  return fact.framework as PublishedFramework;
}

export interface Scope {
  /** Facts condition: countries the caller may read (or the one asked) and business dates of the period. */
  match: Record<string, unknown>;
  period: Period;
  framework?: PublishedFramework;
}

/**
 * Resolves country, period and framework of a summary. A programme year needs the framework (its start date);
 * a framework fixes the country, and asking for another one beside it is a contradiction (422).
 */
export async function resolveScope(facts: Collection<Fact>, q: { country?: string | undefined; period: string; framework?: string | undefined }, principal: Principal): Promise<Scope> {
  const fwCountry = q.framework?.split('-').pop();
  if (q.country && fwCountry && q.country !== fwCountry) throw new RuleViolation('COUNTRY_MISMATCH', `framework ${q.framework} is for ${fwCountry}, not ${q.country}`);
  const country = q.country ?? fwCountry;
  if (country) assertCountry(principal, country);
  if (/^PY/.test(q.period) && !q.framework) throw new RuleViolation('FRAMEWORK_NEEDED', `programme years count from the programme start: add framework=<programme>-<country> to use period ${q.period}`);
  const framework = q.framework ? await publishedFramework(facts, q.framework, principal) : undefined;
  const period = parsePeriod(q.period, framework?.programmeStart);
  const allowed = countryFilter(principal);
  const match: Record<string, unknown> = { ...periodMatch(period) };
  if (country) match.country = country;
  else if (allowed) match.country = { $in: allowed };
  return { match, period, ...(framework ? { framework } : {}) };
}

export type Protection = { threshold: number; internal: boolean };

/** Small-cell protection of one breakdown, unless the caller is internal. */
export function protect(cells: Array<{ key: string | null; value: number }>, p: Protection, sensitiveIndicator = false): { cells: Cell[]; hidden: number } {
  return p.internal ? { cells, hidden: 0 } : suppress(cells, { threshold: p.threshold, sensitiveIndicator });
}

/** The sentence every report ends with. */
export const protectionNote = (hidden: number, p: Protection) =>
  p.internal ? 'internal: no cell hidden' : `${hidden} small cell(s) of sensitive groups hidden (threshold ${p.threshold})`;

/** Partner names by id: partner facts hold each partner's latest names. */
export async function partnerNames(facts: Collection<Fact>, match: Record<string, unknown>): Promise<Map<string, Localized>> {
  const rows = await facts.find({ kind: FactKind.Partner, ...(match.country ? { country: match.country } : {}) }, { projection: { _id: 0, partnerId: 1, name: 1 } }).toArray();
  return new Map(rows.map((r) => [String(r.partnerId), r.name as Localized]));
}
