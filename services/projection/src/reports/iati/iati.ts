import type { FactsView } from '../../query/figures.js';
import { RULE_SOURCES, type IndicatorDefinitionData, type PublishedFrameworkData } from '@passerelle/contracts';
import { RuleViolation, assertCountry, type Principal } from '@passerelle/platform';
import { indicatorProgress } from '../progress.js';
import { indicatorDefinitions, latestActivityDate, plannedPeriods, publishedFramework } from '../../query/reference.js';
import { parsePeriod } from '../../query/periods.js';
import { withheldUnder, type Policy } from '../../query/disclosure.js';
import {
  ACTIVITY_DATE_ACTUAL_START,
  ACTIVITY_STATUS_IMPLEMENTATION,
  DESCRIPTION,
  IOM_NAME,
  IOM_ORG_ID,
  IOM_ORG_TYPE,
  OWN_VOCABULARY,
  RESULT_TYPE,
  RESULT_TYPE_OTHER,
  ROLE_IMPLEMENTING,
  alignmentTags,
  indicatorMeasure,
  indicatorUri,
  narratives,
  nodeVocabularyUri,
} from './iati-codes.js';
import { el, renderXml, type XmlElement } from './iati-xml.js';

type Progress = Awaited<ReturnType<typeof indicatorProgress>>;
type Row = Progress['indicators'][number];
type Text = { fr: string; en: string };
// The shapes of the contracts, as the read model keeps them.
type Framework = PublishedFrameworkData;
type Definition = Pick<IndicatorDefinitionData, 'code' | 'definition' | 'alignments'>;

export interface IatiRequest {
  frameworkId: string;
  /** One period (PY1, 2020, 2020-Q1, 2020-03), or every programme year when left out. */
  period?: string;
  principal: Principal;
  protection: Policy;
  /** The record-time instant the figures are as of, when not now. */
  asOf?: string;
  now: Date;
}

/** A programme longer than this is not one programme; it bounds the work of "every programme year". */
const MAX_PROGRAMME_YEARS = 20;
/** Dimension value of facts that do not say (e.g. attendance recorded without age groups). */
const NOT_RECORDED = 'not recorded';

const withheld = (threshold: number) =>
  el(
    'comment',
    {},
    narratives({
      en: `Value withheld to protect people: fewer than ${threshold} in a sensitive group (victims of trafficking, children, or an indicator marked sensitive).`,
      fr: `Valeur masquée pour protéger les personnes : moins de ${threshold} dans un groupe sensible (victimes de traite, enfants, ou indicateur marqué sensible).`,
    }),
  );
const withheldToo = () =>
  el(
    'comment',
    {},
    narratives({
      en: 'Value withheld to protect people: shown, it would let a smaller withheld value be worked out from the total.',
      fr: 'Valeur masquée pour protéger les personnes : affichée, elle permettrait de retrouver une petite valeur masquée à partir du total.',
    }),
  );

const rounded = (threshold: number) =>
  el(
    'comment',
    {},
    narratives({
      en: `Rounded to protect people: the part of this value that counts people of protected groups is rounded to a multiple of ${threshold}.`,
      fr: `Arrondi pour protéger les personnes : la part de cette valeur qui compte des personnes de groupes protégés est arrondie à un multiple de ${threshold}.`,
    }),
  );

/** The actual of a period: the total, then one actual per cell of each disaggregation, hidden cells without a value but with a comment. */
function actuals(row: Row, threshold: number): XmlElement[] {
  const out: XmlElement[] = [];
  if (typeof row.actual === 'number') out.push(el('actual', { value: row.actual }, row.rounded && rounded(threshold)));
  else if (row.actual !== null) out.push(el('actual', {}, withheld(threshold)));
  for (const [name, cells] of Object.entries(row.breakdowns)) {
    for (const c of cells) {
      const dimension = el('dimension', { name, value: c.key ?? NOT_RECORDED });
      if (typeof c.value === 'number')
        out.push(el('actual', { value: c.value }, dimension, c.rounded && rounded(threshold)));
      else out.push(el('actual', {}, dimension, c.value === null ? withheldToo() : withheld(threshold)));
    }
  }
  return out;
}

function indicator(
  frameworkId: string,
  def: Definition | undefined,
  periods: Array<{ period: Progress['period']; row: Row }>,
  today: string,
  threshold: number,
): XmlElement {
  const { row: first } = periods[0]!;
  const baseline = first.baseline ? { value: first.baseline.value, date: String(first.baseline.date) } : null;
  return el(
    'indicator',
    { measure: indicatorMeasure(first.unit) },
    el('title', {}, narratives(first.name as Text)),
    def && el('description', {}, narratives(def.definition)),
    el('reference', {
      vocabulary: OWN_VOCABULARY,
      code: first.code,
      'indicator-uri': indicatorUri(frameworkId, first.code),
    }),
    baseline &&
      el('baseline', { year: Number(baseline.date.slice(0, 4)), 'iso-date': baseline.date, value: baseline.value }),
    periods.map(({ period, row }) =>
      el(
        'period',
        {},
        el('period-start', { 'iso-date': period.from }),
        el('period-end', { 'iso-date': period.to }),
        row.target &&
          el(
            'target',
            { value: row.target.value },
            el(
              'comment',
              {},
              narratives({
                en: `Target version ${String(row.target.version)}`,
                fr: `Version ${String(row.target.version)} de la cible`,
              }),
            ),
          ),
        // A period that has not begun has no actual yet; 0 would read as a result.
        period.from! <= today && actuals(row, threshold),
      ),
    ),
  );
}

/** One result per node with indicators, in the order of the framework's tree; indicators of unknown nodes last. */
function results(
  frameworkId: string,
  fw: Framework,
  definitions: Definition[],
  progress: Progress[],
  today: string,
  threshold: number,
): XmlElement[] {
  const codes = [...new Set([...fw.nodes.map((n) => n.code), ...progress[0]!.indicators.map((r) => r.node)])];
  return codes.flatMap((code) => {
    const rows = progress[0]!.indicators
      .filter((r) => r.node === code)
      .sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }));
    if (rows.length === 0) return [];
    const node = fw.nodes.find((n) => n.code === code);
    return [
      el(
        'result',
        { type: node ? (RESULT_TYPE[node.level] ?? RESULT_TYPE_OTHER) : RESULT_TYPE_OTHER },
        el('title', {}, node ? narratives(node.title) : narratives({ en: code, fr: code })),
        el('reference', { vocabulary: OWN_VOCABULARY, code, 'vocabulary-uri': nodeVocabularyUri(frameworkId) }),
        rows.map((r) =>
          indicator(
            frameworkId,
            definitions.find((d) => d.code === r.code),
            progress.map((p) => ({ period: p.period, row: p.indicators.find((i) => i.code === r.code)! })),
            today,
            threshold,
          ),
        ),
      ),
    ];
  });
}

/** A period IATI can carry: one with a start and an end. */
function checkedPeriod(key: string, programmeStart: string): string {
  const p = parsePeriod(key, programmeStart);
  if (!p.from || !p.to)
    throw new RuleViolation(
      'PERIOD_WITHOUT_DATES',
      `an IATI period has a start and an end: ask for PY1, 2020, 2020-Q1 or 2020-03, or leave period out for every programme year`,
    );
  return key;
}

/** Programme years from the first to the last one holding a target, a reported value or an activity of the country. */
async function programmeYears(
  facts: FactsView,
  frameworkId: string,
  country: string,
  programmeStart: string,
  today: string,
): Promise<string[]> {
  const yearOf = (date: string) => {
    for (let k = 1; k <= MAX_PROGRAMME_YEARS; k++) if (parsePeriod(`PY${k}`, programmeStart).to! >= date) return k;
    return MAX_PROGRAMME_YEARS;
  };
  const [planned, latest] = await Promise.all([
    plannedPeriods(facts, frameworkId),
    latestActivityDate(facts, country, today, Object.keys(RULE_SOURCES)),
  ]);
  let last = latest ? yearOf(latest) : 1;
  for (const p of planned) last = Math.max(last, Number(/^PY(\d+)$/.exec(p)?.[1] ?? 1));
  return Array.from({ length: Math.min(last, MAX_PROGRAMME_YEARS) }, (_, i) => `PY${i + 1}`);
}

/** The IATI file's own wording of what it withheld: it says each withheld or rounded value carries a comment. */
function protectionNote(hidden: number, protection: Policy): Text {
  const w = withheldUnder(protection, hidden);
  if (w.internal)
    return {
      en: 'Internal file: no value is withheld. It holds small figures of sensitive groups and must not be published.',
      fr: 'Fichier interne : aucune valeur masquée. Il contient de petits effectifs de groupes sensibles et ne doit pas être publié.',
    };
  const t = w.threshold;
  const rounding = {
    en: ` The part of a value that counts people of protected groups is rounded to a multiple of ${t}; such values carry a comment.`,
    fr: ` La part d'une valeur qui compte des personnes de groupes protégés est arrondie à un multiple de ${t} ; ces valeurs portent un commentaire.`,
  };
  if (w.hidden === 0)
    return {
      en: `No value had to be withheld (values of sensitive groups under ${t} would be).${rounding.en}`,
      fr: `Aucune valeur n'a dû être masquée (les valeurs de groupes sensibles inférieures à ${t} le seraient).${rounding.fr}`,
    };
  return {
    en: `${w.hidden} value(s) withheld to protect people in small sensitive groups (under ${t}); each one carries a comment saying so.${rounding.en}`,
    fr: `${w.hidden} valeur(s) masquée(s) pour protéger les personnes de petits groupes sensibles (moins de ${t}) ; chacune porte un commentaire qui le dit.${rounding.fr}`,
  };
}

/**
 * The IATI 2.03 activities document of a framework (the programme in one country): one activity with its SDG,
 * Global Compact and SNIA tags and one result per node with indicators, figures from indicatorProgress, so small
 * cells are hidden exactly as in the other reports.
 */
export async function iatiActivities(facts: FactsView, req: IatiRequest): Promise<string> {
  const { frameworkId } = req;
  const country = frameworkId.split('-').pop()!;
  assertCountry(req.principal, country);
  const fw = (await publishedFramework(facts, frameworkId, req.principal)) as unknown as Framework;
  const today = (req.asOf ?? req.now.toISOString()).slice(0, 10);
  const keys = req.period
    ? [checkedPeriod(req.period, fw.programmeStart)]
    : await programmeYears(facts, frameworkId, country, fw.programmeStart, today);
  const progress: Progress[] = [];
  for (const key of keys)
    progress.push(await indicatorProgress(facts, frameworkId, key, req.principal, req.protection));
  const definitions = await indicatorDefinitions<Definition>(facts, frameworkId);
  const hidden = progress.reduce((n, p) => n + p.indicators.reduce((m, r) => m + r.suppressedCells, 0), 0);
  const objective = fw.nodes.find((n) => n.level === 'objective');
  const asOf = req.asOf ?? req.now.toISOString();

  const activity = el(
    'iati-activity',
    { 'xml:lang': 'en' },
    el('iati-identifier', {}, `${IOM_ORG_ID}-${frameworkId}`),
    el('reporting-org', { ref: IOM_ORG_ID, type: IOM_ORG_TYPE }, narratives(IOM_NAME)),
    el('title', {}, narratives(fw.title)),
    el('description', { type: DESCRIPTION.general }, narratives(fw.context)),
    objective && el('description', { type: DESCRIPTION.objectives }, narratives(objective.title)),
    fw.targetGroups.length > 0 &&
      el(
        'description',
        { type: DESCRIPTION.targetGroups },
        narratives({
          en: fw.targetGroups.map((g) => g.en).join('; '),
          fr: fw.targetGroups.map((g) => g.fr).join(' ; '),
        }),
      ),
    el(
      'description',
      { type: DESCRIPTION.other },
      narratives({
        en: `Results of framework ${frameworkId} version ${fw.frameworkVersion}, as recorded at ${asOf}. ${protectionNote(hidden, req.protection).en}`,
        fr: `Résultats du cadre ${frameworkId} version ${fw.frameworkVersion}, tels qu'enregistrés au ${asOf}. ${protectionNote(hidden, req.protection).fr}`,
      }),
    ),
    el('participating-org', { ref: IOM_ORG_ID, type: IOM_ORG_TYPE, role: ROLE_IMPLEMENTING }, narratives(IOM_NAME)),
    el('activity-status', { code: ACTIVITY_STATUS_IMPLEMENTATION }),
    el('activity-date', { type: ACTIVITY_DATE_ACTUAL_START, 'iso-date': fw.programmeStart }),
    el('recipient-country', { code: country }),
    alignmentTags([...fw.nodes.flatMap((n) => n.alignments ?? []), ...definitions.flatMap((d) => d.alignments ?? [])]),
    results(frameworkId, fw, definitions, progress, today, req.protection.threshold),
  );

  return renderXml(el('iati-activities', { version: '2.03', 'generated-datetime': req.now.toISOString() }, activity));
}
