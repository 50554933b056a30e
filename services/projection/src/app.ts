import { z } from 'zod';
import { Country, IsoDate, PARTICIPANT_BREAKDOWNS } from '@passerelle/contracts';
import {
  PageQuery,
  assertCountry,
  countryFilter,
  createHttpApp,
  httpOptionsFrom,
  paged,
  registerApiDocs,
  type ApiDocsSpec,
  type Principal,
  type Runtime,
} from '@passerelle/platform';
import { registerAsyncApiRoutes } from './routes-asyncapi.js';
import type { deadLetters } from './apply/dead-letters.js';
import { FactKind } from './facts/facts.js';
import type { Generations } from './apply/generations.js';
import { DiffQuery, ExplainQuery, FigureQuery, byField, factMatch, Instant } from './query/queries.js';
import { diffFigure } from './query/diff.js';
import { protectionNote, type Cell } from './query/disclosure.js';
import { explain, figure, Measure } from './query/figures.js';
import { partners } from './query/reference.js';
import {
  DeadLetterPage,
  DiffAnswer,
  ExplainAnswer,
  FigureAnswer,
  ParticipantsAnswer,
  PartnersAnswer,
  RebuildAnswer,
  ReplayAnswer,
  StatusAnswer,
} from './responses/figures.js';
import { ProgressAnswer } from './responses/reports.js';
import { readModel } from './apply/read-model.js';
import { peopleCounting } from './reports/counting.js';
import { indicatorProgress } from './reports/progress.js';
import type { ReportContext } from './reports/context.js';
import { registerIatiRoutes } from './reports/iati/routes-iati.js';
import { registerFactsheetRoutes } from './reports/factsheet/routes-factsheet.js';
import { IndicatorsQuery, TABLE_TYPES, indicatorsAnswer, registerSummaryRoutes } from './reports/routes-summaries.js';

const ParticipantsQuery = z.strictObject({
  by: z.enum(PARTICIPANT_BREAKDOWNS).default('topic'),
  country: Country.optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
});

export interface ProjectionDeps {
  rt: Runtime;
  generations: Generations;
  letters: ReturnType<typeof deadLetters>;
  status: () => Promise<object>;
  startRebuild: (actor: string) => object;
  /** Cells of sensitive groups under this are shown as "<threshold" outside the internal scope. */
  suppressionThreshold: number;
  /** The OpenAPI documents of every service that the /docs page shows. */
  docs: ApiDocsSpec[];
}

/** The reporting API: read only, plus admin endpoints for dead letters and rebuilds. */
export function createApp({
  rt,
  generations,
  letters,
  status,
  startRebuild,
  suppressionThreshold,
  docs,
}: ProjectionDeps) {
  const protection = (p: Principal) => ({
    threshold: suppressionThreshold,
    internal: p.scopes.has('reports:internal'),
  });
  // As of an instant is a question over the versions the current generation keeps: nothing is built for it.
  const modelFor = async (instant?: string) => readModel(rt.db, await generations.current()).view(instant);
  const ctx: ReportContext = { rt, modelFor, protection };

  return createHttpApp({
    service: 'projection',
    about: {
      title: 'Passerelle reporting',
      description: 'Read-only reporting API over the read model built from the event stream.',
    },
    ...httpOptionsFrom(rt),
    // The event documentation and the one page of every service's API documentation: public, like /openapi.json.
    publicRoutes: (app) => {
      registerAsyncApiRoutes(app);
      registerApiDocs(app, { title: 'Passerelle API', specs: docs });
    },
    routes(api) {
      // Report routes of src/reports/ register themselves here, one line each.
      registerSummaryRoutes(api, ctx);
      registerIatiRoutes(api, ctx);
      registerFactsheetRoutes(api, ctx);
      api.get(
        '/reports/participants',
        {
          summary: 'Participants of held trainings by one dimension',
          scope: 'reports:read',
          query: ParticipantsQuery,
          response: ParticipantsAnswer,
        },
        async ({ query: q, principal }) => {
          if (q.country) assertCountry(principal, q.country);
          const allowed = countryFilter(principal);
          const match: Record<string, unknown> = { kind: FactKind.Attendance };
          if (q.country) match.country = q.country;
          else if (allowed) match.country = { $in: allowed };
          if (q.from || q.to)
            match.businessDate = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
          const f = await figure(
            (await modelFor()).facts,
            { match, measure: Measure.Sum, by: q.by },
            protection(principal),
          );
          return {
            by: q.by,
            unit: 'participants: sum of attendance counts (people attending two trainings count twice)',
            rows: f.cells.map(({ key, ...c }) => ({
              [q.by]: key,
              participants: c.value,
              ...(c.suppressed ? { suppressed: true } : {}),
              ...(c.rounded ? { rounded: true } : {}),
            })),
            suppressedCells: f.hidden,
            protection: protectionNote(f.hidden, protection(principal)),
          };
        },
      );

      api.get(
        '/reports/figures',
        {
          summary: 'A figure from the read model, optionally broken down, for a period, as of a past instant',
          scope: 'reports:read',
          query: FigureQuery,
          response: FigureAnswer,
        },
        async ({ query: q, principal }) => {
          const match = factMatch(q, principal);
          const model = await modelFor(q.asOf);
          const f = await figure(model.facts, { match, measure: q.measure, by: byField(q.by) }, protection(principal));
          const rows =
            q.measure === Measure.Unique
              ? f.cells.map((c: Cell) => ({ ...c, counting: peopleCounting(c.countedPeople) }))
              : f.cells;
          return {
            source: q.source,
            measure: q.measure,
            period: q.period,
            asOf: q.asOf ?? null,
            generation: model.gen,
            rows,
            suppressedCells: f.hidden,
            protection: protectionNote(f.hidden, protection(principal)),
          };
        },
      );

      // Single records can reveal a person in a small group: explaining a figure is for internal users only.
      api.get(
        '/reports/explain',
        {
          summary: 'The events behind one figure (a cell), paginated (internal scope)',
          scope: 'reports:internal',
          query: ExplainQuery,
          response: ExplainAnswer,
        },
        async ({ query: q, principal }) => {
          const match = factMatch(q, principal);
          const model = await modelFor(q.asOf);
          const { items, total } = await explain(model.facts, match, q);
          return { ...paged(items, total, q), rule: { source: q.source, measure: q.measure } };
        },
      );

      api.get(
        '/reports/diff',
        {
          summary:
            'What changed in a figure between two instants of record time: each changed cell, and the events that changed it (each once, paged)',
          scope: 'reports:read',
          query: DiffQuery,
          response: DiffAnswer,
        },
        async ({ query: q, principal }) => {
          const match = factMatch(q, principal);
          const [before, after] = await Promise.all([modelFor(q.from), modelFor(q.to)]);
          const d = await diffFigure(
            before,
            after,
            { match, measure: q.measure, by: byField(q.by) },
            q,
            protection(principal),
          );
          return {
            from: q.from,
            to: q.to,
            source: q.source,
            measure: q.measure,
            ...d,
            protection: protectionNote(d.suppressedCells, protection(principal)),
          };
        },
      );

      api.get(
        '/reports/indicators',
        {
          summary:
            'Indicator progress of a framework for a period: baseline, target and its version, actual, % of target, by each disaggregation',
          scope: 'reports:read',
          query: IndicatorsQuery,
          response: ProgressAnswer,
          produces: TABLE_TYPES,
        },
        async ({ query, principal, res }) => {
          // Before the model: an as-of replay is work a token for another country should not cause.
          assertCountry(principal, query.framework.split('-').pop()!);
          return indicatorsAnswer(
            res,
            query,
            await indicatorProgress(
              (await modelFor(query.asOf)).facts,
              query.framework,
              query.period,
              principal,
              protection(principal),
            ),
            protection(principal),
          );
        },
      );

      api.get(
        '/reports/partners',
        {
          summary: 'Partners as reports name them: their latest names (a rename shows everywhere), type, level, region',
          scope: 'reports:read',
          query: z.strictObject({ country: Country.optional(), asOf: Instant.optional() }),
          response: PartnersAnswer,
        },
        async ({ query, principal }) => {
          if (query.country) assertCountry(principal, query.country);
          const allowed = countryFilter(principal);
          const list = await partners(
            (await modelFor(query.asOf)).facts,
            query.country ?? (allowed ? { $in: allowed } : undefined),
          );
          // partners() gives the fields reports show of a partner: a new one is added there, not picked again here.
          return list.sort((a, b) => a.name.en.localeCompare(b.name.en));
        },
      );

      api.get(
        '/projection/status',
        {
          summary: 'Last sequence applied, lag behind the stream, throughput, dead letters',
          scope: 'reports:read',
          response: StatusAnswer,
        },
        () => status(),
      );

      api.get(
        '/admin/dead-letters',
        {
          summary: 'Events the projection could not process, with the reason',
          scope: 'projection:admin',
          query: z.strictObject(PageQuery),
          response: DeadLetterPage,
          excludeErrors: [422],
        },
        async ({ query }) => {
          const { items, total } = await letters.list(query);
          return paged(items, total, query);
        },
      );
      api.post(
        '/admin/dead-letters/:seq/replay',
        {
          summary: 'Project a dead-lettered event again after a fix',
          scope: 'projection:admin',
          params: z.strictObject({ seq: z.coerce.number().int().positive() }),
          response: ReplayAnswer,
          excludeErrors: [409],
        },
        ({ params, principal }) => letters.replay(params.seq, principal.actor),
      );
      api.post(
        '/admin/rebuild',
        {
          summary: 'Rebuild the read model from the stream into a new generation; readers switch when it has caught up',
          scope: 'projection:admin',
          response: RebuildAnswer,
          status: 202,
          excludeErrors: [409, 422],
        },
        async ({ principal }) => startRebuild(principal.actor),
      );
    },
  });
}
