import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testToken } from '@passerelle/testkit';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('trainings_attendance');
});
afterAll(() => h?.stop());

const rows = [
  { sex: 'female', category: 'police', ageGroup: '18-59', institution: 'DGSN', count: 6 },
  { sex: 'male', category: 'police', ageGroup: '18-59', institution: 'DGSN', count: 7 },
  { sex: 'female', category: 'judiciary', count: 4 },
];

/** Posts attendance that must be refused; checks the problem and that nothing was written or published. */
async function refused(id: string, body: unknown, status: number, code: string, token?: string) {
  const before = await h.call('GET', `/trainings/${id}`);
  const count = await h.settled();
  const r = await h.call('POST', `/trainings/${id}/attendance`, body, token ? { token } : {});
  expect(r.status).toBe(status);
  expect(r.body.code).toBe(code);
  expect((await h.call('GET', `/trainings/${id}`)).body).toEqual(before.body);
  expect(await h.settled()).toBe(count);
  return r.body;
}

describe('recording attendance', () => {
  it('derives the total and publishes attendance_recorded with what reports group by', async () => {
    const t = await h.held({ plannedParticipants: 20 });
    const r = await h.call('POST', `/trainings/${t.id}/attendance`, { version: 2, rows });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: 3, attendance: { rows, total: 17 } });
    expect(r.body.previousAttendance).toBeUndefined();
    expect(r.body.warnings).toBeUndefined();
    await h.settled();
    expect((await h.streamEvents()).at(-1)).toMatchObject({
      type: 'trainings.training.attendance_recorded',
      data: {
        trainingId: t.id,
        businessDate: '2020-02-10',
        rows,
        total: 17,
        topics: ['sexual_exploitation_abuse'],
        activityLine: '1.1',
        region: 'Rabat-Salé-Kénitra',
      },
    });
  });

  it('a correction is a new event with the previous total; the training shows the latest and the previous figures', async () => {
    const t = await h.held();
    await h.ok('POST', `/trainings/${t.id}/attendance`, { version: 2, rows });
    const fixed = [
      { sex: 'female', category: 'police', count: 10 },
      { sex: 'male', category: 'police', count: 9 },
    ];
    const r = await h.call('POST', `/trainings/${t.id}/attendance`, { version: 3, rows: fixed });
    expect(r.body).toMatchObject({
      version: 4,
      attendance: { rows: fixed, total: 19 },
      previousAttendance: { rows, total: 17 },
    });
    await h.settled();
    const e = (await h.streamEvents()).at(-1)!;
    expect(e).toMatchObject({
      type: 'trainings.training.attendance_corrected',
      data: { total: 19, previousTotal: 17, rows: fixed },
    });
    const again = await h.ok('POST', `/trainings/${t.id}/attendance`, {
      version: 4,
      rows: [{ sex: 'other', category: 'other', count: 20 }],
    });
    expect(again).toMatchObject({ attendance: { total: 20 }, previousAttendance: { total: 19 } });
    expect((await h.call('GET', `/trainings/${t.id}`)).body).toMatchObject({
      attendance: { total: 20 },
      previousAttendance: { total: 19, rows: fixed },
    });
  });

  it('attendance far above the planned number is recorded, with a warning', async () => {
    const t = await h.held({ plannedParticipants: 10 });
    const r = await h.call('POST', `/trainings/${t.id}/attendance`, {
      version: 2,
      rows: [{ sex: 'female', category: 'student', count: 40 }],
    });
    expect(r.status).toBe(200);
    expect(r.body.attendance.total).toBe(40);
    expect(r.body.warnings).toEqual([expect.stringContaining('far above the 10 planned')]);
  });
});

describe('attendance rules: a clear problem, and nothing written or published', () => {
  it('refuses a training not yet held, or cancelled', async () => {
    const planned = await h.plan();
    await refused(planned.id, { version: 1, rows }, 422, 'NOT_HELD');
    await h.ok('POST', `/trainings/${planned.id}/cancel`, { version: 1, reason: 'no trainer' });
    await refused(planned.id, { version: 2, rows }, 422, 'TRAINING_CANCELLED');
  });

  it.each([
    ['a negative count', [{ sex: 'female', category: 'police', count: -1 }]],
    ['a count that is not a whole number', [{ sex: 'female', category: 'police', count: 2.5 }]],
    ['a count given as text', [{ sex: 'female', category: 'police', count: '3' }]],
    ['an unknown sex', [{ sex: 'f', category: 'police', count: 3 }]],
    ['an unknown category', [{ sex: 'female', category: 'firefighter', count: 3 }]],
    ['a typed total (totals are derived)', [{ sex: 'female', category: 'police', count: 3, total: 3 }]],
    ['no rows', []],
  ])('refuses %s with a 400', async (_name, bad) => {
    const t = await h.held();
    const problem = await refused(t.id, { version: 2, rows: bad }, 400, 'VALIDATION_FAILED');
    expect(problem.errors[0].path).toMatch(/^body\.rows/);
  });

  it('refuses two rows for the same sex × category × age group × institution', async () => {
    const t = await h.held();
    await refused(t.id, { version: 2, rows: [rows[2], { ...rows[2], count: 1 }] }, 422, 'DUPLICATE_ROW');
  });

  it('refuses a stale version with a 409, another country with a 403, a reader with a 403', async () => {
    const t = await h.held();
    await h.ok('POST', `/trainings/${t.id}/attendance`, { version: 2, rows });
    await refused(t.id, { version: 2, rows }, 409, 'VERSION_CONFLICT');
    await refused(
      t.id,
      { version: 3, rows },
      403,
      'FORBIDDEN',
      await testToken(['trainings:write', 'trainings:read'], ['DZ']),
    );
    await refused(t.id, { version: 3, rows }, 403, 'FORBIDDEN', h.tokens.reader);
  });
});

describe('history', () => {
  it('lists every event of a training, oldest first, to those who may read its country', async () => {
    const t = await h.held();
    await h.ok('POST', `/trainings/${t.id}/attendance`, { version: 2, rows });
    await h.ok('POST', `/trainings/${t.id}/attendance`, { version: 3, rows: rows.slice(0, 1) });
    const r = await h.call('GET', `/trainings/${t.id}/history`, undefined, { token: h.tokens.reader });
    expect(r.status).toBe(200);
    expect(r.body.items.map((e: { type: string }) => e.type)).toEqual([
      'trainings.training.planned',
      'trainings.training.held',
      'trainings.training.attendance_recorded',
      'trainings.training.attendance_corrected',
    ]);
    expect(
      r.body.items.every(
        (e: { subject: string; data: { businessDate: string } }) =>
          e.subject === t.id && e.data.businessDate === '2020-02-10',
      ),
    ).toBe(true);
    const other = await h.call('GET', `/trainings/${t.id}/history`, undefined, {
      token: await testToken(['trainings:read'], ['TN']),
    });
    expect(other.status).toBe(403);
  });
});
