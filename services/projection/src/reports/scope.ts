import type { FactsView } from '../query/figures.js';
import { z } from 'zod';
import { Country, FrameworkId } from '@passerelle/contracts';
import { RuleViolation, assertCountry, countryFilter, type Principal } from '@passerelle/platform';
import { parsePeriod, periodMatch, type Period } from '../query/periods.js';
import type { Policy } from '../query/disclosure.js';
import { publishedFramework, type PublishedFramework } from '../query/reference.js';
import { TableQuery } from './tables.js';
import { Instant } from '../query/queries.js';

export { publishedFramework, partnerNames, type PublishedFramework } from '../query/reference.js';

/** Query parameters every summary takes: where, when (a framework gives programme years), as of when, how. */
export const ScopeQuery = {
  country: Country.optional(),
  period: z.string().max(20).default('all'),
  framework: FrameworkId.optional(),
  asOf: Instant.optional(),
  ...TableQuery,
};

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
export async function resolveScope(
  facts: FactsView,
  q: { country?: string | undefined; period: string; framework?: string | undefined },
  principal: Principal,
): Promise<Scope> {
  const fwCountry = q.framework?.split('-').pop();
  if (q.country && fwCountry && q.country !== fwCountry)
    throw new RuleViolation('COUNTRY_MISMATCH', `framework ${q.framework} is for ${fwCountry}, not ${q.country}`);
  const country = q.country ?? fwCountry;
  if (country) assertCountry(principal, country);
  if (/^PY/.test(q.period) && !q.framework)
    throw new RuleViolation(
      'FRAMEWORK_NEEDED',
      `programme years count from the programme start: add framework=<programme>-<country> to use period ${q.period}`,
    );
  const framework = q.framework ? await publishedFramework(facts, q.framework, principal) : undefined;
  const period = parsePeriod(q.period, framework?.programmeStart);
  const allowed = countryFilter(principal);
  const match: Record<string, unknown> = { ...periodMatch(period) };
  if (country) match.country = country;
  else if (allowed) match.country = { $in: allowed };
  return { match, period, ...(framework ? { framework } : {}) };
}

export type Protection = Policy;
