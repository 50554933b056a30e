import { describe, expect, it } from 'vitest';
import {
  LABEL_CODES,
  VALUE_LABELS,
  acceptedValues,
  labelOf,
  labelsOf,
  normaliseLabel,
  readLabel,
  type LabelList,
} from './labels.js';

describe('value label catalogue', () => {
  it('labels every code of every closed list in French and English, and no spelling names two codes', () => {
    for (const list of Object.keys(VALUE_LABELS) as LabelList[]) {
      expect(Object.keys(VALUE_LABELS[list]).sort()).toEqual([...LABEL_CODES[list]].sort());
      for (const code of LABEL_CODES[list]) {
        expect(readLabel(list, code)).toBe(code);
        expect(readLabel(list, labelOf(list, code, 'fr'))).toBe(code);
        expect(readLabel(list, labelOf(list, code, 'en'))).toBe(code);
      }
    }
  });

  it.each([
    ['sex', 'Femme', 'female'],
    ['sex', 'F', 'female'],
    ['sex', 'H', 'male'],
    ['sex', ' MALE ', 'male'],
    ['sex', 'Non précisé', 'other'],
    ['assistanceKind', 'Alimentaire', 'food'],
    ['assistanceKind', 'Kit d’hygiène', 'hygiene_dignity_kit'],
    ['assistanceKind', 'espèces', 'cash_voucher'],
    ['vulnerability', 'Victime de la traite', 'victim_of_trafficking'],
    ['vulnerability', 'UASC', 'unaccompanied_separated_child'],
    ['participantCategory', 'Travailleuse sociale', 'social_worker'],
    ['ageGroup', '60 ans et plus', '60+'],
    ['ageGroup', '18 - 59', '18-59'],
    ['partnerType', 'Ministère', 'ministry'],
    ['partnerType', 'MINISTERE', 'ministry'],
  ] as const)('%s: "%s" is %s', (list, text, code) => {
    expect(readLabel(list, text)).toBe(code);
  });

  it('refuses what it does not know, and says what it accepts', () => {
    expect(readLabel('sex', 'Z')).toBeUndefined();
    expect(readLabel('assistanceKind', 'blankets')).toBeUndefined();
    expect(acceptedValues('sex')).toBe(
      'female (Femme, Female); male (Homme, Male); other (Autre / non précisé, Other / not stated)',
    );
  });

  it('gives labels per language in canonical order', () => {
    expect(labelsOf('sex', 'fr')).toEqual(['Femme', 'Homme', 'Autre / non précisé']);
    expect(labelOf('assistanceKind', 'food', 'en')).toBe('Food');
    expect(labelOf('assistanceKind', 'new_kind', 'en')).toBe('new kind');
    expect(normaliseLabel('Non précisé')).toBe('non_precise');
  });
});
