import { z } from 'zod';
import { FrameworkId } from '@passerelle/contracts';
import { assertCountry, type Api, type Principal } from '@passerelle/platform';
import { FactsheetAnswer } from '../../responses/factsheet.js';
import type { ReportContext } from '../context.js';
import { factsheet } from './factsheet.js';
import { factsheetHtml } from './factsheet-html.js';
import { Instant } from '../../query/queries.js';

// Strict: a factsheet is a document people quote, so a misspelt language is an error, not English by default.
const FactsheetLang = z.enum(['fr', 'en']);
// The period's format is checked against the framework's programme start (422 like every report), so only its length here.
const PeriodKey = z.string().min(1).max(20);
const AsOf = Instant.optional();

const FactsheetQuery = z.strictObject({
  framework: FrameworkId,
  period: PeriodKey.default('PY1'),
  lang: FactsheetLang.default('en'),
  asOf: AsOf,
});
const PageParams = z.strictObject({ framework: FrameworkId, period: PeriodKey, lang: FactsheetLang });

/** GET /reports/factsheet (JSON) and GET /factsheets/:framework/:period/:lang (the printable page). */
export function registerFactsheetRoutes(api: Api, ctx: ReportContext): void {
  const build = async (
    q: { framework: string; period: string; lang: 'fr' | 'en'; asOf?: string | undefined },
    principal: Principal,
  ) => {
    // Before the model: an as-of replay is work a token for another country should not cause.
    assertCountry(principal, q.framework.slice(-2));
    const model = await ctx.modelFor(q.asOf);
    return factsheet(model.facts, q.framework, q.period, q.lang, principal, ctx.protection(principal), {
      asOf: q.asOf,
    });
  };

  api.get(
    '/reports/factsheet',
    {
      summary:
        'The factsheet of a programme in a country for a period, as JSON: context, objective, target groups, lines of work, key figures, indicators, partners, contributions',
      description:
        'Texts in the language asked (fr or en); every figure raw and formatted for that language. Small cells of sensitive groups show "<5" unless the token has reports:internal; `protection.note` says how many were hidden.',
      scope: 'reports:read',
      query: FactsheetQuery,
      response: FactsheetAnswer,
      errors: [404],
      tags: ['reports'],
    },
    async ({ query, principal }) => build(query, principal),
  );

  api.get(
    '/factsheets/:framework/:period/:lang',
    {
      summary: 'The printable factsheet page (HTML, A4 print stylesheet), e.g. /factsheets/ARMP-MA/PY1/fr',
      description:
        'A self-contained page: inline styles, no scripts, fonts or images fetched. "Print to PDF" gives a clean A4 document. Same content and protection as /reports/factsheet.',
      scope: 'reports:read',
      params: PageParams,
      query: z.strictObject({ asOf: AsOf }),
      produces: ['text/html'],
      tags: ['reports'],
    },
    async ({ params, query, principal, res }) => {
      const html = factsheetHtml(await build({ ...params, asOf: query.asOf }, principal));
      // What a token sees depends on its scopes: never shared by a cache.
      res
        .status(200)
        .type('text/html; charset=utf-8')
        .set('cache-control', 'private, no-store')
        .set('content-language', params.lang)
        .send(html);
    },
  );
}
