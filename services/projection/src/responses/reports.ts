import { z } from 'zod';
import { Cell, Names, PeriodRange, Protection, PublishedParts, Shown } from './common.js';

// What the report routes of src/reports/ answer as JSON (their CSV and XLSX tables are documented by media type).

const Localized = z.object({ fr: z.string(), en: z.string() });
const SummaryCell = Cell.extend({
  counting: z.string(),
  name: Names.nullable().optional().describe("a partner breakdown: the partner's names"),
});

export const SummaryAnswer = z.object({
  period: PeriodRange,
  totals: z
    .record(z.string(), SummaryCell.omit({ key: true }))
    .describe('trainings and participants, or people and deliveries'),
  breakdowns: z.array(
    z.object({
      by: z.string(),
      measure: z.enum(['trainings', 'participants', 'people', 'deliveries']),
      cells: z.array(SummaryCell),
    }),
  ),
  notes: z.array(z.string()),
  ...Protection,
});

export const ThreeWAnswer = z.object({
  period: PeriodRange,
  granularity: z.string(),
  rows: z.array(
    z.object({
      partnerId: z.string().nullable(),
      partner: Names.nullable(),
      activityLine: z.string().nullable(),
      type: z.enum(['training', 'assistance', 'support']),
      kind: z.string(),
      region: z.string().nullable(),
      when: z.string(),
      figure: Shown,
      unit: z.enum(['participants', 'people reached', 'supports']),
      counting: z.string(),
      activities: z.number().int().optional().describe('trainings held or deliveries made behind the figure'),
      ...PublishedParts,
    }),
  ),
  ...Protection,
  notes: z.array(z.string()),
});

/** One indicator's progress: baseline, target and its version, actual and % of target, by each disaggregation. */
const IndicatorProgress = z.object({
  code: z.string(),
  name: Localized,
  unit: z.string(),
  node: z.string(),
  revision: z.number().int(),
  sensitive: z.boolean(),
  baseline: z.object({ value: z.number(), date: z.string() }).nullable(),
  target: z.object({ value: z.number(), version: z.number().int() }).nullable(),
  actual: Shown,
  rounded: z.literal(true).optional(),
  noData: z.string().nullable().describe('why there is no actual (never shown as 0)'),
  keyedPeople: Shown.optional(),
  countedPeople: Shown.optional(),
  roundedParts: PublishedParts.roundedParts,
  counting: z.string().optional(),
  percentOfTarget: z.number().nullable(),
  measure: z.string(),
  breakdowns: z.record(z.string(), z.array(Cell)).describe('cells by each declared disaggregation'),
  suppressedCells: z.number().int().nonnegative(),
});

export const ProgressAnswer = z.object({
  frameworkId: z.string(),
  frameworkVersion: z.number().int(),
  period: PeriodRange,
  indicators: z.array(IndicatorProgress),
  protection: z.string(),
});

export const ResultsAnswer = z.object({
  frameworkId: z.string(),
  frameworkVersion: z.number().int(),
  title: Localized,
  period: PeriodRange,
  lines: z.array(
    z.object({
      code: z.string(),
      level: z.string(),
      parent: z.string().nullable(),
      title: Localized,
      indicators: z.array(IndicatorProgress),
      trainings: z.array(
        z.object({
          trainingId: z.string(),
          date: z.string(),
          topics: z.array(z.string()),
          participants: Shown,
          rounded: z.literal(true).optional(),
        }),
      ),
      deliveries: z.array(
        z.object({
          deliveryId: z.string(),
          date: z.string(),
          kind: z.string(),
          people: Shown,
          keyedPeople: Shown,
          countedPeople: Shown,
          rounded: z.literal(true).optional(),
          roundedParts: PublishedParts.roundedParts,
        }),
      ),
    }),
  ),
  notes: z.array(z.string()),
  ...Protection,
});

const Contribution = z.object({
  code: z.string(),
  label: Localized.nullable(),
  parent: z.string().nullable(),
  indicators: z.array(
    z.object({
      code: z.string(),
      name: Localized,
      unit: z.string(),
      actual: Shown,
      target: z.number().nullable(),
      percentOfTarget: z.number().nullable(),
    }),
  ),
  activityLines: z.array(z.object({ code: z.string(), level: z.string(), title: Localized })),
});
export const ContributionsAnswer = z.object({
  frameworkId: z.string(),
  frameworkVersion: z.number().int(),
  period: PeriodRange,
  sdg: z.object({ label: Localized, goals: z.array(Contribution.extend({ targets: z.array(Contribution) })) }),
  gcm: z.object({ label: Localized, objectives: z.array(Contribution) }),
  snia: z.object({ label: Localized, groups: z.record(z.string(), Localized), objectives: z.array(Contribution) }),
  ...Protection,
});
