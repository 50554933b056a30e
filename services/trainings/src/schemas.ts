import { z } from 'zod';
import { ActivityLine, AttendanceRow, IsoDate, Localized, Modality, Place, TopicCode } from '@passerelle/contracts';

export const PlanTrainingBody = z.strictObject({
  title: Localized,
  topics: z.array(TopicCode).min(1).max(10),
  startDate: IsoDate,
  endDate: IsoDate,
  place: Place,
  modality: Modality,
  organiser: z.string().trim().min(1).max(200),
  partnerIds: z.array(z.string().min(1).max(64)).max(50).default([]),
  audience: z.string().trim().max(500).optional(),
  activityLine: ActivityLine,
  plannedParticipants: z.number().int().nonnegative().max(100_000),
});

export const Version = z.number().int().nonnegative();
export const HeldBody = z.strictObject({ version: Version });
export const AttendanceBody = z.strictObject({ version: Version, rows: z.array(AttendanceRow).min(1).max(500) });
export const IdParams = z.strictObject({ id: z.uuid() });
