import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHEET_TYPES, writeXlsx } from '@passerelle/sheets';
import { expectRefused, testToken } from '@passerelle/testkit';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('trainings_import');
});
afterAll(() => h?.stop());

const CSV = { 'content-type': `${SHEET_TYPES.csv}; charset=utf-8` };
const XLSX = { 'content-type': SHEET_TYPES.xlsx };

// A field team's sheet as exported by a French spreadsheet: semicolons, accents, words instead of codes, a notes column.
const goodCsv = [
  "Sexe;Catégorie;Tranche d'âge;Institution;Nombre;Remarques",
  'Femme;Police;18-59;DGSN;6;',
  'H;Policier;18-59;Gendarmerie Royale;7;arrivés le 2e jour',
  'F;Magistrat;;Tribunal de Rabat;4;',
  'M;Santé;60+;CHU Ibn Sina;2;',
  'Non précisé;Autre;;;1;',
].join('\r\n');

const badCsv = [
  'Sexe;Catégorie;Nombre',
  'Z;Police;3',
  'Femme;Police;-2',
  'Homme;Étudiant;3,5',
  'Femme;Pompier;',
  'Homme;Justice;5',
  'M;Juge;2',
].join('\n');

/** Imports a sheet that must be refused; checks the problem, and that the training and the stream are unchanged. */
const refused = (
  id: string,
  body: string | Buffer,
  headers: Record<string, string>,
  query: string,
  status: number,
  code: string,
  token?: string,
) =>
  expectRefused(
    () => h.call('POST', `/trainings/${id}/attendance/import${query}`, body, { headers, ...(token ? { token } : {}) }),
    { status, code },
    async () => (await h.call('GET', `/trainings/${id}`)).body,
    h.settled,
  );

describe('importing a CSV attendance sheet', () => {
  it('reads French headers and friendly values, ignores other columns, and records attendance', async () => {
    const t = await h.held();
    const r = await h.call('POST', `/trainings/${t.id}/attendance/import?version=2`, goodCsv, { headers: CSV });
    expect(r.status).toBe(200);
    expect(r.body.attendance).toEqual({
      total: 20,
      rows: [
        { sex: 'female', category: 'police', ageGroup: '18-59', institution: 'DGSN', count: 6 },
        { sex: 'male', category: 'police', ageGroup: '18-59', institution: 'Gendarmerie Royale', count: 7 },
        { sex: 'female', category: 'judiciary', institution: 'Tribunal de Rabat', count: 4 },
        { sex: 'male', category: 'health_staff', ageGroup: '60+', institution: 'CHU Ibn Sina', count: 2 },
        { sex: 'other', category: 'other', count: 1 },
      ],
    });
    expect(r.body.warnings).toEqual(['columns ignored (not part of attendance): remarques']);
    await h.settled();
    expect((await h.streamEvents()).at(-1)).toMatchObject({
      type: 'trainings.training.attendance_recorded',
      data: { trainingId: t.id, total: 20 },
    });
  });

  it('lists every row error at once, with row numbers, and imports nothing', async () => {
    const t = await h.held();
    const problem = await refused(t.id, badCsv, CSV, '?version=2', 422, 'IMPORT_INVALID');
    expect(problem.detail).toContain('6 error(s)');
    expect(problem.errors).toEqual([
      { row: 2, column: 'sexe', message: expect.stringContaining('"Z" is not a known sex') },
      { row: 3, column: 'nombre', message: expect.stringContaining('negative') },
      { row: 4, column: 'nombre', message: expect.stringContaining('"3,5" is not a number') },
      {
        row: 5,
        column: 'categorie',
        message: expect.stringContaining('"Pompier" is not a known participant category'),
      },
      { row: 5, column: 'nombre', message: 'the count is missing' },
      { row: 7, column: 'nombre', message: expect.stringContaining('row 6 already counts male / judiciary') },
    ]);
  });

  it('takes the version from If-Match, and a second import is a correction', async () => {
    const t = await h.held();
    await h.ok('POST', `/trainings/${t.id}/attendance/import`, goodCsv, { headers: { ...CSV, 'if-match': '"2"' } });
    const r = await h.call('POST', `/trainings/${t.id}/attendance/import`, 'Sex,Category,Count\nfemale,police,8\n', {
      headers: { ...CSV, 'if-match': 'W/"3"' },
    });
    expect(r.body).toMatchObject({ version: 4, attendance: { total: 8 }, previousAttendance: { total: 20 } });
    await h.settled();
    expect((await h.streamEvents()).at(-1)).toMatchObject({
      type: 'trainings.training.attendance_corrected',
      data: { total: 8, previousTotal: 20 },
    });
  });
});

describe('importing an XLSX attendance sheet', () => {
  it('reads English headers and numbers from cells', async () => {
    const t = await h.held({ plannedParticipants: 26 });
    const sheet = await writeXlsx(
      'Attendance',
      ['Sex', 'Category', 'Age group', 'Count'],
      [
        ['Female', 'Social worker', '18-59', 17],
        ['Male', 'social_worker', '18-59', 9],
      ],
    );
    const r = await h.call('POST', `/trainings/${t.id}/attendance/import?version=2`, sheet, { headers: XLSX });
    expect(r.status).toBe(200);
    expect(r.body.attendance).toEqual({
      total: 26,
      rows: [
        { sex: 'female', category: 'social_worker', ageGroup: '18-59', count: 17 },
        { sex: 'male', category: 'social_worker', ageGroup: '18-59', count: 9 },
      ],
    });
    expect(r.body.warnings).toBeUndefined();
  });

  it('a bad workbook: every error listed, nothing imported', async () => {
    const t = await h.held();
    const sheet = await writeXlsx(
      'Présence',
      ['Sexe', 'Catégorie', "Tranche d'âge", 'Nombre'],
      [
        ['Femme', 'Étudiante', '18-59', 12],
        ['Homme', 'Étudiant', '15-20', 10],
        ['Femme', 'Migrante', '', 2.5],
        ['', 'Police', '', 3],
      ],
    );
    const problem = await refused(t.id, sheet, XLSX, '?version=2', 422, 'IMPORT_INVALID');
    expect(problem.errors).toEqual([
      { row: 3, column: 'tranche_d_age', message: expect.stringContaining('"15-20" is not a known age group') },
      { row: 4, column: 'nombre', message: expect.stringContaining('not a whole number') },
      { row: 5, column: 'sexe', message: 'sex is missing' },
    ]);
  });

  it('a sheet without the required columns says which headers are accepted', async () => {
    const t = await h.held();
    const sheet = await writeXlsx('Sheet1', ['Nom', 'Sexe', 'Fonction'], [['(a name)', 'F', 'police']]);
    const problem = await refused(t.id, sheet, XLSX, '?version=2', 422, 'IMPORT_INVALID');
    expect(problem.errors).toEqual([
      { row: 1, column: 'category', message: expect.stringContaining('categorie') },
      { row: 1, column: 'count', message: expect.stringContaining('nombre') },
    ]);
  });
});

describe('import rules', () => {
  it('refuses a training not yet held', async () => {
    const t = await h.plan();
    await refused(t.id, goodCsv, CSV, '?version=1', 422, 'NOT_HELD');
  });

  it('needs the version, checks it, and checks the country', async () => {
    const t = await h.held();
    await refused(t.id, goodCsv, CSV, '', 400, 'VERSION_REQUIRED');
    await refused(t.id, goodCsv, { ...CSV, 'if-match': '"3"' }, '?version=2', 400, 'VALIDATION_FAILED');
    await refused(t.id, goodCsv, CSV, '?version=1', 409, 'VERSION_CONFLICT');
    await refused(
      t.id,
      goodCsv,
      CSV,
      '?version=2',
      403,
      'FORBIDDEN',
      await testToken(['trainings:write', 'trainings:read'], ['TN']),
    );
  });

  it('refuses what is not a sheet', async () => {
    const t = await h.held();
    await refused(t.id, Buffer.from('not a zip file'), XLSX, '?version=2', 400, 'SHEET_UNREADABLE');
    await refused(
      t.id,
      JSON.stringify({ rows: [] }),
      { 'content-type': 'application/json' },
      '?version=2',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await refused(t.id, 'a,b', { 'content-type': 'text/plain' }, '?version=2', 415, 'UNSUPPORTED_MEDIA_TYPE');
    await refused(t.id, '', CSV, '?version=2', 400, 'EMPTY_SHEET');
    await refused(t.id, 'Sexe;Catégorie;Nombre\n', CSV, '?version=2', 422, 'IMPORT_INVALID');
  });
});
