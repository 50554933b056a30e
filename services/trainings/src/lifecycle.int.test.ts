import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testToken } from '@passerelle/testkit';
import { startHarness, yearsFromNow, type Harness } from './testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('trainings_lifecycle');
});
afterAll(() => h?.stop());

/** Sends a command that must be refused; checks the problem, and that the training and the stream did not change. */
async function refused(id: string, action: string, body: unknown, status: number, code: string, token?: string) {
  const before = await h.call('GET', `/trainings/${id}`);
  const count = await h.settled();
  const r = await h.call('POST', `/trainings/${id}/${action}`, body, token ? { token } : {});
  expect(r.status).toBe(status);
  expect(r.type).toContain('application/problem+json');
  expect(r.body.code).toBe(code);
  expect((await h.call('GET', `/trainings/${id}`)).body).toEqual(before.body);
  expect(await h.settled()).toBe(count);
  return r.body;
}

describe('rescheduling', () => {
  it('gives a planned training new dates and says which dates it had', async () => {
    const t = await h.plan();
    const r = await h.call('POST', `/trainings/${t.id}/reschedule`, {
      version: 1,
      startDate: '2020-03-02',
      endDate: '2020-03-04',
      reason: 'venue unavailable',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'planned',
      startDate: '2020-03-02',
      endDate: '2020-03-04',
      durationDays: 3,
      version: 2,
    });
    await h.settled();
    const e = (await h.streamEvents()).at(-1)!;
    expect(e.type).toBe('trainings.training.rescheduled');
    expect(e.data).toEqual({
      trainingId: t.id,
      businessDate: '2020-03-02',
      startDate: '2020-03-02',
      endDate: '2020-03-04',
      durationDays: 3,
      previousStartDate: '2020-02-10',
      previousEndDate: '2020-02-11',
      reason: 'venue unavailable',
    });
  });

  it.each([
    ['end before start', { startDate: '2020-03-02', endDate: '2020-03-01' }, 422, 'END_BEFORE_START'],
    ['far in the future', { startDate: yearsFromNow(5), endDate: yearsFromNow(5) }, 422, 'DATE_TOO_FAR'],
    ['the same dates', { startDate: '2020-02-10', endDate: '2020-02-11' }, 422, 'SAME_DATES'],
    ['no dates', {}, 400, 'VALIDATION_FAILED'],
  ])('refuses %s', async (_name, dates, status, code) => {
    const t = await h.plan();
    await refused(t.id, 'reschedule', { version: 1, ...dates }, status, code);
  });

  it('refuses a held or cancelled training', async () => {
    const held = await h.held();
    await refused(
      held.id,
      'reschedule',
      { version: 2, startDate: '2020-04-01', endDate: '2020-04-01' },
      422,
      'NOT_PLANNED',
    );
    const t = await h.plan();
    await h.ok('POST', `/trainings/${t.id}/cancel`, { version: 1, reason: 'trainer ill' });
    await refused(
      t.id,
      'reschedule',
      { version: 2, startDate: '2020-04-01', endDate: '2020-04-01' },
      422,
      'NOT_PLANNED',
    );
  });
});

describe('cancelling', () => {
  it('cancels a planned training with its reason', async () => {
    const t = await h.plan();
    const r = await h.call('POST', `/trainings/${t.id}/cancel`, {
      version: 1,
      reason: 'security situation in the region',
    });
    expect(r.body).toMatchObject({
      status: 'cancelled',
      cancellationReason: 'security situation in the region',
      version: 2,
    });
    await h.settled();
    const e = (await h.streamEvents()).at(-1)!;
    expect(e).toMatchObject({
      type: 'trainings.training.cancelled',
      data: { trainingId: t.id, businessDate: '2020-02-10', reason: 'security situation in the region' },
    });
  });

  it('needs a reason, and only a planned training can be cancelled', async () => {
    const t = await h.plan();
    await refused(t.id, 'cancel', { version: 1 }, 400, 'VALIDATION_FAILED');
    await refused(t.id, 'cancel', { version: 1, reason: '   ' }, 400, 'VALIDATION_FAILED');
    const held = await h.held();
    await refused(held.id, 'cancel', { version: 2, reason: 'too late' }, 422, 'NOT_PLANNED');
  });
});

describe('marking held', () => {
  it('publishes trainings.training.held with what reports group by', async () => {
    const t = await h.plan({ partnerIds: ['partner-onde'] });
    const r = await h.call('POST', `/trainings/${t.id}/held`, { version: 1 });
    expect(r.body).toMatchObject({ status: 'held', version: 2 });
    await h.settled();
    expect((await h.streamEvents()).at(-1)).toMatchObject({
      type: 'trainings.training.held',
      data: {
        trainingId: t.id,
        businessDate: '2020-02-10',
        durationDays: 2,
        topics: ['sexual_exploitation_abuse'],
        activityLine: '1.1',
        region: 'Rabat-Salé-Kénitra',
        partnerIds: ['partner-onde'],
      },
    });
  });

  it('refuses a training that has not started yet, or is already held or cancelled', async () => {
    const future = await h.plan({ startDate: yearsFromNow(1), endDate: yearsFromNow(1) });
    await refused(future.id, 'held', { version: 1 }, 422, 'NOT_YET_STARTED');
    const held = await h.held();
    await refused(held.id, 'held', { version: 2 }, 422, 'NOT_PLANNED');
  });
});

describe('every command: concurrency, country and existence', () => {
  const commands: Array<[string, Record<string, unknown>]> = [
    ['reschedule', { startDate: '2020-05-04', endDate: '2020-05-05' }],
    ['cancel', { reason: 'postponed sine die' }],
    ['held', {}],
  ];

  it.each(commands)('%s: two editors with the same version, the second gets a 409', async (action, body) => {
    const t = await h.plan();
    await h.ok('POST', `/trainings/${t.id}/reschedule`, { version: 1, startDate: '2020-06-01', endDate: '2020-06-02' });
    const stale = await refused(t.id, action, { version: 1, ...body }, 409, 'VERSION_CONFLICT');
    expect(stale.currentVersion).toBe(2);
  });

  it.each(commands)('%s: a token for another country gets a 403', async (action, body) => {
    const t = await h.plan();
    await refused(
      t.id,
      action,
      { version: 1, ...body },
      403,
      'FORBIDDEN',
      await testToken(['trainings:write', 'trainings:read'], ['TN']),
    );
  });

  it.each(commands)('%s: an unknown training is a 404', async (action, body) => {
    const r = await h.call('POST', `/trainings/00000000-0000-4000-8000-000000000000/${action}`, {
      version: 1,
      ...body,
    });
    expect(r.status).toBe(404);
  });
});
