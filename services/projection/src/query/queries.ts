import { z } from 'zod';
import { Country, RULE_DIMENSIONS } from '@passerelle/contracts';
import { DIMENSION_FIELD, FactKind } from '../facts/facts.js';
import { PageQuery, assertCountry, countryFilter, type Principal } from '@passerelle/platform';
import { Measure } from './tally.js';
import { parsePeriod, periodMatch } from './periods.js';

/** Fact dimensions a report may filter or break down by: the rule dimensions, and a few identifiers. */
export const DIMENSIONS = [...RULE_DIMENSIONS, 'partnerId', 'trainingId', 'deliveryId'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

const filters = Object.fromEntries(DIMENSIONS.map((d) => [d, z.string().min(1).max(100).optional()])) as Record<
  Dimension,
  z.ZodOptional<z.ZodString>
>;

/** An instant of record time with its offset, e.g. 2020-12-31T23:59:59Z (as of, from, to). */
export const Instant = z.iso.datetime({ offset: true });

export const FigureQuery = z.strictObject({
  /** The fact kind: an indicator rule source such as training_attendance or assistance_beneficiaries. */
  source: z.enum(Object.values(FactKind) as [FactKind, ...FactKind[]]),
  measure: z.enum([Measure.Sum, Measure.Count, Measure.Unique]).default(Measure.Sum),
  by: z.enum(DIMENSIONS).optional(),
  period: z.string().default('all'),
  country: Country.optional(),
  asOf: Instant.optional(),
  ...filters,
});
export type FigureQuery = z.infer<typeof FigureQuery>;

export const ExplainQuery = FigureQuery.extend({ ...PageQuery });

export const DiffQuery = FigureQuery.omit({ asOf: true }).extend({
  from: Instant,
  to: Instant,
  ...PageQuery,
});

const field = (d: Dimension) => DIMENSION_FIELD[d] ?? d;

/** The facts condition of a figure query: kind, country scope, period and dimension filters. */
export function factMatch(
  q: Omit<FigureQuery, 'asOf'>,
  principal: Principal,
  programmeStart?: string,
): Record<string, unknown> {
  if (q.country) assertCountry(principal, q.country);
  const allowed = countryFilter(principal);
  const match: Record<string, unknown> = { kind: q.source, ...periodMatch(parsePeriod(q.period, programmeStart)) };
  if (q.country) match.country = q.country;
  else if (allowed) match.country = { $in: allowed };
  for (const d of DIMENSIONS) if (q[d] !== undefined) match[field(d)] = q[d];
  return match;
}

export const byField = (by: Dimension | undefined) => (by ? field(by) : undefined);
