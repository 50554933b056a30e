import type { Lang } from './tables.js';

type L = { fr: string; en: string };
const l = (en: string, fr: string): L => ({ en, fr });

// Codes of the contracts vocabulary have no French/English labels there; the factsheet is read by people, so
// these are written for it. An unknown code (a topic added by an admin) falls back to the code made readable.
const LABELS: Record<string, Record<string, L>> = {
  country: {
    MA: l('Morocco', 'Maroc'), DZ: l('Algeria', 'Algérie'), AO: l('Angola', 'Angola'), EG: l('Egypt', 'Égypte'), LY: l('Libya', 'Libye'),
    SD: l('Sudan', 'Soudan'), TN: l('Tunisia', 'Tunisie'), DJ: l('Djibouti', 'Djibouti'), ET: l('Ethiopia', 'Éthiopie'), SO: l('Somalia', 'Somalie'),
    TZ: l('Tanzania', 'Tanzanie'), MW: l('Malawi', 'Malawi'), MR: l('Mauritania', 'Mauritanie'), ZM: l('Zambia', 'Zambie'), ZW: l('Zimbabwe', 'Zimbabwe'),
    GM: l('Gambia', 'Gambie'), SN: l('Senegal', 'Sénégal'), SL: l('Sierra Leone', 'Sierra Leone'), TG: l('Togo', 'Togo'),
  },
  topic: {
    trafficking_in_persons: l('Counter-trafficking: identifying and protecting victims', 'Lutte contre la traite : repérer et protéger les victimes'),
    unaccompanied_children: l('Unaccompanied and separated children', 'Enfants non accompagnés et séparés'),
    sexual_exploitation_abuse: l('Sexual exploitation and abuse', 'Exploitation et abus sexuels'),
    international_migration_law: l('International migration law', 'Droit international de la migration'),
    migration_governance_data: l('Migration governance and data', 'Gouvernance et données migratoires'),
    border_management: l('Border management', 'Gestion des frontières'),
  },
  category: {
    government_official: l('Government officials', 'Agents de l\'administration'), police: l('Police officers', 'Policiers'),
    judiciary: l('Judiciary', 'Magistrats et personnel judiciaire'), health_staff: l('Health staff', 'Personnel de santé'),
    social_worker: l('Social workers', 'Travailleurs sociaux'), cso_staff: l('Civil society staff', 'Personnel de la société civile'),
    student: l('Students', 'Étudiants'), migrant: l('Migrants', 'Migrants'), other: l('Others', 'Autres'),
  },
  kind: {
    food: l('Food', 'Vivres'), hygiene_dignity_kit: l('Hygiene and dignity kits', 'Kits d\'hygiène et de dignité'), cash_voucher: l('Cash and vouchers', 'Espèces et bons'),
    medical: l('Medical care', 'Soins médicaux'), shelter: l('Shelter', 'Hébergement'), psychosocial: l('Psychosocial support', 'Soutien psychosocial'),
    transport: l('Transport', 'Transport'), legal_aid: l('Legal aid', 'Aide juridique'), other: l('Other', 'Autre'),
  },
  vulnerability: {
    victim_of_trafficking: l('Victims of trafficking (identified or presumed)', 'Victimes de la traite (identifiées ou présumées)'),
    unaccompanied_separated_child: l('Unaccompanied or separated children', 'Enfants non accompagnés ou séparés'),
    pregnant_lactating: l('Pregnant or breastfeeding women', 'Femmes enceintes ou allaitantes'), disability: l('People with a disability', 'Personnes handicapées'),
    serious_medical_condition: l('Serious medical condition', 'Problème de santé grave'), none: l('No specific vulnerability recorded', 'Sans vulnérabilité particulière relevée'),
  },
  partnerType: {
    ministry: l('Ministry', 'Ministère'), regional_council: l('Regional council', 'Conseil régional'), national_committee: l('National committee', 'Commission nationale'),
    public_agency: l('Public agency', 'Établissement public'), un_agency: l('UN agency', 'Agence des Nations unies'), cso: l('Civil society', 'Société civile'),
    migrant_association: l('Migrant association', 'Association de migrants'), academic: l('Academic', 'Enseignement et recherche'), foundation: l('Foundation', 'Fondation'), donor: l('Donor', 'Bailleur'),
  },
  unit: {
    people: l('people', 'personnes'), trainings: l('trainings', 'formations'), partners: l('partners', 'partenaires'),
    deliveries: l('deliveries', 'distributions'), percent: l('%', '%'), milestone: l('milestone', 'jalon'),
  },
};

export type LabelSet = keyof typeof LABELS;

/** The label of a vocabulary code in the language; the code itself, made readable, when there is none. */
export function label(set: LabelSet, code: string | null, lang: Lang): string {
  if (code === null) return lang === 'fr' ? 'Non précisé' : 'Not specified';
  return LABELS[set]![code]?.[lang] ?? code.replace(/_/g, ' ');
}

/** Fixed texts of the factsheet (headings, captions, notes) in both languages. */
export const TEXT = {
  factsheet: l('Factsheet', 'Fiche d\'information'),
  year: l('Programme year', 'Année du programme'),
  wholeProgramme: l('Whole programme', 'Ensemble du programme'),
  context: l('Context', 'Contexte'),
  objective: l('Objective', 'Objectif'),
  targetGroups: l('Target groups', 'Groupes cibles'),
  lines: l('Lines of work and activities', 'Axes de travail et activités'),
  results: l('Results of the period in figures', 'Résultats de la période en chiffres'),
  trainings: l('trainings held', 'formations tenues'),
  participants: l('participants', 'participants'),
  assisted: l('vulnerable migrants assisted', 'migrants vulnérables assistés'),
  deliveries: l('deliveries', 'distributions'),
  byTopic: l('Participants by training topic', 'Participants par thème de formation'),
  byCategory: l('Who was trained', 'Qui a été formé'),
  topic: l('Topic', 'Thème'),
  category: l('Participants\' role', 'Fonction des participants'),
  assistance: l('Humanitarian assistance', 'Assistance humanitaire'),
  partner: l('Through', 'Par l\'intermédiaire de'),
  kind: l('What was delivered', 'Nature de l\'aide'),
  vulnerability: l('Among them', 'Parmi eux'),
  indicators: l('Indicators', 'Indicateurs'),
  indicator: l('Indicator', 'Indicateur'),
  baseline: l('Baseline', 'Référence'),
  target: l('Target', 'Cible'),
  actual: l('Achieved', 'Réalisé'),
  percent: l('% of target', '% de la cible'),
  partners: l('Partners', 'Partenaires'),
  contributions: l('Contributions', 'Contributions'),
  sdg: l('SDG', 'ODD'),
  gcm: l('GCM objective', 'Objectif PMM'),
  snia: l('SNIA OSP', 'OSP SNIA'),
  lineCodes: l('lines', 'axes'),
  sources: l('Sources and method', 'Sources et méthode'),
  hidden: l('hidden', 'masqué'),
  none: l('Nothing in this period.', 'Rien sur la période.'),
  generated: l('Generated', 'Produit le'),
  asOf: l('figures as recorded on', 'chiffres tels qu\'enregistrés le'),
  version: l('framework version', 'version du cadre'),
} as const satisfies Record<string, L>;

/** A fixed text in the language. */
export const t = (key: keyof typeof TEXT, lang: Lang) => TEXT[key][lang];

const ONE: Partial<Record<keyof typeof TEXT, L>> = {
  trainings: l('training held', 'formation tenue'), participants: l('participant', 'participant'),
  assisted: l('vulnerable migrant assisted', 'migrant vulnérable assisté'), deliveries: l('delivery', 'distribution'),
};

/** The caption of a count, singular or plural by the language's rules (French 0 and 1 are singular); hidden values read as plural. */
export const counted = (key: keyof typeof TEXT, value: number | string | null, lang: Lang) =>
  (typeof value === 'number' && ONE[key] && new Intl.PluralRules(lang).select(value) === 'one' ? ONE[key][lang] : TEXT[key][lang]);
