import { withheldUnder, type Policy } from '../../query/disclosure.js';
import type { Lang } from '../tables.js';

/** A figure as the factsheet carries it: the raw value (a number, "<threshold" when hidden, null when withheld) and its text. */
export interface Figure {
  value: number | string | null;
  text: string;
}

const LOCALE: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' };

/** A number in the language's conventions (fr: 1 234,5; en: 1,234.5); a hidden value keeps its text. */
export function formatNumber(value: number | string | null, lang: Lang, opts: { percent?: boolean } = {}): string {
  if (value === null) return lang === 'fr' ? 'masqué' : 'hidden';
  if (typeof value === 'string') return value;
  // Indicator percentages arrive as 0..100 (one decimal); Intl's percent style wants a fraction.
  return opts.percent
    ? new Intl.NumberFormat(LOCALE[lang], { style: 'percent', maximumFractionDigits: 1 }).format(value / 100)
    : new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: 1 }).format(value);
}

/** A calendar date (YYYY-MM-DD) written out: "1er octobre 2019" (French writes the first of a month as an ordinal), "1 October 2019". */
export function formatDate(iso: string, lang: Lang): string {
  const text = new Intl.DateTimeFormat(LOCALE[lang], {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${iso.slice(0, 10)}T00:00:00Z`));
  return lang === 'fr' ? text.replace(/^1 /, '1er ') : text;
}

/** An instant with its time, in UTC so the same document reads the same everywhere. */
export function formatInstant(iso: string, lang: Lang): string {
  return `${new Intl.DateTimeFormat(LOCALE[lang], { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC`;
}

/**
 * Figures of one factsheet: each formatted in its language, and every hidden one counted, so the protection
 * sentence says how many figures of the page were held back.
 */
export function figures(lang: Lang) {
  let hidden = 0;
  const of = (value: number | string | null, opts: { percent?: boolean } = {}): Figure => {
    if (typeof value !== 'number') hidden++;
    return { value, text: formatNumber(value, lang, opts) };
  };
  return { of, hidden: () => hidden };
}

/** The sentence a public document carries about what it hides (or that it is internal). */
export function protectionSentence(p: Policy, hidden: number, lang: Lang): string {
  const w = withheldUnder(p, hidden);
  if (w.internal) {
    return lang === 'fr'
      ? "Version interne : aucun chiffre n'est masqué. À ne pas diffuser en dehors du programme."
      : 'Internal version: no figure is hidden. Not for circulation outside the programme.';
  }
  const t = w.threshold;
  const lt = `<${t}`;
  if (w.hidden === 0) {
    return lang === 'fr'
      ? `Aucun chiffre n'a dû être masqué. Un groupe sensible (victimes de la traite, enfants) de moins de ${t} personnes serait affiché « ${lt} » ; la part des chiffres qui compte ces personnes est arrondie à un multiple de ${t}.`
      : `No figure needed hiding. A sensitive group (victims of trafficking, children) of fewer than ${t} people would show as “${lt}”; the part of a figure that counts such people is rounded to a multiple of ${t}.`;
  }
  return lang === 'fr'
    ? `Pour protéger les personnes, ${w.hidden} chiffre(s) concernant de petits groupes sensibles (victimes de la traite, enfants) sont masqués : moins de ${t} s'affiche « ${lt} », et la part des autres chiffres qui compte ces personnes est arrondie à un multiple de ${t}, si bien qu'aucune soustraction ne la retrouve.`
    : `To protect people, ${w.hidden} figure(s) about small sensitive groups (victims of trafficking, children) are hidden: fewer than ${t} shows as “${lt}”, and the part of other figures that counts such people is rounded to a multiple of ${t}, so no subtraction gives it back.`;
}
