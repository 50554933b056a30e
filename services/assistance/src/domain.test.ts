import { describe, expect, it } from 'vitest';
import type { AppError } from '@passerelle/platform';
import { correct, figuresOf, latestToday, record, voidDelivery, type DeliveryDetails } from './domain.js';

const ID = '0e0b8a5e-31a5-4c53-9d62-5b0c0a4d2b12';

const details: DeliveryDetails = {
  date: '2020-05-12',
  kind: 'food',
  context: 'covid19',
  partnerId: 'foo',
  place: { country: 'MA', region: 'Oriental' },
  activityLine: '1.4',
  quantity: 3,
  unit: 'parcel',
};
const key = (c: string) => c.repeat(64);
const ctx = { today: '2024-01-01' };
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error('not refused');
};

describe('figures', () => {
  it('list mode: rows derived per sex × age × flags, in a stable order, total = people', () => {
    const { figures, problems } = figuresOf({
      mode: 'keys',
      list: [
        { key: key('a'), sex: 'male', ageGroup: '18-59', flags: ['disability', 'victim_of_trafficking'] },
        { key: key('b'), sex: 'female', ageGroup: '18-59', flags: ['none'] },
        { key: key('c'), sex: 'male', ageGroup: '18-59', flags: ['victim_of_trafficking', 'disability'] },
      ],
    });
    expect(problems).toEqual([]);
    expect(figures.rows).toEqual([
      { sex: 'female', ageGroup: '18-59', flags: ['none'], count: 1 },
      { sex: 'male', ageGroup: '18-59', flags: ['victim_of_trafficking', 'disability'], count: 2 },
    ]);
    expect(figures.total).toBe(3);
  });

  it('counts mode: zero rows are dropped; duplicates and unaccompanied adults are problems with their position', () => {
    const { figures, problems } = figuresOf({
      mode: 'counts',
      rows: [
        { sex: 'male', ageGroup: '12-17', flags: ['unaccompanied_separated_child'], count: 2 },
        { sex: 'female', ageGroup: '18-59', flags: ['none'], count: 0 },
        { sex: 'female', ageGroup: '60+', flags: ['unaccompanied_separated_child'], count: 1 },
        { sex: 'male', ageGroup: '12-17', flags: ['unaccompanied_separated_child'], count: 1 },
      ],
    });
    expect(figures.rows).toHaveLength(3);
    expect(problems.map((p) => [p.code, p.index])).toEqual([
      ['INCONSISTENT_VULNERABILITY', 2],
      ['DUPLICATE_ROW', 3],
    ]);
  });
});

describe('commands', () => {
  it('record refuses a future date, cash without amount, nobody reached: every problem at once', () => {
    const e = refusal(() =>
      record(
        ID,
        { ...details, date: '2030-01-01', kind: 'cash_voucher' },
        { mode: 'counts', rows: [{ sex: 'male', ageGroup: '18-59', flags: ['none'], count: 0 }] },
        ctx,
      ),
    );
    expect(e.status).toBe(422);
    expect(e.code).toBe('FUTURE_DATE');
    expect((e.extras.errors as Array<{ code: string }>).map((x) => x.code)).toEqual([
      'FUTURE_DATE',
      'AMOUNT_REQUIRED',
      'NO_BENEFICIARIES',
    ]);
  });

  it('a delivery dated today anywhere on Earth is not in the future', () => {
    const now = Date.parse('2024-03-01T23:30:00Z');
    expect(latestToday(now)).toBe('2024-03-02');
  });

  it('correct keeps what is not given, replaces what is, and refuses voided deliveries, country moves and no-ops', () => {
    const { state } = record(
      ID,
      details,
      { mode: 'counts', rows: [{ sex: 'male', ageGroup: '18-59', flags: ['none'], count: 3 }] },
      ctx,
    );
    const c = correct(ID, state, { quantity: 4 }, undefined, 'typo', ctx);
    expect(c.state).toMatchObject({ quantity: 4, total: 3, corrections: 1 });
    expect(c.events[0]!.data).toMatchObject({
      quantity: 4,
      total: 3,
      previousTotal: 3,
      previousBusinessDate: '2020-05-12',
      reason: 'typo',
    });
    expect(refusal(() => correct(ID, state, { quantity: 3 }, undefined, undefined, ctx)).code).toBe('NOTHING_CHANGED');
    expect(refusal(() => correct(ID, state, { place: { country: 'TN' } }, undefined, undefined, ctx)).code).toBe(
      'COUNTRY_CHANGE',
    );
    const voided = voidDelivery(ID, state, 'error').state;
    expect(refusal(() => correct(ID, voided, { quantity: 4 }, undefined, undefined, ctx)).code).toBe('DELIVERY_VOIDED');
    expect(refusal(() => voidDelivery(ID, voided, 'again')).code).toBe('ALREADY_VOIDED');
  });
});
