import { z } from 'zod';
import { FrameworkDetails, FrameworkNode, IndicatorDefinition, IsoDate, Localized } from '@passerelle/contracts';
import { pageOf } from '@passerelle/platform';
import { FrameworkFile } from './file.js';

// What the routes answer, for the OpenAPI document and for the tests that check real answers against it (app.ts and
// the route files make them from the framework's state).

const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/)
  .describe('ISO 3166-1 alpha-2');
const Revision = z.number().int().min(1);

const Baseline = z.object({ value: z.number(), date: IsoDate, comment: z.string().optional(), revision: Revision });
const Target = z.object({
  period: z.string(),
  value: z.number(),
  targetVersion: z.number().int().min(1).describe('reports name the version they used'),
});
const ReportedValue = z.object({
  period: z.string(),
  value: z.number(),
  date: IsoDate,
  comment: z.string(),
  evidenceUrl: z.string().optional(),
  revision: Revision,
});

const IndicatorState = {
  definition: IndicatorDefinition,
  status: z.enum(['active', 'retired']),
  revision: Revision,
  baseline: Baseline.optional(),
  targets: z.array(Target),
  values: z.array(ReportedValue),
};

/** A framework as clients see it: the draft, every indicator, and the published versions (listed, not inlined). */
export const FrameworkView = z.object({
  id: z.string(),
  version: z.number().int().min(1).describe('send it back with a change'),
  programme: z.string(),
  country: CountryCode,
  programmeStart: IsoDate,
  details: FrameworkDetails,
  nodes: z.array(FrameworkNode),
  indicators: z.array(z.object(IndicatorState)),
  publishedVersion: z.number().int().nonnegative().describe('0 before the first publication'),
  unpublishedChanges: z.boolean(),
  publishedVersions: z.array(z.object({ version: z.number().int().min(1), date: IsoDate })),
});
export const FrameworkImported = FrameworkView.extend({
  events: z.number().int().min(1).describe('events the import recorded'),
});

export const FrameworkPage = pageOf(
  z.object({
    id: z.string(),
    version: z.number().int().min(1),
    programme: z.string(),
    country: CountryCode,
    title: Localized,
    publishedVersion: z.number().int().nonnegative(),
    unpublishedChanges: z.boolean(),
    indicators: z.number().int().nonnegative().describe('active indicators'),
  }),
);

/** One published version as reports name it. */
export const PublishedVersionView = z.object({
  frameworkId: z.string(),
  programme: z.string(),
  country: CountryCode,
  programmeStart: IsoDate,
  version: z.number().int().min(1),
  date: IsoDate,
  details: FrameworkDetails,
  nodes: z.array(FrameworkNode),
  indicators: z.array(z.object({ code: z.string(), revision: Revision, nodeCode: z.string() })),
});

/** The JSON form of an export (YAML carries the same document). */
export const FrameworkExport = FrameworkFile;

/** One indicator of a framework, with the framework's version to send back. */
export const IndicatorView = z.object({ frameworkId: z.string(), version: z.number().int().min(1), ...IndicatorState });

export const TargetsView = z.object({
  frameworkId: z.string(),
  indicatorCode: z.string(),
  targets: z.array(Target),
  history: z.array(
    z
      .looseObject({
        event: z.enum(['indicators.target.set', 'indicators.target.revised']),
        recordedAt: z.iso.datetime(),
        actor: z.string(),
      })
      .describe('every target version, with the fields of its event (period, value, targetVersion, reason…)'),
  ),
});

const CatalogueEntry = z.object({ code: z.string(), label: Localized, parent: z.string().optional() });
const Catalogue = z.object({
  label: Localized,
  entries: z.array(CatalogueEntry),
  countries: z.array(CountryCode).optional(),
  groups: z.record(z.string(), Localized).optional(),
});
export const AlignmentCatalogues = z.object({ sdg: Catalogue, gcm: Catalogue, snia: Catalogue });

const Described = { en: z.string(), fr: z.string() };
export const RuleCatalogue = z.object({
  units: z.array(z.string()),
  dimensions: z.array(z.string()),
  disaggregations: z.array(z.string()),
  measures: z.record(z.string(), z.object({ unit: z.string(), ...Described })),
  sources: z.record(
    z.string(),
    z.object({ ...Described, measures: z.array(z.string()), dimensions: z.array(z.string()) }),
  ),
});
export const RuleCheck = z.object({
  valid: z.boolean(),
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
});
