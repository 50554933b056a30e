import { z } from 'zod';
import { FrameworkId } from '@passerelle/contracts';
import { assertCountry, type Api, type Principal } from '@passerelle/platform';
import type { ReportContext } from './context.js';
import { contributions } from './contributions.js';
import { resultsByLine } from './results.js';
import { ContributionsAnswer, ResultsAnswer, SummaryAnswer, ThreeWAnswer } from '../responses/reports.js';
import { resolveScope, ScopeQuery } from './scope.js';
import {
  ASSISTANCE_BREAKDOWNS,
  assistanceSummary,
  summaryTable,
  trainingsSummary,
  TRAININGS_BREAKDOWNS,
} from './summaries.js';
import { label, TABLE } from './labels.js';
import { answer, TABLE_TYPES } from './tables.js';
import { Granularity, threeW, threeWTable } from './three-w.js';
import { Instant } from '../query/queries.js';

export { IndicatorsQuery, indicatorsAnswer } from './indicators-table.js';
export { TABLE_TYPES } from './tables.js';

const SummaryQuery = z.strictObject(ScopeQuery);
const FrameworkQuery = z.strictObject({
  framework: FrameworkId,
  period: z.string().max(20).default('PY1'),
  asOf: Instant.optional(),
});
/** Refuses a country the token does not cover before any work: an as-of replay is work such a token must not cause. */
const guard = (q: { country?: string | undefined; framework?: string | undefined }, principal: Principal) => {
  const country = q.country ?? q.framework?.split('-').pop();
  if (country) assertCountry(principal, country);
};
/** A download's file name in each language: what it is, where and when. */
const fileName = (
  what: keyof typeof TABLE.file,
  q: { country?: string | undefined; framework?: string | undefined; period: string },
  extra = '',
) => {
  const rest = `${extra}-${q.framework ?? q.country ?? 'all'}-${q.period}`;
  return { en: `${TABLE.file[what].en}${rest}`, fr: `${TABLE.file[what].fr}${rest}` };
};

/** Summaries, 3W, results by line of work and contributions (read only; country scope and small-cell protection). */
export function registerSummaryRoutes(api: Api, ctx: ReportContext): void {
  api.get(
    '/reports/results',
    {
      summary:
        "Results by line of work: each framework node with its indicators' progress and the trainings and deliveries of the period on it",
      scope: 'reports:read',
      query: FrameworkQuery,
      response: ResultsAnswer,
      errors: [404],
    },
    async ({ query: q, principal }) => {
      guard(q, principal);
      return resultsByLine(
        (await ctx.modelFor(q.asOf)).facts,
        q.framework,
        q.period,
        principal,
        ctx.protection(principal),
      );
    },
  );

  // The two summaries: one route shape, the summary each computes; what they break down by, as the table says.
  const by = (breakdowns: ReadonlyArray<{ field: string }>) =>
    new Intl.ListFormat('en').format(breakdowns.map((b) => label('dimension', b.field, 'en').toLowerCase()));
  const summaries = [
    ['trainings', `Trainings held and participants, in total and by ${by(TRAININGS_BREAKDOWNS)}`, trainingsSummary],
    [
      'assistance',
      `People assisted (unique where keys exist, said per figure) and deliveries, by ${by(ASSISTANCE_BREAKDOWNS)}`,
      assistanceSummary,
    ],
  ] as const;
  for (const [kind, summary, compute] of summaries) {
    api.get(
      `/reports/${kind}-summary`,
      {
        summary,
        scope: 'reports:read',
        query: SummaryQuery,
        response: SummaryAnswer,
        errors: [404],
        produces: TABLE_TYPES,
      },
      async ({ query: q, principal, res }) => {
        guard(q, principal);
        const facts = (await ctx.modelFor(q.asOf)).facts;
        const s = await compute(facts, await resolveScope(facts, q, principal), ctx.protection(principal));
        return answer(res, q, s, () => summaryTable(s, q.lang, kind, ctx.protection(principal)), fileName(kind, q));
      },
    );
  }

  api.get(
    '/reports/3w',
    {
      summary:
        '3W/4W: who (partner) does what (activity line, kind) where (region) when (month, quarter or year), with a figure each',
      scope: 'reports:read',
      query: SummaryQuery.extend({ granularity: Granularity }),
      response: ThreeWAnswer,
      errors: [404],
      produces: TABLE_TYPES,
    },
    async ({ query: q, principal, res }) => {
      guard(q, principal);
      const facts = (await ctx.modelFor(q.asOf)).facts;
      const r = await threeW(facts, await resolveScope(facts, q, principal), q.granularity, ctx.protection(principal));
      return answer(
        res,
        q,
        r,
        () => threeWTable(r, q.lang, ctx.protection(principal)),
        fileName('threeW', q, `-${q.granularity}`),
      );
    },
  );

  api.get(
    '/reports/contributions',
    {
      summary:
        'Contributions to SDG targets and goals, Global Compact objectives and SNIA specific objectives: indicators with actuals, and lines of work',
      scope: 'reports:read',
      query: FrameworkQuery,
      response: ContributionsAnswer,
      errors: [404],
    },
    async ({ query: q, principal }) => {
      guard(q, principal);
      return contributions(
        (await ctx.modelFor(q.asOf)).facts,
        q.framework,
        q.period,
        principal,
        ctx.protection(principal),
      );
    },
  );
}
