import { labelsOf } from '@passerelle/contracts';
import { writeTemplate, type TemplateSpec } from '@passerelle/sheets';
import { sheetDownloadRoute, type Api } from '@passerelle/platform';

const both = (list: Parameters<typeof labelsOf>[0]) => ({ fr: labelsOf(list, 'fr'), en: labelsOf(list, 'en') });

/** The attendance sheet template: every header is one the importer accepts, every drop-down a catalogue label. */
export const ATTENDANCE_TEMPLATE: TemplateSpec = {
  title: { fr: "Liste de présence d'une formation", en: 'Training attendance list' },
  sheet: { fr: 'Présence', en: 'Attendance' },
  notes: [
    {
      fr: "Une ligne par groupe de participants de même sexe, catégorie (et tranche d'âge, institution), avec leur nombre. Pas de noms.",
      en: 'One row per group of participants of the same sex, category (and age group, institution), with their number. No names.',
    },
    {
      fr: "Importez la feuille « Présence » (ou un CSV) avec POST /trainings/{id}/attendance/import ; toute erreur est listée avec son numéro de ligne et rien n'est importé.",
      en: 'Import the "Attendance" sheet (or a CSV) with POST /trainings/{id}/attendance/import; every error is listed with its row number and nothing is imported.',
    },
  ],
  columns: [
    {
      header: { fr: 'Sexe', en: 'Sex' },
      help: { fr: 'Sexe des participants.', en: "Participants' sex." },
      required: true,
      choices: both('sex'),
    },
    {
      header: { fr: 'Catégorie', en: 'Category' },
      help: { fr: 'Fonction des participants.', en: "Participants' role." },
      required: true,
      choices: both('participantCategory'),
    },
    {
      header: { fr: "Tranche d'âge", en: 'Age group' },
      help: { fr: 'Facultatif.', en: 'Optional.' },
      choices: both('ageGroup'),
    },
    {
      header: { fr: 'Institution', en: 'Institution' },
      help: {
        fr: "Facultatif : l'institution des participants (200 caractères au plus).",
        en: "Optional: the participants' institution (at most 200 characters).",
      },
    },
    {
      header: { fr: 'Nombre', en: 'Count' },
      help: { fr: 'Nombre entier de participants.', en: 'Whole number of participants.' },
      required: true,
    },
  ],
};

/** `GET <path>?format=xlsx|csv&lang=fr|en`: a blank list to fill, as a download. */
export function templateRoute(
  api: Api,
  path: string,
  spec: TemplateSpec,
  opts: { scope: string; tag: string; file: string },
) {
  sheetDownloadRoute(
    api,
    path,
    {
      summary: 'Download the import template',
      description:
        'XLSX: headers in the language, drop-down lists for closed lists, an instructions sheet. CSV: UTF-8 with BOM, `;`-separated in French, `,` in English.',
      ...opts,
    },
    (format, lang) => writeTemplate(spec, format, lang),
  );
}
