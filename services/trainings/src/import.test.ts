import { describe, expect, it } from 'vitest';
import { parseCsv } from '@passerelle/sheets';
import { normaliseHeader } from '@passerelle/sheets';
import { attendanceFromSheet } from './import.js';

/** Sheet rows as readSheet gives them, from CSV text. */
const sheet = (text: string) => {
  const [header, ...data] = parseCsv(text);
  const keys = header!.map(normaliseHeader);
  return data.map((cells, i) => ({
    row: i + 2,
    values: Object.fromEntries(keys.map((k, j) => [k, (cells[j] ?? '').trim()])),
  }));
};

describe('attendance sheet vocabulary', () => {
  it.each([
    ['Sexe,Catégorie,Nombre', 'femme,travailleuse sociale,3', { sex: 'female', category: 'social_worker', count: 3 }],
    ['Sex,Category,Count', 'W,NGO,3', { sex: 'female', category: 'cso_staff', count: 3 }],
    ['Genre,Profil,Effectif', 'Homme,Étudiant,12.0', { sex: 'male', category: 'student', count: 12 }],
    ['SEXE,CATEGORIE,NB', 'H,Agent de police,1', { sex: 'male', category: 'police', count: 1 }],
    [
      'Gender,Participant category,Number of participants',
      'Prefer not to say,Hospital staff,2',
      { sex: 'other', category: 'health_staff', count: 2 },
    ],
    [
      'Sexe,Catégorie,Âge,Nombre',
      'f,Migrante,60 et plus,1',
      { sex: 'female', category: 'migrant', ageGroup: '60+', count: 1 },
    ],
    [
      'Sex,Category,Age group,Organisation,Count',
      'm,Official,18 - 59,Wilaya de Rabat,5',
      { sex: 'male', category: 'government_official', ageGroup: '18-59', institution: 'Wilaya de Rabat', count: 5 },
    ],
    ['Sexe,Catégorie,Nombre', 'x,Autre, 1 200 ', { sex: 'other', category: 'other', count: 1200 }],
  ])('%s / %s', (header, row, expected) => {
    expect(attendanceFromSheet(sheet(`${header}\n${row}`))).toEqual({ ok: true, rows: [expected], ignoredColumns: [] });
  });

  it('reports columns it does not use, so nothing is silently dropped', () => {
    const r = attendanceFromSheet(sheet('Sexe,Nom,Catégorie,Nombre\nF,(a name),Police,1'));
    expect(r).toMatchObject({ ok: true, ignoredColumns: ['nom'] });
  });

  it('refuses two columns meaning the same thing', () => {
    expect(attendanceFromSheet(sheet('Sexe,Sex,Catégorie,Nombre\nF,F,Police,1'))).toEqual({
      ok: false,
      errors: [{ row: 1, column: 'sex', message: 'a second column for sex (the first is "sexe")' }],
    });
  });

  it('treats institutions case-insensitively when looking for duplicate rows', () => {
    const r = attendanceFromSheet(sheet('Sex,Category,Institution,Count\nF,Police,DGSN,1\nFemale,police,dgsn,2'));
    expect(r).toEqual({
      ok: false,
      errors: [{ row: 3, column: 'count', message: expect.stringContaining('row 2 already counts') }],
    });
  });

  it('caps the sheet size', () => {
    const rows = Array.from({ length: 501 }, (_, i) => `F,Police,Inst ${i},1`).join('\n');
    expect(attendanceFromSheet(sheet(`Sex,Category,Institution,Count\n${rows}`))).toMatchObject({
      ok: false,
      errors: [{ row: 502 }],
    });
  });
});
