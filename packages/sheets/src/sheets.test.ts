import { describe, expect, it } from 'vitest';
import { parseCsv, readSheet, SHEET_TYPES, SheetError, writeXlsx } from './index.js';

describe('CSV', () => {
  it('reads quotes, escaped quotes, CRLF, a BOM and semicolons', () => {
    expect(parseCsv('\uFEFFa;b\r\n"x;1";"say ""hi"""\r\n')).toEqual([
      ['a', 'b'],
      ['x;1', 'say "hi"'],
    ]);
  });
  it('refuses an unterminated quote', () => {
    expect(() => parseCsv('a,b\n"x,1\n')).toThrow(SheetError);
  });
  it('numbers rows as the sheet shows them and skips blank lines', async () => {
    const rows = await readSheet(Buffer.from('Sexe / Sex,Count\nfemale,3\n,\nmale,4\n'), 'text/csv; charset=utf-8');
    expect(rows).toEqual([
      { row: 2, values: { sexe_sex: 'female', count: '3' } },
      { row: 4, values: { sexe_sex: 'male', count: '4' } },
    ]);
  });
});

describe('XLSX', () => {
  it('round-trips through a real workbook', async () => {
    const file = await writeXlsx(
      'Attendance',
      ['Sex', 'Category', 'Count'],
      [
        ['female', 'police', 12],
        ['male', 'police', 8],
      ],
    );
    const rows = await readSheet(file, SHEET_TYPES.xlsx);
    expect(rows).toEqual([
      { row: 2, values: { sex: 'female', category: 'police', count: '12' } },
      { row: 3, values: { sex: 'male', category: 'police', count: '8' } },
    ]);
  });
  it('says so when the file is not a workbook', async () => {
    await expect(readSheet(Buffer.from('not a zip'), SHEET_TYPES.xlsx)).rejects.toThrow(SheetError);
  });
});
