import type { FactsView } from '../query/figures.js';
import { summaryBreakdowns, type Localized } from '@passerelle/contracts';
import { FactKind } from '../facts/facts.js';
import { protectionNote, type Cell, type Policy, type Shown } from '../query/disclosure.js';
import { figure, Measure, single, type Figure } from '../query/figures.js';
import { partnerNames } from '../query/reference.js';
import { Counting, peopleCounting } from './counting.js';
import type { Scope } from './scope.js';
import { protectionSentence } from './factsheet/factsheet-format.js';
import { col, label, TABLE, VALUE_SETS } from './labels.js';
import { ColumnKind, type Lang, type Table } from './tables.js';

export { Counting } from './counting.js';

export type SummaryCell = Cell & { counting: string; name?: Localized | null };

export interface Breakdown {
  by: string;
  measure: 'trainings' | 'participants' | 'people' | 'deliveries';
  cells: SummaryCell[];
}

export interface Summary {
  period: { key: string; from: string | null; to: string | null };
  totals: Record<string, Omit<SummaryCell, 'key'>>;
  breakdowns: Breakdown[];
  notes: string[];
  suppressedCells: number;
  protection: string;
}

/** The trainings summary's breakdowns, as the contracts' dimensions table places them. */
export const TRAININGS_BREAKDOWNS = summaryBreakdowns('trainings');
/**
 * The assistance summary's breakdowns. By partner is no dimension (a partner is reference data, and its cells carry
 * the partner's name), so it is named here, at its place among the table's.
 */
export const ASSISTANCE_BREAKDOWNS = summaryBreakdowns('assistance', [
  { field: 'partnerId', place: 2, activities: true },
]);

const periodOf = (s: Scope) => ({ key: s.period.key, from: s.period.from ?? null, to: s.period.to ?? null });
const totalOf = ({ key: _k, ...c }: Cell, counting: string) => ({ ...c, counting });

/** Trainings held (distinct) and participants (sum of attendance): in total and by each of TRAININGS_BREAKDOWNS. */
export async function trainingsSummary(facts: FactsView, scope: Scope, p: Policy): Promise<Summary> {
  const held = { ...scope.match, kind: FactKind.TrainingsHeld };
  const attendance = { ...scope.match, kind: FactKind.Attendance };
  const trainings = (by?: string) =>
    figure(facts, { match: held, measure: Measure.Distinct, field: 'trainingId', by }, p);
  const participants = (by?: string) => figure(facts, { match: attendance, measure: Measure.Sum, by }, p);
  const breakdowns: Breakdown[] = [];
  let hidden = 0;
  const add = (by: string, measure: Breakdown['measure'], f: Figure, counting: string) => {
    hidden += f.hidden;
    breakdowns.push({ by, measure, cells: f.cells.map((c) => ({ ...c, counting })) });
  };
  for (const { field: by, activities } of TRAININGS_BREAKDOWNS) {
    if (activities) add(by, 'trainings', await trainings(by), Counting.Trainings);
    add(by, 'participants', await participants(by), Counting.Participants);
  }
  const [t, n] = [await trainings(), await participants()];
  hidden += t.hidden + n.hidden;
  return {
    period: periodOf(scope),
    totals: {
      trainings: totalOf(single(t), Counting.Trainings),
      participants: totalOf(single(n), Counting.Participants),
    },
    breakdowns,
    notes: [
      'A training on several topics counts under each of its topics, so topic figures add up to more than the total.',
    ],
    suppressedCells: hidden,
    protection: protectionNote(hidden, p),
  };
}

const peopleCells = (f: Figure, name?: (c: Cell) => object): SummaryCell[] =>
  f.cells.map((c) => ({ ...c, counting: peopleCounting(c.countedPeople as Shown), ...(name ? name(c) : {}) }));

/**
 * People reached and deliveries (distinct), in total and by each of ASSISTANCE_BREAKDOWNS. Every people figure
 * gives its two parts: distinct people of beneficiary lists and people counted without a list.
 */
export async function assistanceSummary(facts: FactsView, scope: Scope, p: Policy): Promise<Summary> {
  const people = { ...scope.match, kind: FactKind.Beneficiaries };
  const deliveries = { ...scope.match, kind: FactKind.Deliveries };
  const names = await partnerNames(facts, scope.match);
  const withName = (by: string) => (c: Cell) => (by === 'partnerId' ? { name: names.get(String(c.key)) ?? null } : {});
  const breakdowns: Breakdown[] = [];
  let hidden = 0;
  for (const { field: by, activities } of ASSISTANCE_BREAKDOWNS) {
    const f = await figure(facts, { match: people, measure: Measure.Unique, by }, p);
    hidden += f.hidden;
    breakdowns.push({ by, measure: 'people', cells: peopleCells(f, withName(by)) });
    if (activities) {
      const d = await figure(facts, { match: deliveries, measure: Measure.Distinct, field: 'deliveryId', by }, p);
      hidden += d.hidden;
      breakdowns.push({
        by,
        measure: 'deliveries',
        cells: d.cells.map((c) => ({ ...c, counting: Counting.Deliveries, ...withName(by)(c) })),
      });
    }
  }
  const total = await figure(facts, { match: people, measure: Measure.Unique }, p);
  const d = await figure(facts, { match: deliveries, measure: Measure.Distinct, field: 'deliveryId' }, p);
  hidden += total.hidden + d.hidden;
  const people0 = single(total);
  return {
    period: periodOf(scope),
    totals: {
      people: totalOf({ keyedPeople: 0, countedPeople: 0, ...people0 }, peopleCounting(people0.countedPeople ?? 0)),
      deliveries: totalOf(single(d), Counting.Deliveries),
    },
    breakdowns,
    notes: [
      'People: keyedPeople are distinct people of beneficiary lists, counted once; countedPeople were counted without a list and are added, so a total with countedPeople may count a person twice.',
      'A person with several vulnerabilities counts under each of them.',
    ],
    suppressedCells: hidden,
    protection: protectionNote(hidden, p),
  };
}

const PEOPLE_NOTES = {
  en: [
    'People: "keyed people" are distinct people of beneficiary lists, counted once; "people counted without a list" are added, so a total with them may count a person twice.',
    'A person with several vulnerabilities counts under each of them.',
  ],
  fr: [
    "Personnes : les « personnes des listes » sont des personnes distinctes des listes de bénéficiaires, comptées une fois ; les « personnes comptées sans liste » s'y ajoutent, si bien qu'un total qui en contient peut compter une personne deux fois.",
    'Une personne avec plusieurs vulnérabilités compte sous chacune.',
  ],
};
const TRAINING_NOTES = {
  en: ['A training on several topics counts under each of its topics, so topic figures add up to more than the total.'],
  fr: ["Une formation sur plusieurs thèmes compte sous chacun d'eux : les chiffres par thème dépassent le total."],
};

/** The label of a breakdown value in the language: a partner's name, a vocabulary label, or the value itself (a region). */
const valueLabel = (by: string, c: SummaryCell, lang: Lang) =>
  c.name
    ? c.name[lang]
    : VALUE_SETS[by]
      ? label(VALUE_SETS[by]!, c.key, lang)
      : (c.key ?? label('dimension', null, lang));

/** A summary as one table in the language: totals first, then each breakdown's cells; people figures with their two parts. */
export function summaryTable(s: Summary, lang: Lang, what: 'trainings' | 'assistance', p: Policy): Table {
  const yes = (b: unknown) => (b ? TABLE.yes[lang] : '');
  const columns = [
    { header: col('breakdown', lang) },
    { header: col('value', lang) },
    { header: col('code', lang) },
    { header: col('measure', lang) },
    { header: col('figure', lang), kind: ColumnKind.Integer },
    { header: col('keyed', lang), kind: ColumnKind.Integer },
    { header: col('counted', lang), kind: ColumnKind.Integer },
    { header: col('hidden', lang) },
    { header: col('rounded', lang) },
    { header: col('counting', lang) },
  ];
  const measureOf = (m: string) => label('measure', m, lang);
  const rows: Table['rows'] = Object.entries(s.totals).map(([m, t]) => [
    label('dimension', 'total', lang),
    '',
    '',
    measureOf(m),
    t.value,
    t.keyedPeople,
    t.countedPeople,
    yes(t.suppressed),
    yes(t.rounded),
    label('counting', t.counting, lang),
  ]);
  for (const b of s.breakdowns) {
    for (const c of b.cells) {
      rows.push([
        label('dimension', b.by, lang),
        valueLabel(b.by, c, lang),
        c.key,
        measureOf(b.measure),
        c.value,
        c.keyedPeople,
        c.countedPeople,
        yes(c.suppressed),
        yes(c.rounded),
        label('counting', c.counting, lang),
      ]);
    }
  }
  const period =
    lang === 'fr'
      ? `Période ${s.period.key}${s.period.from ? ` (du ${s.period.from} au ${s.period.to})` : ''}`
      : `Period ${s.period.key}${s.period.from ? ` (${s.period.from} to ${s.period.to})` : ''}`;
  const notes = what === 'assistance' ? PEOPLE_NOTES[lang] : TRAINING_NOTES[lang];
  return {
    sheet: TABLE.sheet[what][lang],
    notesSheet: TABLE.notesSheet[lang],
    columns,
    rows,
    notes: [period, ...notes, protectionSentence(p, s.suppressedCells, lang)],
  };
}
