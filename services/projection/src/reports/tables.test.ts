import { describe, expect, it } from 'vitest';
import type { Response } from 'express';
import { readSheet, SHEET_TYPES } from '@passerelle/sheets';
import { ColumnKind, sendTable, type Table } from './tables.js';

const table: Table = {
  sheet: 'Partenaires',
  notesSheet: 'Notes et sources',
  columns: [{ header: 'partenaire' }, { header: 'chiffre', kind: ColumnKind.Integer }, { header: 'masqué' }],
  rows: [
    ['Fondation "Orient, Occident"', 12, ''],
    ['Région Souss-Massa\nSud', '<5', 'oui'],
    ['=HYPERLINK("x")', null, 'oui'],
  ],
  notes: ['2 petite(s) case(s) masquée(s)'],
};

/** A response that keeps what was sent. */
function capture() {
  const sent: { headers: Record<string, string>; body?: Buffer } = { headers: {} };
  const res = {
    status: () => res,
    set: (k: string, v: string) => {
      sent.headers[k] = v;
      return res;
    },
    send: (b: Buffer) => {
      sent.body = b;
      return res;
    },
  };
  return { res: res as unknown as Response, sent };
}

describe('tables as downloads', () => {
  it('names the file in its language and reads back as the same rows, accents and "<5" included, formulas defused', async () => {
    for (const format of ['csv', 'xlsx'] as const) {
      const { res, sent } = capture();
      await sendTable(res, table, { format, lang: 'fr' }, 'partenaires-MA');
      expect(sent.headers['content-disposition']).toBe(`attachment; filename="partenaires-MA-fr.${format}"`);
      const rows = await readSheet(sent.body!, format === 'csv' ? SHEET_TYPES.csv : SHEET_TYPES.xlsx);
      expect(rows[0]!.values).toEqual({ partenaire: 'Fondation "Orient, Occident"', chiffre: '12', masque: '' });
      expect(rows[1]!.values).toMatchObject({ partenaire: 'Région Souss-Massa\nSud', chiffre: '<5' });
      expect(rows[2]!.values.partenaire).toBe('\'=HYPERLINK("x")');
    }
  });
  it('separates CSV fields by ";" in French and "," in English, or as asked', async () => {
    const first = async (o: { lang: 'fr' | 'en'; sep?: ';' | ',' | 'tab' }) => {
      const { res, sent } = capture();
      await sendTable(res, table, { format: 'csv', ...o }, 'x');
      return sent.body!.toString('utf8').slice(1).split('\r\n')[0];
    };
    expect(await first({ lang: 'fr' })).toBe('partenaire;chiffre;masqué');
    expect(await first({ lang: 'en' })).toBe('partenaire,chiffre,masqué');
    expect(await first({ lang: 'fr', sep: 'tab' })).toBe('partenaire\tchiffre\tmasqué');
  });
});
