import { z } from 'zod';
import { Country } from '@passerelle/contracts';
import { PageQuery, assertCountry, countryFilter, type Principal } from '@passerelle/platform';
import { Measure } from './figures.js';
import { parsePeriod, periodMatch } from './periods.js';

/** Fact dimensions a report may filter or break down by. */
export const DIMENSIONS = ['topic', 'sex', 'category', 'ageGroup', 'activityLine', 'region', 'deliveryKind', 'context', 'partnerId', 'partnerType', 'vulnerability', 'trainingId'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

const filters = Object.fromEntries(DIMENSIONS.map((d) => [d, z.string().min(1).max(100).optional()])) as Record<Dimension, z.ZodOptional<z.ZodString>>;

export const FigureQuery = z.strictObject({
  kind: z.string().regex(/^[a-z_]+$/),
  measure: z.enum([Measure.Sum, Measure.Count, Measure.Unique]).default(Measure.Sum),
  by: z.enum(DIMENSIONS).optional(),
  period: z.string().default('all'),
  country: Country.optional(),
  asOf: z.iso.datetime({ offset: true }).optional(),
  ...filters,
});
export type FigureQuery = z.infer<typeof FigureQuery>;

export const ExplainQuery = FigureQuery.extend({ ...PageQuery });

export const DiffQuery = FigureQuery.omit({ asOf: true }).extend({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
});

const field = (d: Dimension) => (d === 'topic' ? 'topics' : d);

/** The facts condition of a figure query: kind, country scope, period and dimension filters. */
export function factMatch(q: Omit<FigureQuery, 'asOf'>, principal: Principal, programmeStart?: string): Record<string, unknown> {
  if (q.country) assertCountry(principal, q.country);
  const allowed = countryFilter(principal);
  const match: Record<string, unknown> = { kind: q.kind, ...periodMatch(parsePeriod(q.period, programmeStart)) };
  if (q.country) match.country = q.country;
  else if (allowed) match.country = { $in: allowed };
  for (const d of DIMENSIONS) if (q[d] !== undefined) match[field(d)] = q[d];
  return match;
}

export const byField = (by: Dimension | undefined) => (by ? field(by) : undefined);
