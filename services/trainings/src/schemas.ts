import { z } from 'zod';
import {
  ActivityLine,
  AttendanceRow,
  Country,
  Envelope,
  IsoDate,
  Localized,
  Modality,
  Place,
  TopicCode,
} from '@passerelle/contracts';
import { PageQuery } from '@passerelle/platform';

const PartnerId = z.string().min(1).max(64);
const Reason = z.string().trim().min(1).max(500);

export const PlanTrainingBody = z.strictObject({
  title: Localized,
  topics: z.array(TopicCode).min(1).max(10),
  startDate: IsoDate,
  endDate: IsoDate,
  place: Place,
  modality: Modality,
  organiser: z.string().trim().min(1).max(200),
  partnerIds: z.array(PartnerId).max(50).default([]),
  audience: z.string().trim().max(500).optional(),
  activityLine: ActivityLine,
  plannedParticipants: z.number().int().nonnegative().max(100_000),
});

/** The version the client last read; a write on any other version is a 409. */
export const Version = z.number().int().nonnegative();
export const HeldBody = z.strictObject({ version: Version });
export const RescheduleBody = z.strictObject({
  version: Version,
  startDate: IsoDate,
  endDate: IsoDate,
  reason: Reason.optional(),
});
export const CancelBody = z.strictObject({ version: Version, reason: Reason });
export const AttendanceBody = z.strictObject({ version: Version, rows: z.array(AttendanceRow).min(1).max(500) });
const Score = z.number().min(0).max(100).describe('average score in percent');
export const AssessmentBody = z.strictObject({
  version: Version,
  tested: z.number().int().positive().max(100_000).describe('participants who took both the pre and the post test'),
  averagePre: Score,
  averagePost: Score,
  improved: z
    .number()
    .int()
    .nonnegative()
    .max(100_000)
    .describe('participants whose post score is above their pre score'),
});
export const IdParams = z.strictObject({ id: z.uuid() });
export const ImportQuery = z.strictObject({
  version: z.coerce.number().int().nonnegative().optional().describe('the version last read; or send it as If-Match'),
});

export const TrainingStatusEnum = z.enum(['planned', 'held', 'cancelled']);
export const ListQuery = z.strictObject({
  country: Country.optional(),
  region: z.string().trim().min(1).max(120).optional(),
  topic: TopicCode.optional(),
  from: IsoDate.optional().describe('first start date included'),
  to: IsoDate.optional().describe('last start date included'),
  status: TrainingStatusEnum.optional(),
  partnerId: PartnerId.optional(),
  ...PageQuery,
});
export type ListQuery = z.infer<typeof ListQuery>;

export const AddTopicBody = z.strictObject({
  code: TopicCode,
  label: Localized,
  country: Country.optional().describe(
    'the country the topic was asked for (routes the event); defaults to the only country of the token',
  ),
});

const AttendanceView = z.object({ rows: z.array(AttendanceRow), total: z.number().int() });
export const TrainingView = z.object({
  id: z.uuid(),
  version: z.number().int(),
  country: Country,
  status: TrainingStatusEnum,
  title: Localized,
  topics: z.array(TopicCode),
  startDate: IsoDate,
  endDate: IsoDate,
  durationDays: z.number().int(),
  place: Place,
  modality: Modality,
  organiser: z.string(),
  partnerIds: z.array(z.string()),
  audience: z.string().optional(),
  activityLine: ActivityLine,
  plannedParticipants: z.number().int(),
  attendance: AttendanceView.optional().describe('the latest figures'),
  previousAttendance: AttendanceView.optional().describe('the figures the latest correction replaced'),
  assessment: z
    .object({
      tested: z.number().int(),
      averagePre: z.number(),
      averagePost: z.number(),
      improved: z.number().int(),
      improvedPercent: z.number().describe('% of tested participants with increased knowledge'),
    })
    .optional(),
  cancellationReason: z.string().optional(),
  warnings: z.array(z.string()).optional().describe('things worth a second look; the change was made'),
});
export const TrainingPage = z.object({
  items: z.array(TrainingView),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  pages: z.number().int(),
});
export const HistoryView = z.object({ items: z.array(Envelope) });
export const TopicView = z.object({ code: TopicCode, label: Localized, builtIn: z.boolean() });
export const TopicList = z.object({ items: z.array(TopicView) });
