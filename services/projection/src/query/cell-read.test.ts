import { describe, expect, it } from 'vitest';
import { cellQuery } from './cell-read.js';

describe('a facts condition as a cells query', () => {
  it('picks cells by kind, country and month, and tests dimensions and days per row', () => {
    const q = cellQuery({
      kind: 'training_attendance',
      country: { $in: ['MA'] },
      sex: 'female',
      businessDate: { $gte: '2020-03-15', $lte: '2021-03-14' },
    })!;
    expect(q.cells).toEqual({
      kind: 'training_attendance',
      country: { $in: ['MA'] },
      month: { $gte: '2020-03', $lte: '2021-03' },
    });
    const ids = [
      'MA|training_attendance|2020-02|0',
      'MA|training_attendance|2020-03|0',
      'MA|training_attendance|2020-03|5',
      'MA|training_attendance|2021-03|2',
    ];
    expect(ids.filter(q.wants)).toEqual(ids.slice(1));
    expect(q.wants('TN|training_attendance|2020-06|0')).toBe(false);
    expect(q.wants('MA|assistance_beneficiaries|2020-06|0')).toBe(false);
    expect(q.wants('MA|training_attendance|2020-06')).toBe(false);
    expect(q.wants('not a cell id')).toBe(false);
    const day = { sex: 'female', businessDate: '2020-03-15' };
    expect([q.rows(day), q.rows({ ...day, sex: 'male' }), q.rows({ businessDate: '2020-03-15' })]).toEqual([
      true,
      false,
      false,
    ]);
    expect(q.rows({ ...day, businessDate: '2020-03-14' })).toBe(false);
    expect(q.rows({ ...day, businessDate: '2021-03-15' })).toBe(false);
  });

  it('matches a list when one of its values does, as the server would', () => {
    const q = cellQuery({
      kind: 'training_attendance',
      topic: { $in: ['a', 'b'] },
      vulnerability: { $exists: false },
    })!;
    expect(q.rows({ topic: ['c', 'b'] })).toBe(true);
    expect(q.rows({ topic: ['c'] })).toBe(false);
    expect(q.rows({ topic: ['a'], vulnerability: [] })).toBe(false);
    expect(cellQuery({ kind: 'training_attendance', topic: { $ne: 'a' } })).toBeUndefined();
  });

  it('tests row fields (a training, a key) per row', () => {
    const q = cellQuery({ kind: { $in: ['assistance_beneficiaries'] }, key: { $exists: true }, deliveryId: 'd1' })!;
    expect(q.cells).toEqual({ kind: { $in: ['assistance_beneficiaries'] } });
    expect(q.wants('SN|assistance_beneficiaries|2019-12|3')).toBe(true);
    expect(q.rows({ key: 'k', deliveryId: 'd1' })).toBe(true);
    expect(q.rows({ deliveryId: 'd1' })).toBe(false);
    expect(q.rows({ key: 'k', deliveryId: 'd2' })).toBe(false);
  });

  it('leaves to facts what cells do not hold: reference kinds, other fields, unknown operators', () => {
    expect(cellQuery({ kind: 'framework', frameworkId: 'ARMP-MA' })).toBeUndefined();
    expect(cellQuery({ kind: { $in: ['training_attendance', 'target'] } })).toBeUndefined();
    expect(cellQuery({ kind: 'training_attendance', value: 1 })).toBeUndefined();
    expect(cellQuery({ kind: 'training_attendance', businessDate: { $regex: '^2020' } })).toBeUndefined();
    expect(cellQuery({ country: 'MA' })).toBeUndefined();
  });
});
