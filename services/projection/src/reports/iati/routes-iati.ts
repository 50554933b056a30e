import { z } from 'zod';
import { FrameworkId } from '@passerelle/contracts';
import { assertCountry, type Api } from '@passerelle/platform';
import type { ReportContext } from '../context.js';
import { iatiActivities } from './iati.js';
import { Instant } from '../../query/queries.js';

const IatiQuery = z.strictObject({
  framework: FrameworkId,
  // The format is checked against the framework's programme years (422 like every report), so only its length here.
  period: z.string().min(1).max(16).optional(),
  asOf: Instant.optional(),
});

/** GET /reports/iati: a framework's results as an IATI 2.03 activities document (application/xml). */
export function registerIatiRoutes(api: Api, ctx: ReportContext) {
  api.get(
    '/reports/iati',
    {
      summary:
        'Results of a framework as IATI 2.03 XML: one activity with SDG and programme tags, a result per node, indicators with baseline, targets and actuals by dimension',
      description:
        'One period (PY1, 2020, 2020-Q1, 2020-03) or every programme year when `period` is left out. Small cells of sensitive groups are left without a value, ' +
        'with a comment saying they were withheld, unless the token has reports:internal. Validates against the IATI 2.03 activity schema.',
      scope: 'reports:read',
      query: IatiQuery,
      produces: ['application/xml'],
      errors: [404],
      tags: ['reports'],
    },
    async ({ query, principal, res }) => {
      // Before the model: an as-of replay is work a token for another country should not cause.
      assertCountry(principal, query.framework.slice(-2));
      const model = await ctx.modelFor(query.asOf);
      const xml = await iatiActivities(model.facts, {
        frameworkId: query.framework,
        period: query.period,
        asOf: query.asOf,
        principal,
        protection: ctx.protection(principal),
        now: new Date(),
      });
      res.type('application/xml').send(xml);
    },
  );
}
