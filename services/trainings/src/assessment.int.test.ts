import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testToken } from '@passerelle/testkit';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('trainings_assessment');
});
afterAll(() => h?.stop());

/** A held training with 22 participants; returns it at version 3. */
async function attended() {
  const t = await h.held();
  return h.ok('POST', `/trainings/${t.id}/attendance`, {
    version: 2,
    rows: [
      { sex: 'female', category: 'cso_staff', count: 13 },
      { sex: 'male', category: 'cso_staff', count: 9 },
    ],
  });
}

async function refused(id: string, body: unknown, status: number, code: string, token?: string) {
  const before = await h.call('GET', `/trainings/${id}`);
  const count = await h.settled();
  const r = await h.call('POST', `/trainings/${id}/assessment`, body, token ? { token } : {});
  expect(r.status).toBe(status);
  expect(r.body.code).toBe(code);
  expect((await h.call('GET', `/trainings/${id}`)).body).toEqual(before.body);
  expect(await h.settled()).toBe(count);
}

describe('knowledge assessments', () => {
  it('records pre/post aggregates, shows "% with increased knowledge" and publishes assessment_recorded', async () => {
    const t = await attended();
    const r = await h.call('POST', `/trainings/${t.id}/assessment`, {
      version: 3,
      tested: 20,
      averagePre: 48.5,
      averagePost: 76,
      improved: 17,
    });
    expect(r.status).toBe(200);
    expect(r.body.assessment).toEqual({
      tested: 20,
      averagePre: 48.5,
      averagePost: 76,
      improved: 17,
      improvedPercent: 85,
    });
    await h.settled();
    expect((await h.streamEvents()).at(-1)).toMatchObject({
      type: 'trainings.training.assessment_recorded',
      data: {
        trainingId: t.id,
        businessDate: '2020-02-10',
        tested: 20,
        averagePre: 48.5,
        averagePost: 76,
        improved: 17,
        topics: ['sexual_exploitation_abuse'],
        activityLine: '1.1',
        region: 'Rabat-Salé-Kénitra',
      },
    });
  });

  it('a later assessment replaces the earlier one', async () => {
    const t = await attended();
    await h.ok('POST', `/trainings/${t.id}/assessment`, {
      version: 3,
      tested: 20,
      averagePre: 50,
      averagePost: 70,
      improved: 15,
    });
    const r = await h.ok('POST', `/trainings/${t.id}/assessment`, {
      version: 4,
      tested: 21,
      averagePre: 50,
      averagePost: 70,
      improved: 14,
    });
    expect(r.assessment).toMatchObject({ tested: 21, improved: 14, improvedPercent: 66.7 });
  });

  it('may come before attendance; attendance corrected below the number tested is kept, with a warning', async () => {
    const t = await h.held();
    await h.ok('POST', `/trainings/${t.id}/assessment`, {
      version: 2,
      tested: 10,
      averagePre: 40,
      averagePost: 60,
      improved: 8,
    });
    const r = await h.ok('POST', `/trainings/${t.id}/attendance`, {
      version: 3,
      rows: [{ sex: 'female', category: 'student', count: 9 }],
    });
    expect(r.warnings).toEqual([expect.stringContaining('10 participants tested')]);
  });
});

describe('assessment rules: a clear problem, and nothing written or published', () => {
  it('improved cannot exceed tested, nor tested the attendance', async () => {
    const t = await attended();
    await refused(
      t.id,
      { version: 3, tested: 10, averagePre: 40, averagePost: 60, improved: 11 },
      422,
      'IMPROVED_ABOVE_TESTED',
    );
    await refused(
      t.id,
      { version: 3, tested: 23, averagePre: 40, averagePost: 60, improved: 11 },
      422,
      'TESTED_ABOVE_ATTENDANCE',
    );
  });

  it.each([
    ['a score above 100', { tested: 10, averagePre: 40, averagePost: 101, improved: 5 }],
    ['a negative count', { tested: 10, averagePre: 40, averagePost: 60, improved: -1 }],
    ['nobody tested', { tested: 0, averagePre: 40, averagePost: 60, improved: 0 }],
    ['a fractional count', { tested: 9.5, averagePre: 40, averagePost: 60, improved: 5 }],
  ])('refuses %s with a 400', async (_name, body) => {
    const t = await attended();
    await refused(t.id, { version: 3, ...body }, 400, 'VALIDATION_FAILED');
  });

  it('only a held training, on its current version, in a country of the token', async () => {
    const planned = await h.plan();
    const body = { tested: 5, averagePre: 40, averagePost: 60, improved: 5 };
    await refused(planned.id, { version: 1, ...body }, 422, 'NOT_HELD');
    await h.ok('POST', `/trainings/${planned.id}/cancel`, { version: 1, reason: 'postponed' });
    await refused(planned.id, { version: 2, ...body }, 422, 'TRAINING_CANCELLED');
    const t = await attended();
    await refused(t.id, { version: 2, ...body }, 409, 'VERSION_CONFLICT');
    await refused(t.id, { version: 3, ...body }, 403, 'FORBIDDEN', await testToken(['trainings:write'], ['EG']));
  });
});
