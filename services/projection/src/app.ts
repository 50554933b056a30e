import { z } from 'zod';
import { Country, IsoDate } from '@passerelle/contracts';
import { PageQuery, assertCountry, countryFilter, createHttpApp, httpOptionsFrom, paged, type Principal, type Runtime } from '@passerelle/platform';
import { registerAsyncApiRoutes } from './asyncapi-page.js';
import { suppress } from './suppression.js';
import type { deadLetters } from './dead-letters.js';
import { FactKind } from './facts.js';
import { explain, figure, Measure } from './figures.js';
import type { Generations } from './generations.js';
import { DiffQuery, ExplainQuery, FigureQuery, byField, factMatch, Instant } from './queries.js';
import { readModel } from './read-model.js';
import { asOf } from './rebuild.js';
import { indicatorProgress } from './indicators.js';
import type { ReportContext } from './reports/context.js';
import { registerIatiRoutes } from './reports/routes-iati.js';
import { registerFactsheetRoutes } from './reports/routes-factsheet.js';
import { IndicatorsQuery, TABLE_TYPES, indicatorsAnswer, registerSummaryRoutes } from './reports/routes-summaries.js';

const ParticipantsQuery = z.strictObject({
  by: z.enum(['topic', 'sex', 'participant_category', 'age_group', 'region', 'activity_line']).default('topic'),
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
}

/** The reporting API: read only, plus admin endpoints for dead letters and rebuilds. */
export function createApp({ rt, generations, letters, status, startRebuild, suppressionThreshold }: ProjectionDeps) {
  const protection = (p: Principal) => ({ threshold: suppressionThreshold, internal: p.scopes.has('reports:internal') });
  const modelFor = async (instant?: string) => readModel(rt.db, instant ? await asOf(rt, generations, instant) : await generations.current());
  const ctx: ReportContext = { rt, modelFor, protection };

  return createHttpApp({
    service: 'projection',
    about: { title: 'Passerelle reporting', description: 'Read-only reporting API over the read model built from the event stream.' },
    ...httpOptionsFrom(rt),
    publicRoutes: registerAsyncApiRoutes,
    routes(api) {
      // Report routes of src/reports/ register themselves here, one line each.
      registerSummaryRoutes(api, ctx);
      registerIatiRoutes(api, ctx);
      registerFactsheetRoutes(api, ctx);
      api.get('/reports/participants', { summary: 'Participants of held trainings by one dimension', scope: 'reports:read', query: ParticipantsQuery }, async ({ query: q, principal }) => {
        if (q.country) assertCountry(principal, q.country);
        const allowed = countryFilter(principal);
        const match: Record<string, unknown> = { kind: FactKind.Attendance };
        if (q.country) match.country = q.country;
        else if (allowed) match.country = { $in: allowed };
        if (q.from || q.to) match.businessDate = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
        const rows = await figure((await modelFor()).facts, { match, measure: Measure.Sum, by: q.by });
        return { by: q.by, unit: 'participants: sum of attendance counts (people attending two trainings count twice)', rows: rows.map((r) => ({ [q.by]: r.key, participants: r.value })) };
      });

      api.get('/reports/figures', { summary: 'A figure from the read model, optionally broken down, for a period, as of a past instant', scope: 'reports:read', query: FigureQuery }, async ({ query: q, principal }) => {
        const model = await modelFor(q.asOf);
        const rows = await figure(model.facts, { match: factMatch(q, principal), measure: q.measure, by: byField(q.by) });
        const p = protection(principal);
        const shown = p.internal ? { cells: rows, hidden: 0 } : suppress(rows, { threshold: p.threshold, sensitiveIndicator: false });
        return { source: q.source, measure: q.measure, period: q.period, asOf: q.asOf ?? null, generation: model.gen, rows: shown.cells, suppressedCells: shown.hidden };
      });

      // Single records can reveal a person in a small group: explaining a figure is for internal users only.
      api.get('/reports/explain', { summary: 'The events behind one figure (a cell), paginated (internal scope)', scope: 'reports:internal', query: ExplainQuery }, async ({ query: q, principal }) => {
        const model = await modelFor(q.asOf);
        const { items, total } = await explain(model.facts, factMatch(q, principal), q);
        return { ...paged(items, total, q), rule: { source: q.source, measure: q.measure } };
      });

      api.get('/reports/diff', { summary: 'What changed in a figure between two instants of record time, with the events that changed it', scope: 'reports:read', query: DiffQuery }, async ({ query: q, principal }) => {
        const match = factMatch(q, principal);
        const [before, after] = await Promise.all([modelFor(q.from), modelFor(q.to)]);
        const [a, b] = await Promise.all([figure(before.facts, { match, measure: q.measure, by: byField(q.by) }), figure(after.facts, { match, measure: q.measure, by: byField(q.by) })]);
        const keys = [...new Set([...a, ...b].map((r) => r.key))];
        const changes = [];
        for (const key of keys) {
          const was = a.find((r) => r.key === key)?.value ?? 0;
          const now = b.find((r) => r.key === key)?.value ?? 0;
          if (was === now) continue;
          const cell = { ...match, ...(q.by && key !== null ? { [byField(q.by)!]: key } : {}) };
          // Facts of the later model whose event was recorded after `from` are what changed the cell.
          const causes = await after.facts.find({ ...cell, recordedAt: { $gt: q.from } }, { projection: { _id: 0, eventId: 1, eventType: 1, recordedAt: 1, source: 1 } }).limit(50).toArray();
          const gone = await before.facts.find(cell, { projection: { _id: 0, source: 1 } }).toArray();
          const removedSources = gone.map((g) => g.source).filter((s) => !causes.some((c) => c.source === s));
          changes.push({ key, from: was, to: now, causes, ...(removedSources.length ? { sourcesNoLongerCounted: [...new Set(removedSources)] } : {}) });
        }
        return { from: q.from, to: q.to, source: q.source, measure: q.measure, changes };
      });

      api.get('/reports/indicators', { summary: 'Indicator progress of a framework for a period: baseline, target and its version, actual, % of target, by each disaggregation', scope: 'reports:read', query: IndicatorsQuery, produces: TABLE_TYPES }, async ({ query, principal, res }) =>
        indicatorsAnswer(res, query, await indicatorProgress((await modelFor(query.asOf)).facts, query.framework, query.period, principal, protection(principal))));

      api.get('/reports/partners', { summary: 'Partners as reports name them: their latest names (a rename shows everywhere), type, level, region', scope: 'reports:read', query: z.strictObject({ country: Country.optional(), asOf: Instant.optional() }) }, async ({ query, principal }) => {
        if (query.country) assertCountry(principal, query.country);
        const allowed = countryFilter(principal);
        const facts = await (await modelFor(query.asOf)).facts.find({ kind: FactKind.Partner, ...(query.country ? { country: query.country } : allowed ? { country: { $in: allowed } } : {}) }).toArray();
        return facts.map((f) => ({ partnerId: f.partnerId, country: f.country, name: f.name, acronym: f.acronym, type: f.partner_type, level: f.level, region: f.region ?? null, active: f.active, since: f.businessDate }))
          .sort((a, b) => String((a.name as { en: string }).en).localeCompare(String((b.name as { en: string }).en)));
      });

      api.get('/projection/status', { summary: 'Last sequence applied, lag behind the stream, throughput, dead letters', scope: 'reports:read' }, () => status());

      api.get('/admin/dead-letters', { summary: 'Events the projection could not process, with the reason', scope: 'projection:admin', query: z.strictObject(PageQuery) }, async ({ query }) => {
        const { items, total } = await letters.list(query);
        return paged(items, total, query);
      });
      api.post('/admin/dead-letters/:seq/replay', { summary: 'Project a dead-lettered event again after a fix', scope: 'projection:admin', params: z.strictObject({ seq: z.coerce.number().int().positive() }) }, ({ params, principal }) =>
        letters.replay(params.seq, principal.actor));
      api.post('/admin/rebuild', { summary: 'Rebuild the read model from the stream into a new generation; readers switch when it has caught up', scope: 'projection:admin', status: 202 }, async ({ principal }) =>
        startRebuild(principal.actor));
    },
  });
}
