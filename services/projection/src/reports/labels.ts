import { DIMENSIONS, VALUE_LABELS, labelOf, type DimensionSpec, type LabelList } from '@passerelle/contracts';

/** The languages of reports. */
export type Lang = 'en' | 'fr';

type L = { fr: string; en: string };
const l = (en: string, fr: string): L => ({ en, fr });
const specs: DimensionSpec[] = Object.values(DIMENSIONS);

// The one catalogue of labels reports show people: codes of the contracts vocabulary, dimensions, measures and the
// fixed words of tables, in French and English, for the factsheet and every CSV/XLSX export alike. An unknown code
// (a topic added by an admin) falls back to the code made readable.
const LABELS = {
  country: {
    MA: l('Morocco', 'Maroc'),
    DZ: l('Algeria', 'Algérie'),
    AO: l('Angola', 'Angola'),
    EG: l('Egypt', 'Égypte'),
    LY: l('Libya', 'Libye'),
    SD: l('Sudan', 'Soudan'),
    TN: l('Tunisia', 'Tunisie'),
    DJ: l('Djibouti', 'Djibouti'),
    ET: l('Ethiopia', 'Éthiopie'),
    SO: l('Somalia', 'Somalie'),
    TZ: l('Tanzania', 'Tanzanie'),
    MW: l('Malawi', 'Malawi'),
    MR: l('Mauritania', 'Mauritanie'),
    ZM: l('Zambia', 'Zambie'),
    ZW: l('Zimbabwe', 'Zimbabwe'),
    GM: l('Gambia', 'Gambie'),
    SN: l('Senegal', 'Sénégal'),
    SL: l('Sierra Leone', 'Sierra Leone'),
    TG: l('Togo', 'Togo'),
  },
  topic: {
    trafficking_in_persons: l(
      'Counter-trafficking: identifying and protecting victims',
      'Lutte contre la traite : repérer et protéger les victimes',
    ),
    unaccompanied_children: l('Unaccompanied and separated children', 'Enfants non accompagnés et séparés'),
    sexual_exploitation_abuse: l('Sexual exploitation and abuse', 'Exploitation et abus sexuels'),
    international_migration_law: l('International migration law', 'Droit international de la migration'),
    migration_governance_data: l('Migration governance and data', 'Gouvernance et données migratoires'),
    border_management: l('Border management', 'Gestion des frontières'),
  },
  unit: {
    people: l('people', 'personnes'),
    trainings: l('trainings', 'formations'),
    partners: l('partners', 'partenaires'),
    deliveries: l('deliveries', 'distributions'),
    percent: l('%', '%'),
    milestone: l('milestone', 'jalon'),
  },
  supportKind: {
    technical_assistance: l('Technical assistance', 'Assistance technique'),
    training: l('Training', 'Formation'),
    equipment_refurbishment: l('Equipment and refurbishment', 'Équipement et réhabilitation'),
    funding: l('Funding', 'Financement'),
    networking: l('Networking', 'Mise en réseau'),
    data_management: l('Data management', 'Gestion des données'),
    policy_support: l('Policy support', 'Appui aux politiques'),
  },
  /** Dimensions reports break figures down by, by fact field (what a breakdown's `by` names): the contracts' table,
   * the assistance summary's partner breakdown (partners are reference data, not a dimension) and the total row. */
  dimension: {
    ...Object.fromEntries(specs.map((d) => [d.field, d.label])),
    partnerId: l('Partner', 'Partenaire'),
    total: l('Total', 'Total'),
  },
  measure: {
    trainings: l('trainings held', 'formations tenues'),
    participants: l('participants', 'participants'),
    people: l('people', 'personnes'),
    deliveries: l('deliveries', 'distributions'),
  },
  activity: {
    training: l('Training', 'Formation'),
    assistance: l('Assistance', 'Assistance'),
    support: l('Support to a partner', 'Appui à un partenaire'),
  },
  threeWUnit: {
    participants: l('participants', 'participants'),
    'people reached': l('people reached', 'personnes atteintes'),
    supports: l('supports', 'appuis'),
  },
  counting: {
    'unique people: distinct people of beneficiary lists, each counted once': l(
      'unique people of beneficiary lists, each counted once',
      'personnes uniques des listes de bénéficiaires, comptées une fois',
    ),
    'distinct people of beneficiary lists plus people counted without a list: the total may count a person twice': l(
      'people of lists counted once, plus people counted without a list: may count a person twice',
      'personnes des listes comptées une fois, plus personnes comptées sans liste : peut compter une personne deux fois',
    ),
    'participants: sum of attendance (a person attending two trainings counts twice)': l(
      'sum of attendance: a person at two trainings counts twice',
      'somme des présences : une personne à deux formations compte deux fois',
    ),
    'distinct trainings held': l('distinct trainings held', 'formations tenues distinctes'),
    'distinct deliveries': l('distinct deliveries', 'distributions distinctes'),
    'number of supports given': l('number of supports given', "nombre d'appuis apportés"),
  },
} satisfies Record<string, Record<string, L>>;

/** A label list: one of this file, or of the contracts' catalogue (closed lists, which imports read and templates offer too). */
export type LabelSet = keyof typeof LABELS | LabelList;

const isCatalogue = (set: LabelSet): set is LabelList => Object.hasOwn(VALUE_LABELS, set);

/** The label of a vocabulary code in the language; the code itself, made readable, when there is none. */
export function label(set: LabelSet, code: string | null, lang: Lang): string {
  if (code === null) return lang === 'fr' ? 'Non précisé' : 'Not specified';
  if (isCatalogue(set)) return labelOf(set, code, lang);
  return (LABELS[set] as Record<string, L>)[code]?.[lang] ?? code.replace(/_/g, ' ');
}

/** The label list of a dimension's values, by fact field, where codes have labels (region values are names already). */
export const VALUE_SETS: Partial<Record<string, LabelSet>> = Object.fromEntries(
  specs.flatMap((d) => (d.values ? [[d.field, d.values]] : [])),
);

/** Fixed texts of the factsheet (headings, captions, notes) in both languages. */
export const TEXT = {
  factsheet: l('Factsheet', "Fiche d'information"),
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
  category: l("Participants' role", 'Fonction des participants'),
  assistance: l('Humanitarian assistance', 'Assistance humanitaire'),
  partner: l('Through', "Par l'intermédiaire de"),
  kind: l('What was delivered', "Nature de l'aide"),
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
  through: l('Through:', 'Par :'),
  bySex: l('Participants by sex', 'Participants par sexe'),
  sources: l('Sources and method', 'Sources et méthode'),
  hidden: l('hidden', 'masqué'),
  none: l('Nothing in this period.', 'Rien sur la période.'),
  generated: l('Generated', 'Produit le'),
  asOf: l('figures as recorded on', "chiffres tels qu'enregistrés le"),
  version: l('framework version', 'version du cadre'),
} as const satisfies Record<string, L>;

/** A fixed text in the language. */
export const t = (key: keyof typeof TEXT, lang: Lang) => TEXT[key][lang];

const ONE: Partial<Record<keyof typeof TEXT, L>> = {
  trainings: l('training held', 'formation tenue'),
  participants: l('participant', 'participant'),
  assisted: l('vulnerable migrant assisted', 'migrant vulnérable assisté'),
  deliveries: l('delivery', 'distribution'),
};

/** The caption of a count, singular or plural by the language's rules (French 0 and 1 are singular); hidden values read as plural. */
export const counted = (key: keyof typeof TEXT, value: number | string | null, lang: Lang) =>
  typeof value === 'number' && ONE[key] && new Intl.PluralRules(lang).select(value) === 'one'
    ? ONE[key][lang]
    : TEXT[key][lang];

/** Fixed words of exported tables: sheet and file names, column headers, yes. */
export const TABLE = {
  yes: l('yes', 'oui'),
  notesSheet: l('Notes and sources', 'Notes et sources'),
  source: l(
    "Source: Passerelle, the programme's results and reporting platform (records of the programme's services).",
    'Source : Passerelle, plateforme de résultats et de rapports du programme (enregistrements des services du programme).',
  ),
  sheet: {
    trainings: l('Trainings', 'Formations'),
    assistance: l('Assistance', 'Assistance'),
    threeW: l('3W', '3W'),
    indicators: l('Indicators', 'Indicateurs'),
  },
  file: {
    trainings: l('trainings', 'formations'),
    assistance: l('assistance', 'assistance'),
    threeW: l('3w', '3w'),
    indicators: l('indicators', 'indicateurs'),
  },
  column: {
    breakdown: l('breakdown', 'ventilation'),
    value: l('value', 'valeur'),
    code: l('code', 'code'),
    measure: l('measure', 'mesure'),
    figure: l('figure', 'chiffre'),
    keyed: l('keyed people (distinct)', 'personnes des listes (distinctes)'),
    counted: l('people counted without a list', 'personnes comptées sans liste'),
    hidden: l('hidden', 'masqué'),
    rounded: l('rounded', 'arrondi'),
    counting: l('counting', 'comptage'),
    partnerId: l('partner id', 'partenaire (id)'),
    partner: l('partner', 'partenaire'),
    activityLine: l('activity line', "ligne d'activité"),
    type: l('type', 'type'),
    kind: l('kind', 'nature'),
    region: l('region', 'région'),
    when: l('when', 'période'),
    unit: l('unit', 'unité'),
    activities: l('activities', 'activités'),
    indicator: l('indicator', 'indicateur'),
    name: l('name', 'nom'),
    baseline: l('baseline', 'référence'),
    target: l('target', 'cible'),
    targetVersion: l('target version', 'version de la cible'),
    actual: l('actual', 'réalisé'),
    percent: l('% of target', '% de la cible'),
    frameworkVersion: l('framework version', 'version du cadre'),
    period: l('period', 'période'),
    dimension: l('dimension', 'dimension'),
    noData: l('no data', 'pas de données'),
  },
} as const;

/** A fixed word of tables in the language. */
export const col = (key: keyof typeof TABLE.column, lang: Lang) => TABLE.column[key][lang];
