import type { FactsView } from '../query/figures.js';
import { z } from 'zod';
import type { Localized } from '@passerelle/contracts';
import { FactKind } from '../facts/facts.js';
import { protectionNote, type Policy, type Shown } from '../query/disclosure.js';
import { figure, Measure, type Doc, type Figure } from '../query/figures.js';
import { partnerNames, trainingPartners } from '../query/reference.js';
import { Counting, peopleCounting } from './counting.js';
import type { Scope } from './scope.js';
import { protectionSentence } from './factsheet/factsheet-format.js';
import { col, label, TABLE } from './labels.js';
import { ColumnKind, type Lang, type Table } from './tables.js';

export const Granularity = z.enum(['month', 'quarter', 'year']).default('month');
export type Granularity = z.infer<typeof Granularity>;

/** The time bucket of a business date: 2020-05, 2020-Q2 or 2020. */
export function bucket(date: string, g: Granularity): string {
  if (g === 'year') return date.slice(0, 4);
  if (g === 'quarter') return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
  return date.slice(0, 7);
}

export type ActivityType = 'training' | 'assistance' | 'support';

export interface ThreeWRow {
  partnerId: string | null;
  partner: Localized | null;
  activityLine: string | null;
  type: ActivityType;
  /** `training`, the assistance kind delivered or the kind of support given. */
  kind: string;
  region: string | null;
  when: string;
  figure: number | string | null;
  unit: 'participants' | 'people reached' | 'supports';
  counting: string;
  /** Trainings held or deliveries made behind the figure (not given for supports: the figure counts them). */
  activities?: number;
  keyedPeople?: Shown;
  countedPeople?: Shown;
  roundedParts?: Array<'keyedPeople' | 'countedPeople'>;
  suppressed?: true;
  rounded?: true;
}

const KEY_FIELDS = ['partnerId', 'activity_line', 'what', 'region', 'businessDate', 'trainingId'];
type Key = [partnerId: string | null, activityLine: string | null, kind: string, region: string | null, when: string];
const str = (v: unknown) => (v === undefined || v === null ? null : String(v));

/**
 * Who (partner) does what (activity line and kind) where (region) when (month, quarter or year), with a figure each.
 * Participants of a training count under each of its partners; people are unique per row where keys exist. Every
 * figure is a breakdown published by the query layer (the row is its key).
 */
export async function threeW(facts: FactsView, scope: Scope, g: Granularity, p: Policy) {
  const names = await partnerNames(facts, scope.match);
  const partnersOf = await trainingPartners(facts, scope.match);
  const keyOf = (kind: (d: Doc) => string, partners: (d: Doc) => Array<string | null>) => (d: Doc) =>
    partners(d).map((partner) =>
      JSON.stringify([
        partner,
        str(d.activity_line),
        kind(d),
        str(d.region),
        bucket(String(d.businessDate), g),
      ] satisfies Key),
    );
  const ofTraining = (d: Doc) => partnersOf.get(String(d.trainingId)) ?? [null];
  const own = (d: Doc) => [str(d.partnerId)];
  const what = (d: Doc) => str(d.what) ?? 'other';
  const q = (kind: string, measure: Measure, group: (d: Doc) => string[], field?: string) =>
    figure(facts, { match: { ...scope.match, kind }, measure, field, groupOf: group, fields: KEY_FIELDS }, p);

  const sections: Array<{
    type: ActivityType;
    unit: ThreeWRow['unit'];
    figure: Figure;
    activities?: Figure;
    counting?: string;
  }> = [
    {
      type: 'training',
      unit: 'participants',
      figure: await q(
        FactKind.Attendance,
        Measure.Sum,
        keyOf(() => 'training', ofTraining),
      ),
      activities: await q(
        FactKind.TrainingsHeld,
        Measure.Distinct,
        keyOf(() => 'training', ofTraining),
        'trainingId',
      ),
      counting: Counting.Participants,
    },
    {
      type: 'assistance',
      unit: 'people reached',
      figure: await q(FactKind.Beneficiaries, Measure.Unique, keyOf(what, own)),
      activities: await q(FactKind.Deliveries, Measure.Distinct, keyOf(what, own), 'deliveryId'),
    },
    {
      type: 'support',
      unit: 'supports',
      figure: await q(FactKind.PartnersSupported, Measure.Count, keyOf(what, own)),
      counting: Counting.Supports,
    },
  ];
  const out: ThreeWRow[] = [];
  let hidden = 0;
  for (const s of sections) {
    hidden += s.figure.hidden;
    const keys = new Set([...s.figure.cells.map((c) => c.key), ...(s.activities?.cells ?? []).map((c) => c.key)]);
    for (const key of keys) {
      const [partnerId, activityLine, kind, region, when] = JSON.parse(String(key)) as Key;
      const c = s.figure.cells.find((x) => x.key === key);
      const a = s.activities?.cells.find((x) => x.key === key);
      out.push({
        partnerId,
        partner: partnerId ? (names.get(partnerId) ?? null) : null,
        activityLine,
        type: s.type,
        kind,
        region,
        when,
        figure: c ? c.value : 0,
        unit: s.unit,
        counting: s.counting ?? peopleCounting(c?.countedPeople),
        ...(c && 'keyedPeople' in c
          ? {
              keyedPeople: c.keyedPeople ?? null,
              countedPeople: c.countedPeople ?? null,
              ...(c.roundedParts ? { roundedParts: c.roundedParts } : {}),
            }
          : {}),
        ...(s.activities ? { activities: typeof a?.value === 'number' ? a.value : 0 } : {}),
        ...(c?.suppressed ? { suppressed: true as const } : {}),
        ...(c?.rounded ? { rounded: true as const } : {}),
      });
    }
  }
  out.sort(
    (a, b) =>
      a.when.localeCompare(b.when) ||
      String(a.partnerId).localeCompare(String(b.partnerId)) ||
      String(a.activityLine).localeCompare(String(b.activityLine)) ||
      a.type.localeCompare(b.type) ||
      a.kind.localeCompare(b.kind) ||
      String(a.region).localeCompare(String(b.region)),
  );
  return {
    period: { key: scope.period.key, from: scope.period.from ?? null, to: scope.period.to ?? null },
    granularity: g,
    rows: out,
    suppressedCells: hidden,
    protection: protectionNote(hidden, p),
    notes: [
      'Participants of a training with several partners count under each partner.',
      'People are unique within a row where beneficiary keys exist; keyedPeople and countedPeople give the two parts, and a row with countedPeople may count a person twice.',
    ],
  };
}

/** The label of what a 3W row did, in the language. */
const kindLabel = (x: ThreeWRow, lang: Lang) =>
  x.type === 'training'
    ? label('activity', 'training', lang)
    : label(x.type === 'support' ? 'supportKind' : 'assistanceKind', x.kind, lang);

/** The 3W as a table in the language. */
export function threeWTable(r: Awaited<ReturnType<typeof threeW>>, lang: Lang, p: Policy): Table {
  const integer = ColumnKind.Integer;
  const columns = [
    { header: col('partnerId', lang) },
    { header: col('partner', lang) },
    { header: col('activityLine', lang) },
    { header: col('type', lang) },
    { header: col('kind', lang) },
    { header: col('region', lang) },
    { header: col('when', lang) },
    { header: col('figure', lang), kind: integer },
    { header: col('unit', lang) },
    { header: col('keyed', lang), kind: integer },
    { header: col('counted', lang), kind: integer },
    { header: col('activities', lang), kind: integer },
    { header: col('hidden', lang) },
    { header: col('rounded', lang) },
    { header: col('counting', lang) },
  ];
  const rows = r.rows.map((x) => [
    x.partnerId,
    x.partner?.[lang] ?? null,
    x.activityLine,
    label('activity', x.type, lang),
    kindLabel(x, lang),
    x.region,
    x.when,
    x.figure,
    label('threeWUnit', x.unit, lang),
    x.keyedPeople,
    x.countedPeople,
    x.activities ?? null,
    x.suppressed ? TABLE.yes[lang] : '',
    x.rounded ? TABLE.yes[lang] : '',
    label('counting', x.counting, lang),
  ]);
  const notes =
    lang === 'fr'
      ? [
          `Période ${r.period.key}, par ${({ month: 'mois', quarter: 'trimestre', year: 'année' } as const)[r.granularity]}`,
          "Les participants d'une formation à plusieurs partenaires comptent sous chacun d'eux.",
          "Les personnes sont uniques au sein d'une ligne lorsque des listes existent ; une ligne avec des personnes comptées sans liste peut compter une personne deux fois.",
        ]
      : [`Period ${r.period.key}, by ${r.granularity}`, ...r.notes];
  return {
    sheet: TABLE.sheet.threeW[lang],
    notesSheet: TABLE.notesSheet[lang],
    columns,
    rows,
    notes: [...notes, protectionSentence(p, r.suppressedCells, lang)],
  };
}
