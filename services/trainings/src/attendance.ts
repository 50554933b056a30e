import { assessmentRecorded, attendanceCorrected, attendanceRecorded, type AttendanceRow } from '@passerelle/contracts';
import { RuleViolation } from '@passerelle/platform';
import { assertHeld, reportDimensions, trainingRef, type Assessment, type Decision, type Training } from './domain.js';

/** Attendance above planned × this is flagged (not refused): sheets are often merged from several days. */
export const OVER_ATTENDANCE_FACTOR = 1.5;

/** The key that makes an attendance row unique: one count per sex × category × age group × institution. */
export const rowKey = (r: Pick<AttendanceRow, 'sex' | 'category' | 'ageGroup' | 'institution'>) =>
  [r.sex, r.category, r.ageGroup ?? '', r.institution?.toLowerCase() ?? ''].join(' / ');

/** Records attendance counts of a held training, or corrects them; the total is derived from the rows. */
export function recordAttendance(id: string, t: Training, rows: AttendanceRow[]): Decision {
  assertHeld(t, 'attendance');
  const seen = new Set<string>();
  for (const r of rows) {
    const key = rowKey(r);
    if (seen.has(key)) throw new RuleViolation('DUPLICATE_ROW', `attendance has two rows for ${key}`);
    seen.add(key);
  }
  const total = rows.reduce((n, r) => n + r.count, 0);
  const previous = t.attendance;
  const state: Training = { ...t, attendance: { rows, total }, previousAttendance: previous };
  const { subject, country, ref } = trainingRef(id, state);
  const data = { ...ref, rows, total, ...reportDimensions(t) };
  const warnings: string[] = [];
  if (t.plannedParticipants > 0 && total > t.plannedParticipants * OVER_ATTENDANCE_FACTOR) {
    warnings.push(
      `attendance ${total} is far above the ${t.plannedParticipants} planned participants; check the sheet`,
    );
  }
  if (t.assessment && t.assessment.tested > total) {
    warnings.push(
      `the knowledge test counts ${t.assessment.tested} participants tested, more than the ${total} now attending; correct the assessment`,
    );
  }
  const event = previous
    ? attendanceCorrected.build({ subject, country, data: { ...data, previousTotal: previous.total } })
    : attendanceRecorded.build({ subject, country, data });
  return { state, events: [event], warnings };
}

/** Records (or replaces) the aggregate pre/post knowledge test results of a held training. */
export function recordAssessment(id: string, t: Training, a: Assessment): Decision {
  assertHeld(t, 'a knowledge assessment');
  if (a.improved > a.tested)
    throw new RuleViolation(
      'IMPROVED_ABOVE_TESTED',
      `${a.improved} improved is more than the ${a.tested} participants tested`,
    );
  if (t.attendance && a.tested > t.attendance.total) {
    throw new RuleViolation(
      'TESTED_ABOVE_ATTENDANCE',
      `${a.tested} tested is more than the ${t.attendance.total} participants who attended`,
    );
  }
  const state: Training = { ...t, assessment: a };
  const { subject, country, ref } = trainingRef(id, state);
  return {
    state,
    events: [assessmentRecorded.build({ subject, country, data: { ...ref, ...a, ...reportDimensions(t) } })],
  };
}

/** Share of tested participants whose score went up, in percent with one decimal: what reports call "% with increased knowledge". */
export const improvedPercent = (a: Assessment) => (a.tested ? Math.round((a.improved / a.tested) * 1000) / 10 : 0);
