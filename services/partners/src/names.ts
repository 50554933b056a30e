import type { PartnerName } from '@passerelle/contracts';

// Letters NFKD does not split into a base letter and a mark.
const FOLDED: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', ł: 'l', đ: 'd', ı: 'i' };
// Arabic spellings that vary between documents for the same organisation.
const ARABIC_FOLDED: Record<string, string> = { أ: 'ا', إ: 'ا', آ: 'ا', ٱ: 'ا', ى: 'ي', ة: 'ه', ـ: '' };

/**
 * The searchable form of a name: lower case, without accents or Arabic diacritics, punctuation, hyphens and
 * apostrophes turned to spaces, spaces collapsed.
 */
export function searchKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[œæßøłđı]/g, (c) => FOLDED[c] ?? c)
    .replace(/[أإآٱىةـ]/g, (c) => ARABIC_FOLDED[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The identity of a name for duplicate detection: its searchable form without any separator, so that
 * "Fondation Orient-Occident", "fondation orient occident" and "Fondation OrientOccident" are one name, as are
 * Arabic spellings that attach or detach the conjunction و.
 */
export const nameKey = (name: string): string => searchKey(name).replaceAll(' ', '');

const languages = (name: PartnerName) => [name.fr, name.en, name.ar].filter((n): n is string => n !== undefined);
const distinct = (keys: string[]) => [...new Set(keys.filter(Boolean))].sort();

/** The distinct keys of every language of a name; a partner owns each of them within its country. */
export const nameKeys = (name: PartnerName): string[] => distinct(languages(name).map(nameKey));

/** Forms a partner can be found by: its names in every language and its acronym. */
export const searchKeys = (name: PartnerName, acronym?: string): string[] =>
  distinct([...languages(name).map(searchKey), ...(acronym ? [searchKey(acronym)] : [])]);

/** A regular expression that matches `text` literally. */
export const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regex source matching keys where a name or one of its words starts with the normalised prefix. */
export function prefixPattern(prefix: string): string | undefined {
  const key = searchKey(prefix);
  return key ? `(^| )${escapeRegex(key)}` : undefined;
}
