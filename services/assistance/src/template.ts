import { COUNTRIES, labelsOf, type LabelList } from '@passerelle/contracts';
import { sheetDownloadRoute, type Api } from '@passerelle/platform';
import { writeTemplate, type TemplateColumn, type TemplateSpec } from '@passerelle/sheets';

const both = (list: LabelList) => ({ fr: labelsOf(list, 'fr'), en: labelsOf(list, 'en') });
const col = (
  fr: string,
  en: string,
  helpFr: string,
  helpEn: string,
  more: Partial<TemplateColumn> = {},
): TemplateColumn => ({ header: { fr, en }, help: { fr: helpFr, en: helpEn }, ...more });

/** The distribution list template: every header is one the importer accepts, every drop-down a catalogue label. */
export const DISTRIBUTION_TEMPLATE: TemplateSpec = {
  title: { fr: 'Liste de distribution', en: 'Distribution list' },
  sheet: { fr: 'Distribution', en: 'Distribution' },
  notes: [
    {
      fr: 'Une ligne par personne (avec sa référence de cas) ou par groupe de personnes (avec un nombre). Les lignes de même « Réf. distribution » forment une distribution ; ses colonnes (date, type, partenaire…) se remplissent sur sa première ligne.',
      en: 'One row per person (with their case reference) or per group of people (with a count). Rows sharing a "Delivery ref" form one delivery; its columns (date, kind, partner…) are filled on its first row.',
    },
    {
      fr: "Aucun nom ni numéro de téléphone : les références de cas sont remplacées par un pseudonyme dès l'import et ne sont jamais conservées.",
      en: 'No names or phone numbers: case references are replaced by a pseudonym on import and never kept.',
    },
    {
      fr: "Importez avec POST /deliveries/import ; toute erreur est listée avec son numéro de ligne et rien n'est importé.",
      en: 'Import with POST /deliveries/import; every error is listed with its row number and nothing is imported.',
    },
  ],
  columns: [
    col(
      'Réf. distribution',
      'Delivery ref',
      'Votre référence de la distribution (64 caractères au plus).',
      'Your reference of the delivery (at most 64 characters).',
      { required: true },
    ),
    col(
      'Date',
      'Date',
      'JJ/MM/AAAA ou AAAA-MM-JJ, pas dans le futur.',
      'DD/MM/YYYY or YYYY-MM-DD, not in the future.',
      { required: true },
    ),
    col("Type d'assistance", 'Kind', "Nature de l'aide.", 'What was delivered.', {
      required: true,
      choices: both('assistanceKind'),
    }),
    col(
      'Contexte',
      'Context',
      "programme, covid19 ou un autre code d'urgence.",
      'programme, covid19 or another emergency code.',
      { required: true },
    ),
    col('Partenaire', 'Partner id', 'Identifiant du partenaire qui a distribué.', 'Id of the partner who delivered.', {
      required: true,
    }),
    col('Pays', 'Country', 'Code ISO du pays (MA…).', 'ISO country code (MA…).', {
      required: true,
      choices: { fr: COUNTRIES, en: COUNTRIES },
    }),
    col('Région', 'Region', 'Facultatif.', 'Optional.'),
    col('Ville', 'City', 'Facultatif.', 'Optional.'),
    col(
      "Ligne d'activité",
      'Activity line',
      'Ligne du cadre de résultats, ex. 1.4.',
      'Line of the results framework, e.g. 1.4.',
      { required: true },
    ),
    col('Quantité', 'Quantity', 'Quantité distribuée (1 200,5 accepté).', 'Quantity delivered (1,200.5 or 1 200,5).', {
      required: true,
    }),
    col('Unité', 'Unit', 'Unité de la quantité (colis, kit…).', 'Unit of the quantity (parcel, kit…).', {
      required: true,
    }),
    col('Montant', 'Amount', 'Pour espèces ou bons.', 'For cash or vouchers.'),
    col('Devise', 'Currency', 'Code ISO 4217 (MAD…), avec un montant.', 'ISO 4217 code (MAD…), with an amount.'),
    col(
      'Référence du cas',
      'Case reference',
      'Une personne par ligne ; laisser vide pour un groupe compté.',
      'One person per row; leave empty for a counted group.',
    ),
    col('Sexe', 'Sex', 'Sexe de la personne ou du groupe.', 'Sex of the person or group.', {
      required: true,
      choices: both('sex'),
    }),
    col("Tranche d'âge", 'Age group', "Ou l'âge dans la colonne suivante.", 'Or the age in the next column.', {
      choices: both('ageGroup'),
    }),
    col(
      'Âge',
      'Age',
      "En années (0 à 120), si la tranche d'âge est vide.",
      'In years (0 to 120), when the age group is empty.',
    ),
    col(
      'Vulnérabilités',
      'Vulnerabilities',
      'Vide = aucune ; plusieurs séparées par |.',
      'Empty = none; several separated by |.',
      { choices: both('vulnerability'), strict: false },
    ),
    col(
      'Nombre',
      'Count',
      'Pour un groupe sans références : combien de personnes.',
      'For a group without references: how many people.',
    ),
  ],
};

/** `GET /deliveries/template?format=xlsx|csv&lang=fr|en`: a blank distribution list to fill, as a download. */
export function templateRoute(api: Api) {
  sheetDownloadRoute(
    api,
    '/deliveries/template',
    {
      summary: 'Download the distribution list template',
      scope: 'assistance:read',
      file: 'distribution-template',
      description:
        'XLSX: headers in the language, drop-down lists for closed lists, an instructions sheet. CSV: UTF-8 with BOM, `;`-separated in French, `,` in English.',
    },
    (format, lang) => writeTemplate(DISTRIBUTION_TEMPLATE, format, lang),
  );
}
