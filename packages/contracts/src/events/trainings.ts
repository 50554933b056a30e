import { z } from 'zod';
import { defineEvent } from '../registry.js';
import {
  ActivityLine,
  AgeGroup,
  type BUILT_IN_TOPICS,
  IsoDate,
  Localized,
  ParticipantCategory,
  Place,
  Sex,
  TopicCode,
} from '../vocabulary.js';

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
  description:
    'A planned training got new dates (businessDate is the new start date; the previous dates are kept for the audit trail).',
  data: z.strictObject({
    ...TrainingRef,
    startDate: IsoDate,
    endDate: IsoDate,
    durationDays: z.number().int().positive(),
    previousStartDate: IsoDate.optional(),
    previousEndDate: IsoDate.optional(),
    reason: z.string().trim().min(1).max(500).optional(),
  }),
  businessDate: (d) => d.businessDate,
});

export const trainingHeld = defineEvent({
  type: 'trainings.training.held',
  version: '1',
  description: 'A training took place (businessDate is its start date). Carries what reports group trainings by.',
  data: z.strictObject({
    ...TrainingRef,
    startDate: IsoDate,
    endDate: IsoDate,
    durationDays: z.number().int().positive(),
    topics: z.array(TopicCode).min(1),
    activityLine: ActivityLine,
    region: z.string().optional(),
    partnerIds: z.array(z.string().min(1).max(64)),
  }),
  businessDate: (d) => d.businessDate,
});

export const trainingCancelled = defineEvent({
  type: 'trainings.training.cancelled',
  version: '1',
  description: 'A planned training will not take place (businessDate is the start date it had).',
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
  description:
    'Aggregate pre/post knowledge test results of a held training, scores in percent; improved ≤ tested. ' +
    'A later one for the same training replaces the earlier. "% with increased knowledge" is improved / tested.',
  data: z.strictObject({
    ...TrainingRef,
    tested: z.number().int().nonnegative(),
    averagePre: z.number().min(0).max(100),
    averagePost: z.number().min(0).max(100),
    improved: z.number().int().nonnegative(),
    topics: z.array(TopicCode).min(1),
    activityLine: ActivityLine,
    region: z.string().optional(),
  }),
  businessDate: (d) => d.businessDate,
});

export const topicAdded = defineEvent({
  type: 'trainings.topic.added',
  version: '1',
  description:
    'An admin added a training topic to the controlled list (deployment-wide; country is where it was asked for; businessDate is the day it was added).',
  data: z.strictObject({ code: TopicCode, label: Localized, businessDate: IsoDate }),
  businessDate: (d) => d.businessDate,
});

/** Labels of the built-in topics (BUILT_IN_TOPICS); labels of added topics travel in trainings.topic.added. */
export const BUILT_IN_TOPIC_LABELS: Record<(typeof BUILT_IN_TOPICS)[number], z.infer<typeof Localized>> = {
  trafficking_in_persons: { fr: 'Traite des personnes', en: 'Trafficking in persons' },
  unaccompanied_children: {
    fr: 'Protection des enfants non accompagnés et séparés',
    en: 'Protection of unaccompanied and separated children',
  },
  sexual_exploitation_abuse: { fr: 'Exploitation et abus sexuels', en: 'Sexual exploitation and abuse' },
  international_migration_law: { fr: 'Droit international de la migration', en: 'International migration law' },
  migration_governance_data: { fr: 'Gouvernance des migrations et données', en: 'Migration governance and data' },
  border_management: { fr: 'Gestion des frontières', en: 'Border management' },
};

export const trainingEvents = [
  trainingPlanned,
  trainingRescheduled,
  trainingHeld,
  trainingCancelled,
  attendanceRecorded,
  attendanceCorrected,
  assessmentRecorded,
  topicAdded,
] as const;
