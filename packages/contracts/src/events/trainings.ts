import { z } from 'zod';
import { defineEvent } from '../registry.js';
import { ActivityLine, AgeGroup, IsoDate, Localized, ParticipantCategory, Place, Sex, TopicCode } from '../vocabulary.js';

export const Modality = z.enum(['in_person', 'online', 'hybrid']);

const TrainingRef = { trainingId: z.uuid(), businessDate: IsoDate };

export const AttendanceRow = z.strictObject({
  sex: Sex,
  category: ParticipantCategory,
  ageGroup: AgeGroup.optional(),
  institution: z.string().trim().min(1).max(200).optional(),
  count: z.number().int().nonnegative(),
});
export type AttendanceRow = z.infer<typeof AttendanceRow>;

export const TrainingPlannedData = z.strictObject({
  ...TrainingRef,
  title: Localized,
  topics: z.array(TopicCode).min(1),
  startDate: IsoDate,
  endDate: IsoDate,
  durationDays: z.number().int().positive(),
  place: Place,
  modality: Modality,
  organiser: z.string().trim().min(1).max(200),
  partnerIds: z.array(z.string().min(1).max(64)),
  audience: z.string().trim().max(500).optional(),
  activityLine: ActivityLine,
  plannedParticipants: z.number().int().nonnegative(),
});

const Attendance = {
  ...TrainingRef,
  rows: z.array(AttendanceRow).min(1),
  total: z.number().int().nonnegative(),
  topics: z.array(TopicCode).min(1),
  activityLine: ActivityLine,
  region: z.string().optional(),
};

export const trainingPlanned = defineEvent({
  type: 'trainings.training.planned',
  version: '1',
  description: 'A training was planned. businessDate is its start date.',
  data: TrainingPlannedData,
  businessDate: (d) => d.businessDate,
});

export const trainingRescheduled = defineEvent({
  type: 'trainings.training.rescheduled',
  version: '1',
  description: 'A planned training got new dates.',
  data: z.strictObject({ ...TrainingRef, startDate: IsoDate, endDate: IsoDate, durationDays: z.number().int().positive() }),
  businessDate: (d) => d.businessDate,
});

export const trainingHeld = defineEvent({
  type: 'trainings.training.held',
  version: '1',
  description: 'A training took place (businessDate is its start date). Carries what reports group trainings by.',
  data: z.strictObject({
    ...TrainingRef, startDate: IsoDate, endDate: IsoDate, durationDays: z.number().int().positive(),
    topics: z.array(TopicCode).min(1), activityLine: ActivityLine, region: z.string().optional(), partnerIds: z.array(z.string().min(1).max(64)),
  }),
  businessDate: (d) => d.businessDate,
});

export const trainingCancelled = defineEvent({
  type: 'trainings.training.cancelled',
  version: '1',
  description: 'A planned training will not take place.',
  data: z.strictObject({ ...TrainingRef, reason: z.string().trim().min(1).max(500) }),
  businessDate: (d) => d.businessDate,
});

export const attendanceRecorded = defineEvent({
  type: 'trainings.training.attendance_recorded',
  version: '1',
  description: 'Attendance of a held training, as counts; total is derived from the rows.',
  data: z.strictObject(Attendance),
  businessDate: (d) => d.businessDate,
});

export const attendanceCorrected = defineEvent({
  type: 'trainings.training.attendance_corrected',
  version: '1',
  description: 'New attendance figures replace the previous ones (previousTotal is kept for reports).',
  data: z.strictObject({ ...Attendance, previousTotal: z.number().int().nonnegative() }),
  businessDate: (d) => d.businessDate,
});

export const assessmentRecorded = defineEvent({
  type: 'trainings.training.assessment_recorded',
  version: '1',
  description: 'Aggregate pre/post knowledge test results of a training.',
  data: z.strictObject({
    ...TrainingRef,
    tested: z.number().int().nonnegative(),
    averagePre: z.number().min(0).max(100),
    averagePost: z.number().min(0).max(100),
    improved: z.number().int().nonnegative(),
    topics: z.array(TopicCode).min(1),
    activityLine: ActivityLine,
  }),
  businessDate: (d) => d.businessDate,
});

export const topicAdded = defineEvent({
  type: 'trainings.topic.added',
  version: '1',
  description: 'An admin added a training topic to the controlled list.',
  data: z.strictObject({ code: TopicCode, label: Localized, businessDate: IsoDate }),
  businessDate: (d) => d.businessDate,
});

export const trainingEvents = [
  trainingPlanned, trainingRescheduled, trainingHeld, trainingCancelled,
  attendanceRecorded, attendanceCorrected, assessmentRecorded, topicAdded,
] as const;
