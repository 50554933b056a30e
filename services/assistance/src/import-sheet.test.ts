import { describe, expect, it } from 'vitest';
import type { SheetRow } from '@passerelle/sheets';
import { readDistributionList } from './import-sheet.js';
import { createKeyMaker } from './keys.js';
import { readAgeGroup, readDate, readFlags, readKind, readNumber, readSex } from './sheet-values.js';

const keyOf = createKeyMaker('unit-test-secret-unit-test-secret-0123');
const base = {
  delivery_ref: 'D1',
  date: '2020-05-12',
  kind: 'food',
  context: 'covid19',
  partner_id: 'foo',
  country: 'MA',
  activity_line: '1.4',
  quantity: '2',
  unit: 'parcel',
};
const rows = (...values: Array<Record<string, string>>): SheetRow[] =>
  values.map((v, i) => ({ row: i + 2, values: v }));

describe('cell readers', () => {
  it('read French dates and numbers', () => {
    expect(readDate('05/03/2020')).toEqual({ ok: true, value: '2020-03-05' });
    expect(readDate('31/02/2020').ok).toBe(false);
    expect(readNumber('1 200,5')).toEqual({ ok: true, value: 1200.5 });
    expect(readNumber('1,5', { integer: true }).ok).toBe(false);
  });

  it('read labels in French and English through the catalogue', () => {
    expect(readKind('Alimentaire')).toEqual({ ok: true, value: 'food' });
    expect(readKind('Hygiene and dignity kit')).toEqual({ ok: true, value: 'hygiene_dignity_kit' });
    expect(readSex('Femme')).toEqual({ ok: true, value: 'female' });
    expect(readSex('H')).toEqual({ ok: true, value: 'male' });
    expect(readAgeGroup('60 ans et plus')).toEqual({ ok: true, value: '60+' });
    expect(readFlags('Victime de la traite | ENA')).toEqual({
      ok: true,
      value: ['victim_of_trafficking', 'unaccompanied_separated_child'],
    });
    expect(readKind('blankets')).toMatchObject({
      ok: false,
      message: expect.stringContaining('food (Alimentaire, Food)'),
    });
  });

  it('read flags with separators and aliases, empty as none', () => {
    expect(readFlags('VoT | uasc')).toEqual({
      ok: true,
      value: ['victim_of_trafficking', 'unaccompanied_separated_child'],
    });
    expect(readFlags('')).toEqual({ ok: true, value: ['none'] });
    expect(readFlags('none+disability').ok).toBe(false);
    expect(readFlags('tall').ok).toBe(false);
  });
});

describe('distribution lists', () => {
  it('group rows into deliveries and hash references', () => {
    const { deliveries, errors } = readDistributionList(
      rows(
        { ...base, case_reference: 'R-1', sex: 'F', age_group: '18-59', age: '', flags: '' },
        { delivery_ref: 'D1', date: '', case_reference: 'R-2', sex: 'M', age_group: '', age: '9', flags: 'uasc' },
      ),
      keyOf,
      '2024-01-01',
    );
    expect(errors).toEqual([]);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.beneficiaries).toEqual({
      mode: 'keys',
      list: [
        { key: keyOf('R-1'), sex: 'female', ageGroup: '18-59', flags: ['none'] },
        { key: keyOf('R-2'), sex: 'male', ageGroup: '5-11', flags: ['unaccompanied_separated_child'] },
      ],
    });
  });

  it('report conflicting delivery values, mixed modes and bad cells with rows and columns, never the cell text', () => {
    const { deliveries, errors } = readDistributionList(
      rows(
        { ...base, case_reference: 'SECRET-REF-1', sex: 'F', age_group: '18-59' },
        { ...base, date: '2020-05-13', case_reference: '', count: '3', sex: 'SECRET-REF-2', age_group: '18-59' },
      ),
      keyOf,
      '2024-01-01',
    );
    expect(deliveries).toEqual([]);
    expect(errors.map((e) => `${e.row}:${e.column}`)).toEqual(['3:date', '3:case_reference']);
    expect(JSON.stringify(errors)).not.toContain('SECRET-REF');
  });
});
