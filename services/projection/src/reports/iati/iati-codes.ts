import { alignmentEntry, type Alignment } from '@passerelle/contracts';
import { el, type XmlElement } from './iati-xml.js';

/**
 * Codes of the IATI 2.03 codelists this report uses, and the programme's own vocabularies (IATI vocabulary 99,
 * "reporting organisation", each named by a URI).
 */

/**
 * IOM's organisation identifier in IATI (DAC channel code 47066). The programme is IOM's, so IOM reports it and
 * every activity identifier starts with this.
 */
export const IOM_ORG_ID = 'XM-DAC-47066';
/** OrganisationType 40: multilateral. */
export const IOM_ORG_TYPE = '40';
export const IOM_NAME = {
  en: 'International Organization for Migration',
  fr: 'Organisation internationale pour les migrations',
};

/** ResultType: 1 output, 2 outcome, 3 impact, 9 other. Activity lines lead to outputs. */
export const RESULT_TYPE: Record<string, string> = { objective: '3', outcome: '2', output: '1', activity_line: '1' };
export const RESULT_TYPE_OTHER = '9';
/** IndicatorMeasure: 1 unit, 2 percentage. Counts and milestones (1 achieved, 0 not yet) are units. */
export const indicatorMeasure = (unit: string) => (unit === 'percent' ? '2' : '1');
/** ActivityStatus 2: implementation. Frameworks carry no end date, so a published one is taken as running. */
export const ACTIVITY_STATUS_IMPLEMENTATION = '2';
/** ActivityDateType 2: actual start. */
export const ACTIVITY_DATE_ACTUAL_START = '2';
/** OrganisationRole 4: implementing. */
export const ROLE_IMPLEMENTING = '4';
/** DescriptionType: 1 general, 2 objectives, 3 target groups, 4 other. */
export const DESCRIPTION = { general: '1', objectives: '2', targetGroups: '3', other: '4' } as const;
/** IndicatorVocabulary and ResultVocabulary 99: the reporting organisation's own codes. */
export const OWN_VOCABULARY = '99';

/**
 * Where the programme's own codes are defined. The passerelle.dev namespace is the one problem types use; the
 * indicators service serves the contents (GET /frameworks/:id, GET /catalogues/alignments).
 */
const VOCABULARIES = 'https://passerelle.dev/vocabularies';
export const nodeVocabularyUri = (frameworkId: string) =>
  `${VOCABULARIES}/frameworks/${encodeURIComponent(frameworkId)}/nodes`;
export const indicatorUri = (frameworkId: string, code: string) =>
  `${VOCABULARIES}/frameworks/${encodeURIComponent(frameworkId)}/indicators/${encodeURIComponent(code)}`;

/**
 * TagVocabulary (IATI non-embedded codelist): 1 is Agrovoc, 2 SDG goals ("10"), 3 SDG targets ("10.7"),
 * 99 the reporting organisation's own. The Global Compact (UN General Assembly resolution 73/195) and Morocco's
 * SNIA have no IATI vocabulary, so they are 99 with a URI each.
 */
const TAG = { sdgGoal: '2', sdgTarget: '3', own: '99' } as const;
const GCM_URI = 'https://undocs.org/A/RES/73/195';
const SNIA_URI = `${VOCABULARIES}/snia-osp`;

/** Narratives in English and French (IATI allows one per language). */
export const narratives = (text: { fr: string; en: string }) => [
  el('narrative', { 'xml:lang': 'en' }, text.en),
  el('narrative', { 'xml:lang': 'fr' }, text.fr),
];
const byCode = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * The activity's `tag` elements from every alignment of its nodes and indicators: SDG goals and targets (a target
 * also tags its goal), then Global Compact objectives and SNIA specific objectives. Each once, labelled fr and en.
 */
export function alignmentTags(alignments: Alignment[]): XmlElement[] {
  const sdgGoals = new Set<string>();
  const sdgTargets = new Set<string>();
  const own = { gcm: new Set<string>(), snia: new Set<string>() };
  for (const a of alignments) {
    if (a.framework !== 'sdg') own[a.framework].add(a.code);
    else if (!a.code.includes('.')) sdgGoals.add(a.code);
    else {
      sdgTargets.add(a.code);
      sdgGoals.add(alignmentEntry(a)?.parent ?? a.code.split('.')[0]!);
    }
  }
  const tag = (framework: Alignment['framework'], code: string, vocabulary: string, uri?: string) => {
    const label = alignmentEntry({ framework, code })?.label;
    return el('tag', { vocabulary, 'vocabulary-uri': uri, code }, label ? narratives(label) : []);
  };
  return [
    ...[...sdgGoals].sort(byCode).map((c) => tag('sdg', c, TAG.sdgGoal)),
    ...[...sdgTargets].sort(byCode).map((c) => tag('sdg', c, TAG.sdgTarget)),
    ...[...own.gcm].sort(byCode).map((c) => tag('gcm', c, TAG.own, GCM_URI)),
    ...[...own.snia].sort(byCode).map((c) => tag('snia', c, TAG.own, SNIA_URI)),
  ];
}
