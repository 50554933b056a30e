import type { Collection } from 'mongodb';
import type { Localized } from '@passerelle/contracts';
import { FactKind, type Fact } from '../facts.js';
import { figure, Measure } from '../figures.js';
import { SENSITIVE_KEYS, type Cell } from '../suppression.js';
import { partnerNames, protect, protectionNote, type Protection, type Scope } from './scope.js';
import type { Lang, Table } from './tables.js';

/** How a figure counts, said beside it (figures.ts: people without keys can only be added up). */
export const Counting = {
  Unique: 'unique people',
  Total: 'total (may count a person twice)',
  Participants: 'participants: sum of attendance (a person attending two trainings counts twice)',
  Trainings: 'distinct trainings held',
  Deliveries: 'distinct deliveries',
} as const;

export interface Breakdown {
  by: string;
  measure: 'trainings' | 'participants' | 'people' | 'deliveries';
  cells: Array<Cell & { counting: string; name?: Localized | null }>;
}

export interface Summary {
  period: { key: string; from: string | null; to: string | null };
  totals: Record<string, { value: number | string; counting: string }>;
  breakdowns: Breakdown[];
  notes: string[];
  suppressedCells: number;
  protection: string;
}

const periodOf = (s: Scope) => ({ key: s.period.key, from: s.period.from ?? null, to: s.period.to ?? null });

/** Trainings held (distinct) and participants (sum of attendance): in total, by topic, participant category, sex and region. */
export async function trainingsSummary(facts: Collection<Fact>, scope: Scope, p: Protection): Promise<Summary> {
  const held = { ...scope.match, kind: FactKind.TrainingsHeld };
  const attendance = { ...scope.match, kind: FactKind.Attendance };
  const trainings = (by?: string) => figure(facts, { match: held, measure: Measure.Distinct, field: 'trainingId', by });
  const participants = (by?: string) => figure(facts, { match: attendance, measure: Measure.Sum, by });
  const breakdowns: Breakdown[] = [];
  let hidden = 0;
  for (const by of ['topic', 'participant_category', 'sex', 'region']) {
    if (by === 'topic' || by === 'region') breakdowns.push({ by, measure: 'trainings', cells: (await trainings(by)).map((c) => ({ ...c, counting: Counting.Trainings })) });
    const shown = protect(await participants(by), p);
    hidden += shown.hidden;
    breakdowns.push({ by, measure: 'participants', cells: shown.cells.map((c) => ({ ...c, counting: Counting.Participants })) });
  }
  return {
    period: periodOf(scope),
    totals: {
      trainings: { value: (await trainings())[0]?.value ?? 0, counting: Counting.Trainings },
      participants: { value: (await participants())[0]?.value ?? 0, counting: Counting.Participants },
    },
    breakdowns,
    notes: ['A training on several topics counts under each of its topics, so topic figures add up to more than the total.'],
    suppressedCells: hidden,
    protection: protectionNote(hidden, p),
  };
}

/** The breakdown keys whose figure includes people counted without keys (so a person may count twice). */
async function countedKeys(facts: Collection<Fact>, match: Record<string, unknown>, by?: string): Promise<Set<string | null>> {
  const rows = await figure(facts, { match: { ...match, key: { $exists: false } }, measure: Measure.Sum, by });
  return new Set(rows.filter((r) => r.value > 0).map((r) => r.key));
}

/**
 * People reached (unique where keys exist, totals otherwise, said per figure) and deliveries (distinct), by kind,
 * partner, vulnerability, sex and age group. When few people were reached and some belong to a sensitive group,
 * the total itself would give that group away, so every small people figure is hidden then.
 */
export async function assistanceSummary(facts: Collection<Fact>, scope: Scope, p: Protection): Promise<Summary> {
  const people = { ...scope.match, kind: FactKind.Beneficiaries };
  const deliveries = { ...scope.match, kind: FactKind.Deliveries };
  const names = await partnerNames(facts, scope.match);
  const peopleBy = async (by?: string) => {
    const [cells, counted] = await Promise.all([figure(facts, { match: people, measure: Measure.Unique, by }), countedKeys(facts, people, by)]);
    return cells.map((c) => ({ ...c, counting: counted.has(c.key) ? Counting.Total : Counting.Unique }));
  };
  const [total] = await peopleBy();
  const byDim = new Map<string, Awaited<ReturnType<typeof peopleBy>>>();
  for (const by of ['what', 'partnerId', 'vulnerability', 'sex', 'age_group']) byDim.set(by, await peopleBy(by));
  const sensitivePresent = [...byDim.get('vulnerability')!, ...byDim.get('age_group')!].some((c) => c.key !== null && SENSITIVE_KEYS.has(c.key) && c.value > 0);
  const tiny = !p.internal && total !== undefined && total.value > 0 && total.value < p.threshold && sensitivePresent;

  const breakdowns: Breakdown[] = [];
  let hidden = tiny ? 1 : 0;
  for (const [by, cells] of byDim) {
    const shown = protect(cells, p, tiny);
    hidden += shown.hidden;
    const withName = (c: Cell) => (by === 'partnerId' ? { name: names.get(String(c.key)) ?? null } : {});
    breakdowns.push({ by, measure: 'people', cells: shown.cells.map((c, i) => ({ ...c, counting: cells[i]!.counting, ...withName(c) })) });
    if (by === 'what' || by === 'partnerId') {
      const d = await figure(facts, { match: deliveries, measure: Measure.Distinct, field: 'deliveryId', by });
      breakdowns.push({ by, measure: 'deliveries', cells: d.map((c) => ({ ...c, counting: Counting.Deliveries, ...withName(c) })) });
    }
  }
  const deliveryTotal = (await figure(facts, { match: deliveries, measure: Measure.Distinct, field: 'deliveryId' }))[0]?.value ?? 0;
  return {
    period: periodOf(scope),
    totals: {
      people: { value: tiny ? `<${p.threshold}` : total?.value ?? 0, counting: total?.counting ?? Counting.Unique },
      deliveries: { value: deliveryTotal, counting: Counting.Deliveries },
    },
    breakdowns,
    notes: [
      'People with beneficiary keys are counted once; people recorded as counts are added as totals, so a figure marked "total" may count a person twice.',
      'A person with several vulnerabilities counts under each of them.',
    ],
    suppressedCells: hidden,
    protection: protectionNote(hidden, p),
  };
}

/** A summary as one table: totals first, then each breakdown's cells. */
export function summaryTable(s: Summary, lang: Lang): Table {
  const rows: Table['rows'] = Object.entries(s.totals).map(([m, t]) => ['total', '', '', m, t.value, typeof t.value === 'string' ? 'yes' : '', t.counting]);
  for (const b of s.breakdowns) {
    for (const c of b.cells) rows.push([b.by, c.key ?? 'unknown', c.name ? c.name[lang] : '', b.measure, c.value, c.suppressed ? 'yes' : '', c.counting]);
  }
  const columns = lang === 'fr' ? ['ventilation', 'valeur', 'nom', 'mesure', 'chiffre', 'masqué', 'comptage'] : ['breakdown', 'value', 'name', 'measure', 'figure', 'hidden', 'counting'];
  return { columns, rows, notes: [`period ${s.period.key}${s.period.from ? ` (${s.period.from} to ${s.period.to})` : ''}`, ...s.notes, s.protection] };
}
