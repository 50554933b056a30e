import { z } from 'zod';
import { defineEvent } from '../registry.js';
import { Alignment } from '../alignments.js';
import { Disaggregation, IndicatorRule, IndicatorUnit } from '../indicator-rules.js';
import { IsoDate, Localized } from '../vocabulary.js';

/** A paragraph in French and English (context, definitions): longer than a label. */
export const LocalizedText = z.strictObject({
  fr: z.string().trim().min(1).max(4000),
  en: z.string().trim().min(1).max(4000),
});
export type LocalizedText = z.infer<typeof LocalizedText>;

const codeText = (what: string, example: string) => ({
  error: `${what} is text (quote it in YAML, e.g. "${example}")`,
});

/** Programme code, e.g. ARMP. */
export const ProgrammeCode = z
  .string(codeText('a programme code', 'ARMP'))
  .regex(/^[A-Z][A-Z0-9]{1,15}$/, 'a programme code is 2-16 capital letters or digits, e.g. ARMP');
/** A framework is one programme in one country: `<programme>-<country>`, e.g. ARMP-MA. */
export const FrameworkId = z.string().regex(/^[A-Z][A-Z0-9]{1,15}-[A-Z]{2}$/, 'a framework id looks like ARMP-MA');
export const frameworkId = (programme: string, country: string) => `${programme}-${country}`;

export const NODE_LEVELS = ['objective', 'outcome', 'output', 'activity_line'] as const;
export const NodeLevel = z.enum(NODE_LEVELS);
export type NodeLevel = z.infer<typeof NodeLevel>;
export const NodeCode = z
  .string(codeText('a node code', '1.1'))
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/, 'a node code is 1-16 letters, digits, dots or dashes, e.g. 1.1');
export const IndicatorCode = z
  .string(codeText('an indicator code', '1.1.a'))
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'an indicator code is 1-32 letters, digits, dots or dashes');

/** One node of the results framework tree; the objective has no parent. */
export const FrameworkNode = z.strictObject({
  code: NodeCode,
  level: NodeLevel,
  parent: NodeCode.optional(),
  title: Localized,
  alignments: z.array(Alignment).max(30).default([]),
});
export type FrameworkNode = z.infer<typeof FrameworkNode>;

/** What a framework says about itself besides its nodes (shown on the yearly factsheet). */
export const FrameworkDetails = z.strictObject({
  title: Localized,
  context: LocalizedText,
  targetGroups: z.array(Localized).max(20),
});
export type FrameworkDetails = z.infer<typeof FrameworkDetails>;

export const Computation = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('rule'), rule: IndicatorRule }),
  z.strictObject({ method: z.literal('manual') }),
]);
export type Computation = z.infer<typeof Computation>;

/** Everything that defines an indicator (revisions replace it whole). */
export const IndicatorDefinition = z.strictObject({
  code: IndicatorCode,
  name: Localized,
  definition: LocalizedText,
  unit: IndicatorUnit,
  nodeCode: NodeCode,
  disaggregations: z.array(Disaggregation).max(6).default([]),
  sensitive: z.boolean().default(false),
  computation: Computation,
  alignments: z.array(Alignment).max(30).default([]),
});
export type IndicatorDefinition = z.infer<typeof IndicatorDefinition>;

/** A reporting period: programme year (PY1), calendar year (2020) or quarter (2020-Q1). */
export const Period = z
  .string(codeText('a period', 'PY1'))
  .regex(
    /^(PY[1-9][0-9]?|(19|20)[0-9]{2}|(19|20)[0-9]{2}-Q[1-4])$/,
    'a period is a programme year (PY1), a calendar year (2020) or a quarter (2020-Q1)',
  );

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** First and last day of a period; programme years count 12 months from the programme start. */
export function periodBounds(period: string, programmeStart: string): { start: string; end: string } {
  const [y, m, d] = programmeStart.split('-').map(Number) as [number, number, number];
  const py = /^PY(\d+)$/.exec(period);
  if (py) {
    const n = Number(py[1]) - 1;
    return {
      start: isoDay(new Date(Date.UTC(y + n, m - 1, d))),
      end: isoDay(new Date(Date.UTC(y + n + 1, m - 1, d - 1))),
    };
  }
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  if (q) {
    const year = Number(q[1]);
    const first = (Number(q[2]) - 1) * 3;
    return { start: isoDay(new Date(Date.UTC(year, first, 1))), end: isoDay(new Date(Date.UTC(year, first + 3, 0))) };
  }
  return { start: `${period}-01-01`, end: `${period}-12-31` };
}

const FrameworkRef = { frameworkId: FrameworkId, businessDate: IsoDate };
const IndicatorRef = { ...FrameworkRef, indicatorCode: IndicatorCode };
const PeriodRef = { period: Period, periodStart: IsoDate, periodEnd: IsoDate };
const Reason = z.string().trim().min(1).max(1000);

export const frameworkCreated = defineEvent({
  type: 'indicators.framework.created',
  version: '1',
  description:
    'A results framework was started (as a draft) for a programme in a country. businessDate is the day it was created.',
  data: z.strictObject({ ...FrameworkRef, programme: ProgrammeCode, programmeStart: IsoDate, title: Localized }),
  businessDate: (d) => d.businessDate,
});

export const frameworkDraftEdited = defineEvent({
  type: 'indicators.framework.draft_edited',
  version: '1',
  description: 'The draft of a framework changed (audit trail; reports use framework.published).',
  data: z.strictObject({
    ...FrameworkRef,
    change: z.enum(['details_replaced', 'node_saved', 'node_removed']),
    nodeCode: NodeCode.optional(),
  }),
  businessDate: (d) => d.businessDate,
});

export const frameworkPublished = defineEvent({
  type: 'indicators.framework.published',
  version: '1',
  description:
    'A version of the framework was published: the whole tree, and the revision of each active indicator it includes.',
  data: z.strictObject({
    ...FrameworkRef,
    programme: ProgrammeCode,
    programmeStart: IsoDate,
    frameworkVersion: z.number().int().positive(),
    ...FrameworkDetails.shape,
    nodes: z.array(FrameworkNode),
    indicators: z.array(
      z.strictObject({ code: IndicatorCode, revision: z.number().int().positive(), nodeCode: NodeCode }),
    ),
    note: z.string().trim().max(1000).optional(),
  }),
  businessDate: (d) => d.businessDate,
});

const Definition = { ...FrameworkRef, ...IndicatorDefinition.shape, revision: z.number().int().positive() };

export const indicatorDefined = defineEvent({
  type: 'indicators.indicator.defined',
  version: '1',
  description:
    'An indicator was defined (revision 1): unit, node measured, disaggregations, suppression and how it is computed.',
  data: z.strictObject(Definition),
  businessDate: (d) => d.businessDate,
});

export const indicatorRevised = defineEvent({
  type: 'indicators.indicator.revised',
  version: '1',
  description: 'An indicator definition was replaced by a new revision (the whole definition is carried).',
  data: z.strictObject({ ...Definition, reason: Reason.optional() }),
  businessDate: (d) => d.businessDate,
});

export const indicatorRetired = defineEvent({
  type: 'indicators.indicator.retired',
  version: '1',
  description: 'An indicator is no longer reported on.',
  data: z.strictObject({ ...FrameworkRef, code: IndicatorCode, reason: Reason }),
  businessDate: (d) => d.businessDate,
});

const Baseline = {
  ...IndicatorRef,
  value: z.number().nonnegative(),
  date: IsoDate,
  comment: z.string().trim().max(1000).optional(),
  revision: z.number().int().positive(),
};

export const baselineSet = defineEvent({
  type: 'indicators.baseline.set',
  version: '1',
  description: 'The baseline of an indicator: its value on a date. businessDate is that date.',
  data: z.strictObject(Baseline),
  businessDate: (d) => d.businessDate,
});

export const baselineRevised = defineEvent({
  type: 'indicators.baseline.revised',
  version: '1',
  description: 'The baseline of an indicator was corrected.',
  data: z.strictObject({ ...Baseline, previousValue: z.number().nonnegative(), reason: Reason }),
  businessDate: (d) => d.businessDate,
});

const Target = {
  ...IndicatorRef,
  ...PeriodRef,
  value: z.number().nonnegative(),
  targetVersion: z.number().int().positive(),
};

export const targetSet = defineEvent({
  type: 'indicators.target.set',
  version: '1',
  description: 'A target of an indicator for a period (targetVersion 1). businessDate is the first day of the period.',
  data: z.strictObject(Target),
  businessDate: (d) => d.businessDate,
});

export const targetRevised = defineEvent({
  type: 'indicators.target.revised',
  version: '1',
  description:
    'A target was revised: targetVersion counts the versions of this indicator × period; reports name the one they compare against.',
  data: z.strictObject({ ...Target, previousValue: z.number().nonnegative(), reason: Reason }),
  businessDate: (d) => d.businessDate,
});

export const valueReported = defineEvent({
  type: 'indicators.value.reported',
  version: '1',
  description:
    'A manual value of an indicator for a period (milestones: 1 achieved, 0 not yet). A later report for the same period replaces it (revision, previousValue).',
  data: z.strictObject({
    ...IndicatorRef,
    ...PeriodRef,
    value: z.number().nonnegative(),
    comment: z.string().trim().min(1).max(2000),
    evidenceUrl: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .optional(),
    revision: z.number().int().positive(),
    previousValue: z.number().nonnegative().optional(),
  }),
  businessDate: (d) => d.businessDate,
});

/** Events of the indicators service. */
export const indicatorsEvents = [
  frameworkCreated,
  frameworkDraftEdited,
  frameworkPublished,
  indicatorDefined,
  indicatorRevised,
  indicatorRetired,
  baselineSet,
  baselineRevised,
  targetSet,
  targetRevised,
  valueReported,
] as const;
