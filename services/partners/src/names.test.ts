import { describe, expect, it } from 'vitest';
import { nameKey, nameKeys, prefixPattern, searchKey, searchKeys } from './names.js';

describe('name keys', () => {
  it('ignore case, accents, hyphens and punctuation', () => {
    expect(nameKey('Fondation Orient Occident')).toBe(nameKey('fondation orient-occident'));
    expect(nameKey('Fondation OrientOccident')).toBe(nameKey('Fondation Orient Occident'));
    expect(searchKey('Tanger-Tétouan-Al Hoceïma')).toBe('tanger tetouan al hoceima');
    expect(searchKey("  Observatoire National des Droits de l'Enfant (ONDE) ")).toBe(
      'observatoire national des droits de l enfant onde',
    );
    expect(searchKey('ŒUVRE  Sociale')).toBe('oeuvre sociale');
    expect(nameKey('ŒUVRE  Sociale')).toBe('oeuvresociale');
    expect(nameKey('Association A')).not.toBe(nameKey('Association B'));
    expect(nameKey('ENTRAIDE NATIONALE')).toBe(nameKey('Entraide nationale'));
  });

  it('fold Arabic diacritics, tatweel and alef forms', () => {
    expect(nameKey('التعاون الوطني')).toBe(nameKey('التَّعاوُن الوطـني'));
    expect(nameKey('إدارة')).toBe(nameKey('ادارة'));
    expect(nameKey('مؤسسة الشرق والغرب')).toBe(nameKey('مؤسسة الشرق و الغرب'));
  });

  it('a name in several languages gives distinct sorted keys', () => {
    expect(nameKeys({ fr: 'Entraide Nationale', en: 'Entraide nationale' })).toEqual(['entraidenationale']);
    expect(nameKeys({ fr: 'Ministère de la Justice', en: 'Ministry of Justice', ar: 'وزارة العدل' })).toHaveLength(3);
  });

  it('search keys add the acronym', () => {
    expect(searchKeys({ fr: 'Entraide Nationale', en: 'National Mutual Aid' }, 'E.N.')).toContain('e n');
  });

  it('prefix patterns match a name or word start, literally', () => {
    const re = new RegExp(prefixPattern('Orient-')!);
    expect(re.test('fondation orient occident')).toBe(true);
    expect(re.test('fondation occident')).toBe(false);
    expect(new RegExp(prefixPattern('a.b')!).test('axb')).toBe(false);
    expect(prefixPattern('--')).toBeUndefined();
  });
});
