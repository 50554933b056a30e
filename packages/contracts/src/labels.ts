import { AGE_GROUPS, PARTICIPANT_CATEGORIES, SEXES } from './vocabulary.js';
import { ASSISTANCE_KINDS, VULNERABILITIES } from './events/assistance.js';
import { PARTNER_TYPES } from './events/partners.js';

/**
 * The one catalogue of value labels of Passerelle's closed lists.
 *
 * Each code of a closed list (sex, age group, vulnerability, participant category, assistance kind, partner type)
 * has a French and an English label, written for a person filling a sheet or reading an export, and the other
 * spellings people commonly type for it (abbreviations such as F/M/H, plurals, older wordings). Imports read any
 * of them back to the code (`readLabel`), templates offer the labels in drop-downs (`labelsOf`), and exports and
 * the factsheet can show a code in a language (`labelOf`). Adding a synonym here makes every import accept it.
 *
 * Matching ignores case, accents, spaces and punctuation (`normaliseLabel`): "Femme", "FEMME" and "femme " are one,
 * and "Ministère" matches "ministere". A synonym must not name two codes of the same list (a unit test checks it).
 */
export interface ValueLabel {
  fr: string;
  en: string;
  /** Other spellings accepted on import, in either language; the code and both labels are always accepted too. */
  synonyms?: readonly string[];
}

const v = (en: string, fr: string, ...synonyms: string[]): ValueLabel => ({ en, fr, synonyms });

export const VALUE_LABELS = {
  sex: {
    female: v('Female', 'Femme', 'F', 'W', 'woman', 'women', 'femmes', 'féminin', 'feminine'),
    male: v('Male', 'Homme', 'M', 'H', 'man', 'men', 'hommes', 'masculin', 'masculine'),
    other: v(
      'Other / not stated',
      'Autre / non précisé',
      'other',
      'autre',
      'X',
      'undisclosed',
      'not stated',
      'non précisé',
      'non déclaré',
      'prefer not to say',
    ),
  },
  ageGroup: {
    '0-4': v('0-4 years', '0-4 ans', '0-4', '0 à 4 ans'),
    '5-11': v('5-11 years', '5-11 ans', '5-11', '5 à 11 ans'),
    '12-17': v('12-17 years', '12-17 ans', '12-17', '12 à 17 ans'),
    '18-59': v('18-59 years', '18-59 ans', '18-59', '18 à 59 ans'),
    '60+': v('60 years and over', '60 ans et plus', '60+', '60', '60 plus', '60 et plus', '60 and over'),
  },
  vulnerability: {
    victim_of_trafficking: v(
      'Victim of trafficking',
      'Victime de la traite',
      'VoT',
      'PVoT',
      'trafficking',
      'potential victim of trafficking',
      'victime de traite',
      'traite',
    ),
    unaccompanied_separated_child: v(
      'Unaccompanied or separated child',
      'Enfant non accompagné ou séparé',
      'UASC',
      'unaccompanied',
      'separated',
      'ENA',
      'enfant non accompagné',
      'mineur non accompagné',
      'MNA',
    ),
    pregnant_lactating: v(
      'Pregnant or lactating',
      'Enceinte ou allaitante',
      'pregnant',
      'lactating',
      'PLW',
      'enceinte',
      'allaitante',
    ),
    disability: v('Disability', 'Handicap', 'PWD', 'person with a disability', 'personne handicapée'),
    serious_medical_condition: v(
      'Serious medical condition',
      'Problème de santé grave',
      'medical',
      'SMC',
      'maladie grave',
    ),
    none: v('None', 'Aucune', 'aucun', 'néant', 'no vulnerability'),
  },
  participantCategory: {
    government_official: v(
      'Government official',
      'Fonctionnaire',
      'government',
      'official',
      'agent public',
      'gouvernement',
      'administration',
    ),
    police: v('Police', 'Police', 'police officer', 'policier', 'policière', 'agent de police', 'gendarmerie'),
    judiciary: v('Judiciary', 'Justice', 'judge', 'juge', 'magistrate', 'magistrat', 'judiciaire'),
    health_staff: v(
      'Health staff',
      'Personnel de santé',
      'health',
      'hospital staff',
      'santé',
      'personnel hospitalier',
      'medical',
    ),
    social_worker: v(
      'Social worker',
      'Travailleur social',
      'travailleuse sociale',
      'assistant social',
      'assistante sociale',
    ),
    cso_staff: v(
      'Civil society staff',
      'Personnel de la société civile',
      'CSO',
      'civil society',
      'NGO',
      'OSC',
      'société civile',
      'ONG',
      'association',
    ),
    student: v('Student', 'Étudiant', 'étudiante', 'élève'),
    migrant: v('Migrant', 'Migrant', 'migrante', 'migrants'),
    other: v('Other', 'Autre', 'autres', 'others'),
  },
  assistanceKind: {
    food: v('Food', 'Alimentaire', 'vivres', 'nourriture', 'food parcel', 'colis alimentaire'),
    hygiene_dignity_kit: v(
      'Hygiene and dignity kit',
      "Kit d'hygiène et de dignité",
      'hygiene',
      'hygiène',
      'dignity kit',
      "kit d'hygiène",
      'kit hygiène',
    ),
    cash_voucher: v(
      'Cash or voucher',
      'Espèces ou bons',
      'cash',
      'voucher',
      'espèces',
      'bons',
      "bon d'achat",
      'transfert monétaire',
    ),
    medical: v('Medical care', 'Soins médicaux', 'médical', 'soins', 'santé', 'health'),
    shelter: v('Shelter', 'Hébergement', 'abri', 'logement'),
    psychosocial: v('Psychosocial support', 'Soutien psychosocial', 'PSS', 'psychosocial', 'psychosocial support'),
    transport: v('Transport', 'Transport'),
    legal_aid: v('Legal aid', 'Aide juridique', 'legal', 'juridique', 'assistance juridique'),
    other: v('Other', 'Autre'),
  },
  partnerType: {
    ministry: v('Ministry', 'Ministère'),
    regional_council: v('Regional council', 'Conseil régional'),
    national_committee: v('National committee', 'Commission nationale', 'comité national'),
    public_agency: v('Public agency', 'Établissement public', 'agence publique'),
    un_agency: v('UN agency', 'Agence des Nations unies', 'UN', 'ONU', 'agence onusienne'),
    cso: v(
      'Civil society organisation',
      'Organisation de la société civile',
      'CSO',
      'NGO',
      'OSC',
      'ONG',
      'association',
    ),
    migrant_association: v('Migrant association', 'Association de migrants'),
    academic: v('Academic', 'Enseignement et recherche', 'university', 'université'),
    foundation: v('Foundation', 'Fondation'),
    donor: v('Donor', 'Bailleur', 'bailleur de fonds'),
  },
} as const satisfies Record<string, Record<string, ValueLabel>>;

/** The closed lists the catalogue labels. */
export type LabelList = keyof typeof VALUE_LABELS;
/** The codes of one list, e.g. `LabelCode<'sex'>` is `'female' | 'male' | 'other'`. */
export type LabelCode<L extends LabelList> = keyof (typeof VALUE_LABELS)[L] & string;
export type LabelLang = 'fr' | 'en';

/** The codes of each list in their canonical order (the order of the contracts' vocabularies). */
export const LABEL_CODES: { [L in LabelList]: readonly LabelCode<L>[] } = {
  sex: SEXES,
  ageGroup: AGE_GROUPS,
  vulnerability: VULNERABILITIES,
  participantCategory: PARTICIPANT_CATEGORIES,
  assistanceKind: ASSISTANCE_KINDS,
  partnerType: PARTNER_TYPES,
};

/** Text as the catalogue compares it: no case, accents, spaces or punctuation ("Non précisé" → "non_precise"). */
export const normaliseLabel = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\+/g, '_plus')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

const readers = new Map<LabelList, Map<string, string>>();

/** Every accepted spelling (normalised) of every code of a list, built once. */
function readerOf(list: LabelList): Map<string, string> {
  let map = readers.get(list);
  if (!map) {
    map = new Map();
    for (const code of LABEL_CODES[list]) {
      const l = (VALUE_LABELS[list] as Record<string, ValueLabel>)[code]!;
      for (const s of [code, l.fr, l.en, ...(l.synonyms ?? [])]) {
        const key = normaliseLabel(s);
        const other = map.get(key);
        if (other !== undefined && other !== code)
          throw new Error(`label catalogue: "${s}" names both ${other} and ${code} in ${list}`);
        map.set(key, code);
      }
    }
    readers.set(list, map);
  }
  return map;
}

/** The code a cell names (a code, a label in French or English, or a synonym), or undefined when none matches. */
export function readLabel<L extends LabelList>(list: L, text: string): LabelCode<L> | undefined {
  return readerOf(list).get(normaliseLabel(text)) as LabelCode<L> | undefined;
}

/** The label of a code in a language; an unknown code comes back as itself, made readable. */
export function labelOf<L extends LabelList>(list: L, code: string, lang: LabelLang): string {
  return (VALUE_LABELS[list] as Record<string, ValueLabel>)[code]?.[lang] ?? code.replace(/_/g, ' ');
}

/** The labels of a list in a language, in canonical order (for drop-downs and instructions). */
export function labelsOf(list: LabelList, lang: LabelLang): string[] {
  return LABEL_CODES[list].map((code) => labelOf(list, code, lang));
}

/** What an error message lists as accepted: each code with its labels, e.g. `female (Femme, Female)`. */
export function acceptedValues(list: LabelList): string {
  return LABEL_CODES[list]
    .map((code) => {
      const l = (VALUE_LABELS[list] as Record<string, ValueLabel>)[code]!;
      return `${code} (${[...new Set([l.fr, l.en])].join(', ')})`;
    })
    .join('; ');
}
