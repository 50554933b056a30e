import { describe, expect, it } from 'vitest';
import { readSheet, SHEET_TYPES } from '@passerelle/sheets';
import { toCsv, toXlsx, type Table } from './tables.js';

const table: Table = {
  columns: ['partner', 'figure', 'hidden'],
  rows: [['Fondation "Orient, Occident"', 12, ''], ['Région Souss-Massa\nSud', '<5', 'yes'], ['=HYPERLINK("x")', null, 'yes']],
  notes: ['2 small cell(s) of sensitive groups hidden (threshold 5)'],
};

describe('tables', () => {
  it('writes RFC 4180 CSV with a UTF-8 BOM, CRLF lines, quoted fields, formulas defused and the notes last', () => {
    const csv = toCsv(table);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString('utf8').slice(1);
    expect(text.split('\r\n')).toEqual([
      'partner,figure,hidden',
      '"Fondation ""Orient, Occident""",12,',
      '"Région Souss-Massa\nSud",<5,yes',
      '"\'=HYPERLINK(""x"")",,yes',
      '',
      '2 small cell(s) of sensitive groups hidden (threshold 5)',
      '',
    ]);
  });
  it('reads back as the same rows through the sheet reader, accents and "<5" included', async () => {
    for (const [body, type] of [[toCsv(table), SHEET_TYPES.csv], [await toXlsx(table, 'report'), SHEET_TYPES.xlsx]] as const) {
      const rows = await readSheet(body, type);
      expect(rows[0]!.values).toEqual({ partner: 'Fondation "Orient, Occident"', figure: '12', hidden: '' });
      expect(rows[1]!.values).toMatchObject({ partner: 'Région Souss-Massa\nSud', figure: '<5' });
      expect(rows.at(-1)!.values.partner).toBe('2 small cell(s) of sensitive groups hidden (threshold 5)');
    }
  });
});
