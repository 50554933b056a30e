import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parseCsv } from './csv.js';
import { ColumnKind, writeCsv, writeTableXlsx, type TableExport } from './write.js';

const table: TableExport = {
  sheet: 'Indicateurs',
  columns: [
    { header: 'Région' },
    { header: 'Participants', kind: ColumnKind.Integer },
    { header: '% de la cible', kind: ColumnKind.Percent },
    { header: 'Moyenne', kind: ColumnKind.Decimal },
  ],
  rows: [
    ["Thies;=cmd|' /C calc'!A0", 1200, 119, 2.5],
    ['=HYPERLINK("http://x")', 3, null, 1],
    ['Tanger-Tétouan-Al Hoceïma, "nord"', '<5', 62.5, null],
    ['Souss-Massa\nSud', 1, 1, 1],
  ],
  notes: ['Période PY1', '=1+1 must stay text'],
  notesSheet: 'Notes et sources',
};

describe('exports people can use as they are', () => {
  it('writes an XLSX with a bold frozen header, an autofilter, fitted widths, number and percent formats, print setup and a notes sheet', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await writeTableXlsx(table)) as unknown as ArrayBuffer);
    const [sheet, notes] = book.worksheets;
    expect(sheet!.name).toBe('Indicateurs');
    expect(sheet!.getRow(1).font?.bold).toBe(true);
    expect(sheet!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet!.autoFilter).toBeTruthy();
    expect(sheet!.getColumn(1).width).toBeGreaterThanOrEqual('Tanger-Tétouan-Al Hoceïma, "nord"'.length);
    expect(sheet!.getColumn(2).width).toBeLessThan(20);
    expect(sheet!.getCell('B2').value).toBe(1200);
    expect(sheet!.getCell('B2').numFmt).toBe('#,##0');
    expect(sheet!.getCell('C2').value).toBeCloseTo(1.19);
    expect(sheet!.getCell('C2').numFmt).toBe('0.0%');
    expect(sheet!.getCell('A3').value).toBe('\'=HYPERLINK("http://x")');
    expect(sheet!.pageSetup).toMatchObject({
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
    });
    // Notes are not in the table: a filter or a sort over the data never mixes them in.
    expect(sheet!.rowCount).toBe(5);
    expect(notes!.name).toBe('Notes et sources');
    expect(notes!.getCell('A2').value).toBe("'=1+1 must stay text");
  });

  it('writes CSV for French Excel (;) and English (,), quoting every field that holds either separator, formulas neutralised', () => {
    for (const sep of [';', ','] as const) {
      const csv = writeCsv(table, sep).toString('utf8');
      expect(csv.startsWith('\uFEFF')).toBe(true);
      expect(csv).toContain('\r\n');
      const records = parseCsv(csv);
      expect(records[0]).toEqual(['Région', 'Participants', '% de la cible', 'Moyenne']);
      // One field, whatever separator a spreadsheet splits on: the ";=cmd" part never becomes a cell of its own.
      expect(records[1]![0]).toBe("Thies;=cmd|' /C calc'!A0");
      expect(csv).toContain('"Thies;=cmd|\' /C calc\'!A0"');
      expect(records[2]![0]).toBe('\'=HYPERLINK("http://x")');
      expect(records[3]![0]).toBe('Tanger-Tétouan-Al Hoceïma, "nord"');
      expect(records[1]!.slice(1)).toEqual(['1200', '119', '2.5']);
      // A line break inside a field (an address) keeps the field whole, even with CRLF between records.
      expect(records[4]![0]).toBe('Souss-Massa\nSud');
      expect(records.at(-1)).toEqual(["'=1+1 must stay text"]);
    }
  });
});
