import { z } from 'zod';

// What GET /reports/factsheet answers (reports/factsheet.ts): every text in the language asked, every figure raw and formatted.

const Figure = z.object({
  value: z.union([z.number(), z.string(), z.null()]),
  text: z.string().describe('formatted for the language, e.g. "1 234" or "<5"'),
});
const Row = z.object({ code: z.string().nullable(), label: z.string(), figure: Figure });
const Aligned = { code: z.string(), label: z.string(), lines: z.array(z.string()) };

export const FactsheetAnswer = z.object({
  lang: z.enum(['fr', 'en']),
  frameworkId: z.string(),
  frameworkVersion: z.number().int(),
  targetVersions: z.array(z.object({ indicator: z.string(), period: z.string(), version: z.number().int() })),
  programme: z.string(),
  country: z.object({ code: z.string(), name: z.string() }),
  period: z.object({
    key: z.string(),
    label: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    dates: z.string().nullable(),
  }),
  asOf: z.string().nullable(),
  context: z.string().nullable(),
  objective: z.string().nullable(),
  targetGroups: z.array(z.string()),
  lines: z.array(
    z.object({
      code: z.string(),
      title: z.string(),
      activities: z.array(
        z.object({
          code: z.string(),
          title: z.string(),
          trainings: Figure,
          participants: Figure,
          deliveries: Figure,
          people: z.array(Figure),
        }),
      ),
    }),
  ),
  keyFigures: z.object({
    trainings: Figure,
    participants: Figure,
    byTopic: z.array(Row.extend({ trainings: Figure })),
    byCategory: z.array(Row),
    bySex: z.array(Row),
    assisted: z.object({
      people: Figure,
      keyedPeople: Figure,
      countedPeople: Figure,
      counting: z.string(),
      deliveries: Figure,
      byPartner: z.array(Row),
      byKind: z.array(Row),
      byVulnerability: z.array(Row),
    }),
  }),
  indicators: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      unit: z.string(),
      baseline: Figure.nullable(),
      target: Figure.nullable(),
      actual: Figure.nullable(),
      percentOfTarget: Figure.nullable(),
      noData: z.string().nullable(),
    }),
  ),
  partners: z.array(z.object({ name: z.string(), acronym: z.string().nullable(), type: z.string() })),
  contributions: z.object({
    sdg: z.object({ label: z.string(), goals: z.array(z.object({ ...Aligned, targets: z.array(z.object(Aligned)) })) }),
    gcm: z.object({ label: z.string(), objectives: z.array(z.object(Aligned)) }),
    snia: z.object({ label: z.string(), objectives: z.array(z.object({ ...Aligned, group: z.string().nullable() })) }),
  }),
  notes: z.array(z.string()),
  protection: z.object({
    internal: z.boolean(),
    threshold: z.number().int(),
    hidden: z.number().int(),
    note: z.string(),
  }),
  generatedAt: z.iso.datetime(),
});
