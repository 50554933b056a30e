import {
  trainingCancelled,
  trainingHeld,
  trainingPlanned,
  trainingRescheduled,
  type AttendanceRow,
  type Localized,
  type Place,
} from '@passerelle/contracts';
import { RuleViolation, type Decision as KitDecision } from '@passerelle/platform';

export const TrainingStatus = { Planned: 'planned', Held: 'held', Cancelled: 'cancelled' } as const;
export type TrainingStatus = (typeof TrainingStatus)[keyof typeof TrainingStatus];

export interface Attendance {
  rows: AttendanceRow[];
  total: number;
}

export interface Assessment {
  tested: number;
  averagePre: number;
  averagePost: number;
  improved: number;
}

export interface Training {
  status: TrainingStatus;
  title: Localized;
  topics: string[];
  startDate: string;
  endDate: string;
  durationDays: number;
  place: Place;
  modality: 'in_person' | 'online' | 'hybrid';
  organiser: string;
  partnerIds: string[];
  audience?: string | undefined;
  activityLine: string;
  plannedParticipants: number;
  /** The latest attendance figures. */
  attendance?: Attendance | undefined;
  /** The figures the latest correction replaced, so a reader can show "was X". */
  previousAttendance?: Attendance | undefined;
  assessment?: Assessment | undefined;
  cancellationReason?: string | undefined;
}

export type PlanTraining = Omit<
  Training,
  'status' | 'durationDays' | 'attendance' | 'previousAttendance' | 'assessment' | 'cancellationReason'
>;

/** What the deciders return: the kit's decision over a training (or another state, e.g. a topic). */
export type Decision<S = Training> = KitDecision<S>;

/** The furthest ahead a training can be planned; a later date is almost always a typing mistake. */
export const MAX_YEARS_AHEAD = 3;

const DAY_MS = 86_400_000;
const days = (start: string, end: string) => Math.round((Date.parse(end) - Date.parse(start)) / DAY_MS) + 1;

/** Checks a date range and returns its length in days (both ends included). */
function checkDates(startDate: string, endDate: string, today: string): number {
  if (endDate < startDate)
    throw new RuleViolation('END_BEFORE_START', `the end date ${endDate} is before the start date ${startDate}`);
  const limit = new Date(Date.parse(today) + MAX_YEARS_AHEAD * 365 * DAY_MS).toISOString().slice(0, 10);
  for (const [which, date] of [
    ['start', startDate],
    ['end', endDate],
  ] as const) {
    if (date > limit)
      throw new RuleViolation('DATE_TOO_FAR', `the ${which} date ${date} is more than ${MAX_YEARS_AHEAD} years ahead`);
  }
  return days(startDate, endDate);
}

/** Subject, country and the reference every training event starts with; businessDate is the (current) start date. */
export const trainingRef = (id: string, t: Training) => ({
  subject: id,
  country: t.place.country,
  ref: { trainingId: id, businessDate: t.startDate },
});

/** The dimensions reports group a training's figures by, carried by held, attendance and assessment events. */
export const reportDimensions = (t: Training) => ({
  topics: t.topics,
  activityLine: t.activityLine,
  ...(t.place.region ? { region: t.place.region } : {}),
});

function assertPlanned(t: Training, action: string): void {
  if (t.status !== TrainingStatus.Planned)
    throw new RuleViolation('NOT_PLANNED', `only a planned training can be ${action}; this one is ${t.status}`);
}

/** Plans a training; topics must be in the known list. */
export function plan(id: string, cmd: PlanTraining, ctx: { today: string; topics: ReadonlySet<string> }): Decision {
  const unknown = cmd.topics.filter((t) => !ctx.topics.has(t));
  if (unknown.length)
    throw new RuleViolation(
      'UNKNOWN_TOPIC',
      `unknown topic(s): ${unknown.join(', ')}; known: ${[...ctx.topics].join(', ')}`,
    );
  const durationDays = checkDates(cmd.startDate, cmd.endDate, ctx.today);
  const state: Training = { ...cmd, status: TrainingStatus.Planned, durationDays };
  const { subject, country, ref } = trainingRef(id, state);
  return { state, events: [trainingPlanned.build({ subject, country, data: { ...ref, ...cmd, durationDays } })] };
}

/** Moves a planned training to new dates. */
export function reschedule(
  id: string,
  t: Training,
  cmd: { startDate: string; endDate: string; reason?: string | undefined },
  ctx: { today: string },
): Decision {
  assertPlanned(t, 'rescheduled');
  if (cmd.startDate === t.startDate && cmd.endDate === t.endDate)
    throw new RuleViolation('SAME_DATES', `the training already runs from ${t.startDate} to ${t.endDate}`);
  const durationDays = checkDates(cmd.startDate, cmd.endDate, ctx.today);
  const state: Training = { ...t, startDate: cmd.startDate, endDate: cmd.endDate, durationDays };
  const data = {
    startDate: cmd.startDate,
    endDate: cmd.endDate,
    durationDays,
    previousStartDate: t.startDate,
    previousEndDate: t.endDate,
    ...(cmd.reason ? { reason: cmd.reason } : {}),
  };
  const { subject, country, ref } = trainingRef(id, state);
  return { state, events: [trainingRescheduled.build({ subject, country, data: { ...ref, ...data } })] };
}

/** Cancels a planned training; the reason is kept in the event for the audit trail. */
export function cancel(id: string, t: Training, cmd: { reason: string }): Decision {
  assertPlanned(t, 'cancelled');
  const state: Training = { ...t, status: TrainingStatus.Cancelled, cancellationReason: cmd.reason };
  const { subject, country, ref } = trainingRef(id, state);
  return { state, events: [trainingCancelled.build({ subject, country, data: { ...ref, reason: cmd.reason } })] };
}

/** Marks a planned training as having taken place. */
export function markHeld(id: string, t: Training, ctx: { today: string }): Decision {
  assertPlanned(t, 'marked held');
  if (t.startDate > ctx.today)
    throw new RuleViolation('NOT_YET_STARTED', `the training starts on ${t.startDate}; it cannot be held before then`);
  const state = { ...t, status: TrainingStatus.Held };
  const data = {
    startDate: t.startDate,
    endDate: t.endDate,
    durationDays: t.durationDays,
    partnerIds: t.partnerIds,
    ...reportDimensions(t),
  };
  const { subject, country, ref } = trainingRef(id, state);
  return { state, events: [trainingHeld.build({ subject, country, data: { ...ref, ...data } })] };
}

/** Throws unless figures (attendance, assessments) may be recorded: only for a held training. */
export function assertHeld(t: Training, what: string): void {
  if (t.status === TrainingStatus.Cancelled)
    throw new RuleViolation('TRAINING_CANCELLED', `${what} cannot be recorded for a cancelled training`);
  if (t.status !== TrainingStatus.Held)
    throw new RuleViolation('NOT_HELD', `mark the training as held before recording ${what}`);
}
