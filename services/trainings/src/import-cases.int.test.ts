import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHEET_TYPES, writeXlsx } from '@passerelle/sheets';
import { loadWorkbook, workbookWith, zerosEntry } from '@passerelle/sheets/testing';
import { startHarness, type Harness } from './testing/harness.js';

// The cases of issue 18 (imports), each with a real file built here, against the real service.
let h: Harness;
beforeAll(async () => {
  h = await startHarness('trainings_import_cases');
});
afterAll(() => h?.stop());

const XLSX = { 'content-type': SHEET_TYPES.xlsx };
const latin1 = (s: string) => Buffer.from(s, 'latin1'); // é, è, â… are the same bytes in Windows-1252

describe('CSV encodings', () => {
  // French Excel's "CSV (séparateur: point-virgule)": Windows-1252, accented headers and values.
  const cp1252 = latin1(
    "Sexe;Catégorie;Tranche d'âge;Institution;Nombre\r\nFemme;Fonctionnaire;18-59;Ministère de la Justice;4\r\nHomme;Société civile;;;2\r\n",
  );

  it('reads a Windows-1252 file: accented headers are found and values stored as written', async () => {
    expect(cp1252.includes(0xe9)).toBe(true);
    const t = await h.held();
    const r = await h.call('POST', `/trainings/${t.id}/attendance/import?version=2`, cp1252, {
      headers: { 'content-type': SHEET_TYPES.csv },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.attendance.rows).toEqual([
      {
        sex: 'female',
        category: 'government_official',
        ageGroup: '18-59',
        institution: 'Ministère de la Justice',
        count: 4,
      },
      { sex: 'male', category: 'cso_staff', count: 2 },
    ]);
    await h.settled();
    expect(JSON.stringify((await h.streamEvents()).at(-1))).toContain('Ministère de la Justice');
  });

  it('honours a charset parameter, and refuses an unknown one or one the bytes contradict', async () => {
    const t = await h.held();
    const ok = await h.call('POST', `/trainings/${t.id}/attendance/import?version=2`, cp1252, {
      headers: { 'content-type': `${SHEET_TYPES.csv}; charset=windows-1252` },
    });
    expect(ok.body.attendance.rows[0].institution).toBe('Ministère de la Justice');
    const unknown = await h.call('POST', `/trainings/${t.id}/attendance/import?version=3`, cp1252, {
      headers: { 'content-type': `${SHEET_TYPES.csv}; charset=x-klingon` },
    });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'UNKNOWN_CHARSET']);
    const wrong = await h.call('POST', `/trainings/${t.id}/attendance/import?version=3`, cp1252, {
      headers: { 'content-type': `${SHEET_TYPES.csv}; charset=utf-8` },
    });
    expect([wrong.status, wrong.body.code]).toEqual([400, 'BAD_ENCODING']);
  });
});

describe('title rows above the header', () => {
  it('CSV and XLSX: the header is found, and errors give the row a person sees', async () => {
    const t = await h.held();
    const csv =
      'Atelier de Rabat — liste de présence;;\r\nDate : 10/02/2020;;\r\n;;\r\nSexe;Catégorie;Nombre\r\nF;Police;3\r\nZ;Police;2\r\n';
    const bad = await h.call('POST', `/trainings/${t.id}/attendance/import?version=2`, csv, {
      headers: { 'content-type': SHEET_TYPES.csv },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([
      { row: 6, column: 'sexe', message: expect.stringContaining('"Z" is not a known sex') },
    ]);
    const book = await writeXlsx(
      'Présence',
      ['Sexe', 'Catégorie', 'Nombre'],
      [
        ['Femme', 'Police', 3],
        ['Homme', 'Magistrat', 2],
      ],
      [['Formation EAS — Rabat'], []],
    );
    const r = await h.call('POST', `/trainings/${t.id}/attendance/import?version=2`, book, { headers: XLSX });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.attendance.total).toBe(5);
  });
});

describe('labels in French and English from the catalogue', () => {
  it('reads English and French labels alike, and lists what is accepted', async () => {
    const t = await h.held();
    const csv =
      'Sex,Category,Age group,Count\nFemale,Civil society staff,60 years and over,2\nHomme,Personnel de santé,18-59 ans,3\n';
    const r = await h.call('POST', `/trainings/${t.id}/attendance/import?version=2`, csv, {
      headers: { 'content-type': SHEET_TYPES.csv },
    });
    expect(r.body.attendance.rows).toEqual([
      { sex: 'female', category: 'cso_staff', ageGroup: '60+', count: 2 },
      { sex: 'male', category: 'health_staff', ageGroup: '18-59', count: 3 },
    ]);
    const bad = await h.call(
      'POST',
      `/trainings/${t.id}/attendance/import?version=3`,
      'Sex,Category,Count\nFemale,Pompier,1\n',
      { headers: { 'content-type': SHEET_TYPES.csv } },
    );
    expect(bad.body.errors[0].message).toContain('police (Police)');
  });
});

describe('limits, before the workbook is parsed', () => {
  it('a 444 KB workbook carrying a 450 MB entry: 413 in well under a second, health answers meanwhile, nothing written', async () => {
    const t = await h.held();
    const valid = await writeXlsx('Attendance', ['Sex', 'Category', 'Count'], [['F', 'Police', 3]]);
    const bomb = await workbookWith(valid, await zerosEntry('xl/media/image1.bin', 450_000_000));
    expect(bomb.length).toBeLessThan(600_000);
    const count = await h.settled();
    const rss = process.memoryUsage().rss;
    const started = performance.now();
    const uploads = Array.from({ length: 4 }, () =>
      h.call('POST', `/trainings/${t.id}/attendance/import?version=2`, bomb, { headers: XLSX }),
    );
    const live = await fetch(`${h.svc.url}/health/live`);
    const liveAfter = performance.now() - started;
    const replies = await Promise.all(uploads);
    const elapsed = performance.now() - started;
    expect(replies.map((r) => [r.status, r.body.code])).toEqual(Array(4).fill([413, 'SHEET_TOO_LARGE']));
    expect(replies[0]!.type).toContain('application/problem+json');
    expect(live.status).toBe(200);
    expect(liveAfter).toBeLessThan(1000);
    expect(elapsed).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(100_000_000); // was 2.8 GB for four uploads
    expect((await h.call('GET', `/trainings/${t.id}`)).body.version).toBe(2);
    expect(await h.settled()).toBe(count);
  });
});

describe('limits when the zip directory lies', () => {
  it('a part declared at 1 KB that inflates to 450 MB: 422 as soon as it passes 1 KB, memory flat', async () => {
    const t = await h.held();
    const valid = await writeXlsx('Attendance', ['Sex', 'Category', 'Count'], [['F', 'Police', 3]]);
    const liar = await workbookWith(valid, { ...(await zerosEntry('xl/media/image1.bin', 450_000_000)), size: 1000 });
    const rss = process.memoryUsage().rss;
    const started = performance.now();
    const replies = await Promise.all(
      Array.from({ length: 4 }, () =>
        h.call('POST', `/trainings/${t.id}/attendance/import?version=2`, liar, { headers: XLSX }),
      ),
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(replies.map((r) => [r.status, r.body.code])).toEqual(Array(4).fill([422, 'SHEET_INVALID']));
    expect(replies[0]!.body.detail).toContain('larger than the zip directory says');
    // The service runs in this process: four checks of a 450 MB part must not have cost anything like 450 MB.
    expect(process.memoryUsage().rss - rss).toBeLessThan(100_000_000);
  });
});

describe('the attendance template', () => {
  it('XLSX in French: headers, drop-downs of catalogue labels, instructions; filled in, it imports', async () => {
    const res = await fetch(`${h.svc.url}/trainings/attendance/template?format=xlsx&lang=fr`, {
      headers: { authorization: `Bearer ${h.tokens.reader}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(SHEET_TYPES.xlsx);
    expect(res.headers.get('content-disposition')).toContain('attendance-template-fr.xlsx');
    const book = await loadWorkbook(await res.arrayBuffer());
    const data = book.getWorksheet('Présence')!;
    expect(data.getRow(1).values).toEqual([undefined, 'Sexe', 'Catégorie', "Tranche d'âge", 'Institution', 'Nombre']);
    const lists = book.getWorksheet('Listes')!;
    const dv = data.getCell('A2').dataValidation;
    expect(dv).toMatchObject({ type: 'list', formulae: ["'Listes'!$A$1:$A$3"] });
    expect([1, 2, 3].map((r) => lists.getCell(r, 1).value)).toEqual(['Femme', 'Homme', 'Autre / non précisé']);
    expect(data.getCell('B2').dataValidation).toMatchObject({ type: 'list' });
    expect(lists.getCell(2, 2).value).toBe('Police');
    expect(data.getCell('E2').dataValidation).toBeUndefined();
    const help = book.getWorksheet('Instructions')!;
    expect(help.getCell('A1').value).toBe("Liste de présence d'une formation");
    // Fill it the way a person would, with the drop-down labels.
    data.addRow(['Femme', 'Police', '18-59 ans', 'DGSN', 4]);
    data.addRow(['Autre / non précisé', 'Travailleur social', '', '', 1]);
    const t = await h.held();
    const r = await h.call(
      'POST',
      `/trainings/${t.id}/attendance/import?version=2`,
      Buffer.from(await book.xlsx.writeBuffer()),
      { headers: XLSX },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.attendance.rows).toEqual([
      { sex: 'female', category: 'police', ageGroup: '18-59', institution: 'DGSN', count: 4 },
      { sex: 'other', category: 'social_worker', count: 1 },
    ]);
  });

  it('CSV in English (comma) and French (semicolon), UTF-8 with a BOM; a filled CSV imports', async () => {
    const get = (q: string) =>
      fetch(`${h.svc.url}/trainings/attendance/template?${q}`, {
        headers: { authorization: `Bearer ${h.tokens.reader}` },
      });
    const en = Buffer.from(await (await get('format=csv&lang=en')).arrayBuffer());
    expect(en.toString('utf8')).toBe('\uFEFFSex,Category,Age group,Institution,Count\r\n');
    const fr = Buffer.from(await (await get('format=csv&lang=fr')).arrayBuffer());
    expect(fr.toString('utf8')).toBe("\uFEFFSexe;Catégorie;Tranche d'âge;Institution;Nombre\r\n");
    const t = await h.held();
    const filled = Buffer.concat([fr, Buffer.from('Homme;Juge;;;2\r\n')]);
    const r = await h.call('POST', `/trainings/${t.id}/attendance/import?version=2`, filled, {
      headers: { 'content-type': SHEET_TYPES.csv },
    });
    expect(r.body.attendance?.rows).toEqual([{ sex: 'male', category: 'judiciary', count: 2 }]);
    expect((await get('format=pdf')).status).toBe(400);
    expect((await fetch(`${h.svc.url}/trainings/attendance/template`)).status).toBe(401);
  });
});
