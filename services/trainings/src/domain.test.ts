import { describe, expect, it } from 'vitest';
import { improvedPercent, recordAssessment } from './attendance.js';
import { plan, reschedule, type Training } from './domain.js';
import { versionFrom as uploadVersion } from '@passerelle/platform';

const T1 = '0e0b8a5e-31a5-4c53-9d62-5b0c0a4d2b11';

const base = {
  title: { fr: 'F', en: 'T' },
  topics: ['border_management'],
  startDate: '2024-02-28',
  endDate: '2024-03-01',
  place: { country: 'MA' as const },
  modality: 'online' as const,
  organiser: 'IOM',
  partnerIds: [],
  activityLine: '1.1',
  plannedParticipants: 10,
};
const ctx = { today: '2024-01-01', topics: new Set(['border_management']) };

describe('training decisions', () => {
  it('counts both ends of the date range, across a leap day', () => {
    expect(plan(T1, base, ctx).state.durationDays).toBe(3);
  });

  it('accepts a start up to three years ahead, not after', () => {
    expect(() => plan(T1, { ...base, startDate: '2026-12-31', endDate: '2026-12-31' }, ctx)).not.toThrow();
    expect(() => plan(T1, { ...base, startDate: '2027-01-02', endDate: '2027-01-02' }, ctx)).toThrow(
      expect.objectContaining({ code: 'DATE_TOO_FAR' }),
    );
    expect(() => plan(T1, { ...base, startDate: '2024-02-01', endDate: '2034-02-01' }, ctx)).toThrow(
      expect.objectContaining({ code: 'DATE_TOO_FAR', message: expect.stringContaining('end date') }),
    );
  });

  it('a rescheduled event carries the new start as businessDate', () => {
    const t = plan(T1, base, ctx).state;
    const d = reschedule(T1, t, { startDate: '2024-04-02', endDate: '2024-04-02' }, ctx);
    expect(d.events[0]!.data).toMatchObject({
      businessDate: '2024-04-02',
      durationDays: 1,
      previousStartDate: '2024-02-28',
    });
  });

  it('"% with increased knowledge" has one decimal, and the assessment rules hold', () => {
    expect(improvedPercent({ tested: 3, improved: 2, averagePre: 0, averagePost: 0 })).toBe(66.7);
    const held: Training = { ...plan(T1, base, ctx).state, status: 'held', attendance: { rows: [], total: 5 } };
    expect(() => recordAssessment(T1, held, { tested: 6, improved: 1, averagePre: 1, averagePost: 2 })).toThrow(
      expect.objectContaining({ code: 'TESTED_ABOVE_ATTENDANCE' }),
    );
  });
});

describe('upload version', () => {
  it.each([
    [3, undefined, 3],
    [undefined, '"4"', 4],
    [undefined, 'W/"5"', 5],
    [undefined, '6', 6],
    [7, '"7"', 7],
  ])('query %s, If-Match %s → %s', (q, header, expected) => {
    expect(uploadVersion(q, header)).toBe(expected);
  });

  it.each([
    [undefined, undefined, 'VERSION_REQUIRED'],
    [1, '"2"', 'VALIDATION_FAILED'],
    [undefined, '*', 'VALIDATION_FAILED'],
  ])('query %s, If-Match %s → %s', (q, header, code) => {
    expect(() => uploadVersion(q, header)).toThrow(expect.objectContaining({ status: 400, code }));
  });
});
