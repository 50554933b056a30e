import type { Collection } from 'mongodb';
import { z } from 'zod';
import type { Localized } from '@passerelle/contracts';
import { FactKind, type Fact } from '../facts.js';
import { SENSITIVE_KEYS, suppress } from '../suppression.js';
import { partnerNames, protectionNote, type Protection, type Scope } from './scope.js';
import { Counting } from './summaries.js';
import type { Lang, Table } from './tables.js';

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
  suppressed?: true;
}

type Dims = { p?: string | null; l?: string | null; w?: string | null; r?: string | null; d: string };
const group = (extra: Record<string, string> = {}) => ({ _id: { p: '$partnerId', l: '$activity_line', w: '$what', r: '$region', d: '$businessDate', ...extra } });

/**
 * Who (partner) does what (activity line and kind) where (region) when (month, quarter or year), with a figure each.
 * Participants of a training count under each of its partners; people are unique per row where keys exist.
 */
export async function threeW(facts: Collection<Fact>, scope: Scope, g: Granularity, p: Protection) {
  const names = await partnerNames(facts, scope.match);
  const rows = new Map<string, ThreeWRow & { keys?: Set<string>; counted?: number; sensitive?: boolean }>();
  const row = (type: ActivityType, d: Dims, kind: string, unit: ThreeWRow['unit'], counting: string) => {
    const r = { partnerId: d.p ?? null, activityLine: d.l ?? null, type, kind, region: d.r ?? null, when: bucket(d.d, g) };
    const id = JSON.stringify(r);
    let out = rows.get(id);
    if (!out) rows.set(id, (out = { ...r, partner: r.partnerId ? names.get(r.partnerId) ?? null : null, figure: 0, unit, counting }));
    return out;
  };

  // Trainings: participants per training, under each of its partners (trainings without partners under none).
  const held = await facts.find({ ...scope.match, kind: FactKind.TrainingsHeld }, { projection: { _id: 0, trainingId: 1, partnerId: 1 } }).toArray();
  const partnersOf = new Map<string, string[]>();
  for (const h of held) if (h.partnerId) partnersOf.set(String(h.trainingId), [...(partnersOf.get(String(h.trainingId)) ?? []), String(h.partnerId)]);
  const heldIds = new Set(held.map((h) => String(h.trainingId)));
  const attendance = await facts.aggregate<{ _id: Dims & { t: string }; n: number }>([
    { $match: { ...scope.match, kind: FactKind.Attendance } },
    { $group: { _id: { t: '$trainingId', l: '$activity_line', r: '$region', d: '$businessDate' }, n: { $sum: '$value' } } },
  ]).toArray();
  for (const a of attendance) {
    for (const partner of partnersOf.get(a._id.t) ?? [null]) {
      const r = row('training', { ...a._id, p: partner }, 'training', 'participants', Counting.Participants);
      r.figure = (r.figure as number) + a.n;
      r.activities = (r.activities ?? 0) + (heldIds.has(a._id.t) ? 1 : 0);
    }
  }

  // Assistance: people per (partner, line, kind, region, date, key); keyed people are counted once per row.
  const people = await facts.aggregate<{ _id: Dims & { k?: string | null }; n: number }>([
    { $match: { ...scope.match, kind: FactKind.Beneficiaries } }, { $group: { ...group({ k: '$key' }), n: { $sum: '$value' } } },
  ]).toArray();
  for (const x of people) {
    const r = row('assistance', x._id, x._id.w ?? 'other', 'people reached', Counting.Unique);
    if (x._id.k) (r.keys ??= new Set()).add(x._id.k);
    else if (x.n > 0) r.counted = (r.counted ?? 0) + x.n;
  }
  const sensitive = await facts.aggregate<{ _id: Dims }>([
    { $match: { ...scope.match, kind: FactKind.Beneficiaries, $or: [{ age_group: { $in: [...SENSITIVE_KEYS] } }, { vulnerability: { $in: [...SENSITIVE_KEYS] } }] } }, { $group: group() },
  ]).toArray();
  for (const x of sensitive) row('assistance', x._id, x._id.w ?? 'other', 'people reached', Counting.Unique).sensitive = true;
  const deliveries = await facts.aggregate<{ _id: Dims; n: number }>([{ $match: { ...scope.match, kind: FactKind.Deliveries } }, { $group: { ...group(), n: { $sum: 1 } } }]).toArray();
  for (const x of deliveries) {
    const r = row('assistance', x._id, x._id.w ?? 'other', 'people reached', Counting.Unique);
    r.activities = (r.activities ?? 0) + x.n;
  }

  // Support given to partners: the figure is the number of supports.
  const supports = await facts.aggregate<{ _id: Dims; n: number }>([{ $match: { ...scope.match, kind: FactKind.PartnersSupported } }, { $group: { ...group(), n: { $sum: 1 } } }]).toArray();
  for (const x of supports) {
    const r = row('support', x._id, x._id.w ?? 'other', 'supports', 'number of supports given');
    r.figure = (r.figure as number) + x.n;
  }

  const out: ThreeWRow[] = [...rows.values()].map(({ keys, counted, sensitive: _s, ...r }) =>
    r.type === 'assistance' ? { ...r, figure: (keys?.size ?? 0) + (counted ?? 0), counting: counted ? Counting.Total : Counting.Unique } : r);
  const hidden = protectAssistance(out, [...rows.values()], p);
  out.sort((a, b) => a.when.localeCompare(b.when) || String(a.partnerId).localeCompare(String(b.partnerId)) || String(a.activityLine).localeCompare(String(b.activityLine)) || a.kind.localeCompare(b.kind) || String(a.region).localeCompare(String(b.region)));
  return {
    period: { key: scope.period.key, from: scope.period.from ?? null, to: scope.period.to ?? null }, granularity: g, rows: out, suppressedCells: hidden, protection: protectionNote(hidden, p),
    notes: ['Participants of a training with several partners count under each partner.', 'People are unique within a row where beneficiary keys exist; rows marked "total" may count a person twice.'],
  };
}

/**
 * A row of few people that includes children or victims of trafficking could point at them: such rows are hidden,
 * with the other small rows of the same partner, line and kind, and one more when only one would be hidden,
 * so the partner's total elsewhere cannot give the row back.
 */
function protectAssistance(out: ThreeWRow[], raw: Array<{ sensitive?: boolean }>, p: Protection): number {
  if (p.internal) return 0;
  const groups = new Map<string, number[]>();
  out.forEach((r, i) => {
    if (r.type !== 'assistance') return;
    const id = JSON.stringify([r.partnerId, r.activityLine, r.kind]);
    groups.set(id, [...(groups.get(id) ?? []), i]);
  });
  let hidden = 0;
  for (const idx of groups.values()) {
    if (!idx.some((i) => raw[i]!.sensitive && (out[i]!.figure as number) < p.threshold)) continue;
    const shown = suppress(idx.map((i) => ({ key: null, value: out[i]!.figure as number })), { threshold: p.threshold, sensitiveIndicator: true });
    shown.cells.forEach((c, j) => {
      if (c.suppressed) Object.assign(out[idx[j]!]!, { figure: c.value, suppressed: true as const });
    });
    hidden += shown.hidden;
  }
  return hidden;
}

/** The 3W as a table. */
export function threeWTable(r: Awaited<ReturnType<typeof threeW>>, lang: Lang): Table {
  const columns = lang === 'fr'
    ? ['partenaire (id)', 'partenaire', "ligne d'activité", 'type', 'nature', 'région', 'période', 'chiffre', 'unité', 'activités', 'masqué', 'comptage']
    : ['partner id', 'partner', 'activity line', 'type', 'kind', 'region', 'when', 'figure', 'unit', 'activities', 'hidden', 'counting'];
  const rows = r.rows.map((x) => [x.partnerId, x.partner?.[lang] ?? null, x.activityLine, x.type, x.kind, x.region, x.when, x.figure, x.unit, x.activities ?? null, x.suppressed ? 'yes' : '', x.counting]);
  return { columns, rows, notes: [`period ${r.period.key}, by ${r.granularity}`, ...r.notes, r.protection] };
}
