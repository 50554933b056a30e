import type { NewEvent, AttendanceRow, Localized, Place } from '@passerelle/contracts';
import { RuleViolation } from '@passerelle/platform';

export const TrainingStatus = { Planned: 'planned', Held: 'held', Cancelled: 'cancelled' } as const;
export type TrainingStatus = (typeof TrainingStatus)[keyof typeof TrainingStatus];

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
  attendance?: { rows: AttendanceRow[]; total: number } | undefined;
}

export type PlanTraining = Omit<Training, 'status' | 'durationDays' | 'attendance'>;

export interface Decision {
  state: Training;
  events: NewEvent<unknown>[];
  warnings?: string[];
}

/** The furthest ahead a training can be planned; a later date is almost always a typing mistake. */
export const MAX_YEARS_AHEAD = 3;
/** Attendance above planned × this is flagged (not refused): sheets are often merged from several days. */
export const OVER_ATTENDANCE_FACTOR = 1.5;

const DAY_MS = 86_400_000;
const days = (start: string, end: string) => Math.round((Date.parse(end) - Date.parse(start)) / DAY_MS) + 1;

function checkDates(startDate: string, endDate: string, today: string): number {
  if (endDate < startDate) throw new RuleViolation('END_BEFORE_START', `the end date ${endDate} is before the start date ${startDate}`);
  const limit = new Date(Date.parse(today) + MAX_YEARS_AHEAD * 365 * DAY_MS).toISOString().slice(0, 10);
  if (startDate > limit) throw new RuleViolation('DATE_TOO_FAR', `the start date ${startDate} is more than ${MAX_YEARS_AHEAD} years ahead`);
  return days(startDate, endDate);
}

const event = (id: string, t: Training, name: string, data: Record<string, unknown>): NewEvent<unknown> => ({
  type: `trainings.training.${name}`,
  subject: id,
  country: t.place.country,
  data: { trainingId: id, businessDate: t.startDate, ...data },
});

/** Plans a training; topics must be in the known list. */
export function plan(id: string, cmd: PlanTraining, ctx: { today: string; topics: ReadonlySet<string> }): Decision {
  const unknown = cmd.topics.filter((t) => !ctx.topics.has(t));
  if (unknown.length) throw new RuleViolation('UNKNOWN_TOPIC', `unknown topic(s): ${unknown.join(', ')}; known: ${[...ctx.topics].join(', ')}`);
  const durationDays = checkDates(cmd.startDate, cmd.endDate, ctx.today);
  const state: Training = { ...cmd, status: TrainingStatus.Planned, durationDays };
  const { status: _s, attendance: _a, ...data } = state;
  return { state, events: [event(id, state, 'planned', data)] };
}

/** Marks a planned training as having taken place. */
export function markHeld(id: string, t: Training, ctx: { today: string }): Decision {
  if (t.status !== TrainingStatus.Planned) throw new RuleViolation('NOT_PLANNED', `only a planned training can be marked held; this one is ${t.status}`);
  if (t.startDate > ctx.today) throw new RuleViolation('NOT_YET_STARTED', `the training starts on ${t.startDate}; it cannot be held before then`);
  const state = { ...t, status: TrainingStatus.Held };
  const data = {
    startDate: t.startDate, endDate: t.endDate, durationDays: t.durationDays, topics: t.topics, activityLine: t.activityLine,
    partnerIds: t.partnerIds, ...(t.place.region ? { region: t.place.region } : {}),
  };
  return { state, events: [event(id, state, 'held', data)] };
}

/** Records attendance counts of a held training; the total is derived from the rows. */
export function recordAttendance(id: string, t: Training, rows: AttendanceRow[]): Decision {
  if (t.status !== TrainingStatus.Held) {
    throw new RuleViolation('NOT_HELD', t.status === TrainingStatus.Cancelled ? 'attendance cannot be recorded for a cancelled training' : 'mark the training as held before recording attendance');
  }
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.sex}|${r.category}|${r.ageGroup ?? ''}|${r.institution ?? ''}`;
    if (seen.has(key)) throw new RuleViolation('DUPLICATE_ROW', `attendance has two rows for ${key.replaceAll('|', ' / ')}`);
    seen.add(key);
  }
  const total = rows.reduce((n, r) => n + r.count, 0);
  const correcting = t.attendance !== undefined;
  const state: Training = { ...t, attendance: { rows, total } };
  const data = { rows, total, topics: t.topics, activityLine: t.activityLine, ...(t.place.region ? { region: t.place.region } : {}), ...(correcting ? { previousTotal: t.attendance!.total } : {}) };
  const warnings = t.plannedParticipants > 0 && total > t.plannedParticipants * OVER_ATTENDANCE_FACTOR
    ? [`attendance ${total} is far above the ${t.plannedParticipants} planned participants; check the sheet`] : [];
  return { state, events: [event(id, state, correcting ? 'attendance_corrected' : 'attendance_recorded', data)], warnings };
}
