import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SHEET_LIMITS, readTable, SHEET_TYPES, SheetError, writeTemplate, writeXlsx } from './index.js';
import { entryOf, unzipEntries, workbookWith, zerosEntry, zipArchive } from './testing.js';

const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SheetError);
  return e as SheetError;
};

describe('XLSX limits, checked before the workbook is parsed', () => {
  it('refuses a 450 MB entry from the zip directory, in milliseconds', async () => {
    const bomb = await workbookWith(
      await writeXlsx('S', ['Sex'], [['F']]),
      await zerosEntry('xl/media/bomb.bin', 450_000_000),
    );
    expect(bomb.length).toBeLessThan(600_000);
    const started = performance.now();
    const e = await refusal(readTable(bomb, SHEET_TYPES.xlsx));
    expect(performance.now() - started).toBeLessThan(100);
    expect([e.status, e.code]).toEqual([413, 'SHEET_TOO_LARGE']);
  });

  it('refuses an absurd compression ratio, a directory that lies about a size, and too many entries', async () => {
    const book = await writeXlsx('S', ['Sex'], [['F']]);
    const ratio = await refusal(
      readTable(await workbookWith(book, await zerosEntry('xl/media/z.bin', 5_000_000)), SHEET_TYPES.xlsx),
    );
    expect([ratio.status, ratio.code]).toEqual([422, 'SHEET_INVALID']);
    // The directory says 1 KB, the entry inflates to 2 MB: caught while inflating, never trusted.
    const lie = { ...(await zerosEntry('xl/media/z.bin', 2_000_000)), size: 1000 };
    const liar = await refusal(readTable(await workbookWith(book, lie), SHEET_TYPES.xlsx));
    expect([liar.status, liar.message]).toEqual([422, expect.stringContaining('larger than the zip directory says')]);
    const many = await Promise.all(Array.from({ length: 30 }, (_, i) => entryOf(`x/${i}.xml`, Buffer.from('<a/>'))));
    const crowd = await refusal(readTable(zipArchive(many), SHEET_TYPES.xlsx, { limits: { maxEntries: 20 } }));
    expect(crowd.status).toBe(413);
  });

  it("counts a worksheet's rows before parsing it, and a CSV's lines", async () => {
    const book = await writeXlsx(
      'S',
      ['Sex', 'Count'],
      Array.from({ length: 60 }, () => ['F', 1]),
    );
    expect((await refusal(readTable(book, SHEET_TYPES.xlsx, { limits: { maxRows: 30 } }))).status).toBe(413);
    expect((await readTable(book, SHEET_TYPES.xlsx, { limits: { maxRows: 60 } })).rows).toHaveLength(60);
    const csv = Buffer.from(`Sex,Count\n${'F,1\n'.repeat(60)}`);
    expect((await refusal(readTable(csv, SHEET_TYPES.csv, { limits: { maxRows: 30 } }))).code).toBe('SHEET_TOO_LARGE');
    expect(DEFAULT_SHEET_LIMITS.maxRows).toBe(20_000);
  });

  it('still reads a workbook re-zipped by hand (the fixtures are real zips)', async () => {
    const book = await writeXlsx('S', ['Sex', 'Count'], [['F', 3]]);
    const again = zipArchive(await Promise.all(unzipEntries(book).map((e) => entryOf(e.name, e.data))));
    expect((await readTable(again, SHEET_TYPES.xlsx)).rows).toEqual([{ row: 2, values: { sex: 'F', count: '3' } }]);
  });
});

describe('CSV encodings', () => {
  // "Catégorie;Ministère" as French Excel saves "CSV (séparateur: point-virgule)": Windows-1252, é = 0xE9, è = 0xE8.
  const cp1252 = Buffer.from([
    ...Buffer.from('Cat'),
    0xe9,
    ...Buffer.from('gorie;Nombre\r\nMinist'),
    0xe8,
    ...Buffer.from('re;3\r\n'),
  ]);

  it('detects Windows-1252 when the bytes are not UTF-8', async () => {
    const t = await readTable(cp1252, SHEET_TYPES.csv);
    expect(t).toEqual({
      headerRow: 1,
      encoding: 'windows-1252',
      rows: [{ row: 2, values: { categorie: 'Ministère', nombre: '3' } }],
    });
  });

  it('honours a charset parameter, refuses an unknown one, and one the bytes contradict', async () => {
    expect((await readTable(cp1252, `${SHEET_TYPES.csv}; charset=windows-1252`)).rows[0]!.values.categorie).toBe(
      'Ministère',
    );
    expect((await readTable(cp1252, `${SHEET_TYPES.csv}; charset="ISO-8859-1"`)).rows[0]!.values.categorie).toBe(
      'Ministère',
    );
    expect((await refusal(readTable(cp1252, `${SHEET_TYPES.csv}; charset=klingon`))).code).toBe('UNKNOWN_CHARSET');
    expect((await refusal(readTable(cp1252, `${SHEET_TYPES.csv}; charset=utf-8`))).code).toBe('BAD_ENCODING');
  });

  it('a BOM wins: UTF-8 and UTF-16 LE', async () => {
    const text = 'Catégorie;Nombre\nMinistère;3\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect((await readTable(utf16, `${SHEET_TYPES.csv}; charset=windows-1252`)).rows[0]!.values.categorie).toBe(
      'Ministère',
    );
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(await readTable(utf8, SHEET_TYPES.csv)).toMatchObject({
      encoding: 'utf-8',
      rows: [{ values: { categorie: 'Ministère' } }],
    });
  });
});

describe('the header row below title rows', () => {
  const known = ['sexe', 'categorie', 'nombre'];
  it('CSV: skips a title and a blank line; rows keep the numbers a person sees', async () => {
    const csv = 'Liste de présence, formation du 12/03/2020;;\n;;\nSexe;Catégorie;Nombre\nF;Police;3\n\nM;Police;1,5\n';
    const t = await readTable(Buffer.from(csv), SHEET_TYPES.csv, { headers: known });
    expect(t).toMatchObject({
      headerRow: 3,
      rows: [
        { row: 4, values: { sexe: 'F', nombre: '3' } },
        { row: 6, values: { nombre: '1,5' } },
      ],
    });
  });
  it('XLSX: a title and a date above the header', async () => {
    const book = await writeXlsx(
      'S',
      ['Sexe', 'Catégorie', 'Nombre'],
      [['F', 'Police', 3]],
      [['Atelier de Rabat'], ['Date : 12/03/2020'], []],
    );
    expect(await readTable(book, SHEET_TYPES.xlsx, { headers: known })).toEqual({
      headerRow: 4,
      rows: [{ row: 5, values: { sexe: 'F', categorie: 'Police', nombre: '3' } }],
    });
  });
});

describe('templates', () => {
  const spec = {
    title: { fr: 'Liste', en: 'List' },
    sheet: { fr: 'Présence', en: 'Attendance' },
    notes: [{ fr: 'Une ligne par groupe.', en: 'One row per group.' }],
    columns: [
      {
        header: { fr: 'Sexe', en: 'Sex' },
        help: { fr: 'Le sexe.', en: 'The sex.' },
        required: true,
        choices: { fr: ['Femme', 'Homme, autre'], en: ['Female', 'Male'] },
      },
      { header: { fr: 'Nombre', en: 'Count' }, help: { fr: 'Combien.', en: 'How many.' }, required: true },
    ],
  };
  it('XLSX: headers in the language, drop-downs from a hidden list sheet, instructions', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await writeTemplate(spec, 'xlsx', 'fr')) as unknown as ArrayBuffer);
    const [data, help, lists] = book.worksheets;
    expect(data!.getRow(1).values).toEqual([undefined, 'Sexe', 'Nombre']);
    expect(data!.rowCount).toBe(1); // drop-downs cover rows 2… as ranges, not as empty rows the row limit would count
    expect(data!.getCell('A2').dataValidation).toMatchObject({ type: 'list', formulae: ["'Listes'!$A$1:$A$2"] });
    expect(data!.getCell('B2').dataValidation).toBeUndefined();
    expect([lists!.state, lists!.getCell('A2').value]).toEqual(['hidden', 'Homme, autre']);
    expect(help!.getCell('A2').value).toBe('Une ligne par groupe.');
  });
  it('CSV: UTF-8 with a BOM, ; in French and , in English', async () => {
    expect((await writeTemplate(spec, 'csv', 'fr')).toString('utf8')).toBe('\uFEFFSexe;Nombre\r\n');
    expect((await writeTemplate(spec, 'csv', 'en')).toString('utf8')).toBe('\uFEFFSex,Count\r\n');
  });
});
