import { createEnvelope, registry, type Country, type PasserelleEvent } from '@passerelle/contracts';
import { prng } from '@passerelle/testkit';
import { ARRAY_FIELDS, changesOf } from '../facts/facts.js';
import { parsePeriod } from '../query/periods.js';

/**
 * The attack harness's half that knows the truth: seeded datasets with small protected groups, a reference model of
 * what each report cell counts (computed here, not by the code under test), and an auditor that tries to recover a
 * hidden value as a linear combination of the exact values published. A figure is a sum of unknowns: one per record
 * value, per record, or per listed person. An attacker who knows which unknowns each figure sums (a strong one: a
 * real reader does not) recovers a hidden figure exactly when its unknowns are a combination of exact figures'.
 */

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const text = (en: string) => ({ en, fr: `${en} (fr)` });

export interface AttackDataset {
  country: string;
  frameworkId: string;
  events: PasserelleEvent[];
  /** Record-time instants between events, for as-of and diff questions (ascending). */
  instants: string[];
  regions: string[];
  partners: string[];
  deliveries: string[];
  trainings: string[];
}

interface Person {
  key: string;
  sex: string;
  ageGroup: string;
  flags: string[];
}

/** A country's year of deliveries (keys and counts modes, corrections, a void) and trainings, with small protected groups. */
export function attackDataset(seed: number, country: Country): AttackDataset {
  const r = prng(seed);
  const frameworkId = `ATK-${country}`;
  const regions = ['Oriental', 'Souss-Massa', 'Rabat'];
  const partners = ['p-a', 'p-b', 'p-c'];
  const events: PasserelleEvent[] = [];
  let clock = Date.parse('2021-01-01T00:00:00Z');
  const add = (type: string, subject: string, data: Record<string, unknown>) => {
    clock += 60_000;
    // Parsed as the projection parses what it consumes: a typed event, and an invalid fixture fails here.
    events.push(
      registry.parse(
        JSON.stringify(
          createEnvelope(
            { type, subject, country, data },
            { actor: 'attacker-fixture', correlationid: 'c', now: new Date(clock) },
          ),
        ),
      ),
    );
  };
  const fw = { frameworkId, businessDate: '2020-01-01' };
  add('indicators.framework.published', frameworkId, {
    ...fw,
    programme: 'ATK',
    programmeStart: '2020-01-01',
    frameworkVersion: 1,
    title: text('Attack programme'),
    context: text('Context'),
    targetGroups: [],
    nodes: [
      { code: 'O', level: 'objective', title: text('Objective') },
      { code: '1.4', level: 'activity_line', parent: 'O', title: text('Assistance') },
      { code: '1.1', level: 'activity_line', parent: 'O', title: text('Trainings') },
    ],
    indicators: [],
  });
  const indicator = (code: string, disaggregations: string[], sensitive: boolean, rule: object) =>
    add('indicators.indicator.defined', frameworkId, {
      ...fw,
      code,
      name: text(`Indicator ${code}`),
      definition: text('Definition'),
      unit: 'people',
      nodeCode: code.startsWith('1.1') ? '1.1' : '1.4',
      revision: 1,
      disaggregations,
      sensitive,
      alignments: [],
      computation: { method: 'rule', rule },
    });
  indicator('1.a', ['sex', 'age_group', 'vulnerability'], false, {
    source: 'assistance_beneficiaries',
    measure: 'unique_people',
    filters: {},
  });
  indicator('1.c', ['sex'], true, {
    source: 'assistance_beneficiaries',
    measure: 'unique_people',
    filters: { kind: ['cash_voucher'] },
  });
  indicator('1.1.a', ['sex', 'participant_category'], false, {
    source: 'training_attendance',
    measure: 'sum_participants',
    filters: {},
  });

  const pool: Person[] = Array.from({ length: 24 }, (_, i) => {
    const roll = r.next();
    const child = roll < 0.12;
    const flags = child
      ? ['unaccompanied_separated_child']
      : roll < 0.24
        ? ['victim_of_trafficking']
        : roll < 0.32
          ? ['disability']
          : ['none'];
    return {
      key: (seed * 1000 + i + 1).toString(16).padStart(64, '0'),
      sex: r.pick(['female', 'male']),
      ageGroup: child ? '12-17' : r.pick(['18-59', '18-59', '60+']),
      flags,
    };
  });
  const date = () => iso(Date.parse('2020-01-05') + r.int(0, 170) * DAY).slice(0, 10);
  const row = (): { sex: string; ageGroup: string; flags: string[]; count: number } => {
    const roll = r.next();
    if (roll < 0.2)
      return {
        sex: r.pick(['female', 'male']),
        ageGroup: '18-59',
        flags: ['victim_of_trafficking'],
        count: r.int(1, 4),
      };
    if (roll < 0.35)
      return {
        sex: r.pick(['female', 'male']),
        ageGroup: '12-17',
        flags: ['unaccompanied_separated_child'],
        count: r.int(1, 3),
      };
    return {
      sex: r.pick(['female', 'male']),
      ageGroup: r.pick(['18-59', '60+']),
      flags: r.chance(0.2) ? ['disability'] : ['none'],
      count: r.int(1, 12),
    };
  };
  const figures = () => {
    if (r.chance(0.6)) {
      const people = [...new Set(Array.from({ length: r.int(2, 7) }, () => r.pick(pool)))];
      return {
        mode: 'keys',
        rows: people.map((p) => ({ sex: p.sex, ageGroup: p.ageGroup, flags: p.flags, count: 1 })),
        total: people.length,
        beneficiaries: people,
      };
    }
    const rows = Array.from({ length: r.int(1, 3) }, row);
    return { mode: 'counts', rows, total: rows.reduce((n, x) => n + x.count, 0) };
  };
  const deliveries: string[] = [];
  const recorded = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < 10; i++) {
    const id = r.uuid();
    deliveries.push(id);
    const region = r.pick(regions);
    const d = {
      deliveryId: id,
      businessDate: date(),
      kind: r.pick(['food', 'hygiene_dignity_kit', 'cash_voucher']),
      context: 'programme',
      partnerId: r.pick(partners),
      place: { country, region },
      region,
      activityLine: '1.4',
      quantity: 1,
      unit: 'kit',
      ...figures(),
    };
    recorded.set(id, d);
    add('assistance.delivery.recorded', id, d);
  }
  const trainings: string[] = [];
  for (let i = 0; i < 3; i++) {
    const id = r.uuid();
    trainings.push(id);
    const rows = [
      { sex: 'female', category: r.pick(['police', 'social_worker']), count: r.int(3, 15) },
      { sex: 'male', category: r.pick(['police', 'student']), count: r.int(3, 15) },
      ...(r.chance(0.6)
        ? [{ sex: r.pick(['female', 'male']), category: 'student', ageGroup: '12-17', count: r.int(1, 3) }]
        : []),
    ];
    const common = {
      trainingId: id,
      businessDate: date(),
      topics: [r.pick(['trafficking_in_persons', 'international_migration_law'])],
      activityLine: '1.1',
      region: r.pick(regions),
    };
    add('trainings.training.held', id, {
      ...common,
      startDate: common.businessDate,
      endDate: common.businessDate,
      durationDays: 1,
      partnerIds: [],
    });
    add('trainings.training.attendance_recorded', id, {
      ...common,
      rows,
      total: rows.reduce((n, x) => n + x.count, 0),
    });
  }
  const instants = [iso(clock + 30_000)];
  // Corrections and a void, recorded later: as-of and diff questions see the figures move.
  for (const id of deliveries.slice(0, 3)) {
    const { beneficiaries: _b, ...d } = recorded.get(id)!;
    add('assistance.delivery.corrected', id, {
      ...d,
      ...figures(),
      previousTotal: d.total,
      previousBusinessDate: d.businessDate,
      reason: 'recount',
    });
  }
  instants.push(iso(clock + 30_000));
  const voided = recorded.get(deliveries[3]!)!;
  add('assistance.delivery.voided', voided.deliveryId as string, {
    deliveryId: voided.deliveryId,
    businessDate: voided.businessDate,
    reason: 'entered twice',
    kind: voided.kind,
    context: voided.context,
    partnerId: voided.partnerId,
    activityLine: voided.activityLine,
    region: voided.region,
    previousTotal: voided.total,
  });
  instants.push(iso(clock + 30_000));
  return { country, frameworkId, events, instants, regions, partners, deliveries, trainings };
}

/** A record of the reference model: what the projection's fact mapper makes of an event, with a stable identity. */
export type RefFact = Record<string, unknown> & { id: string; source: string; kind: string; value: number };

/** The records as they stood at an instant of record time (all of them without one): the newest event of each source wins. */
export function factsAt(events: PasserelleEvent[], instant?: string): RefFact[] {
  const latest = new Map<string, RefFact[]>();
  events.forEach((e, idx) => {
    if (instant && e.time > instant) return;
    for (const change of changesOf(e)) {
      latest.set(
        change.source,
        change.facts.map((f, i) => ({
          ...f,
          id: `${change.source}@${idx}#${i}`,
          source: change.source,
          country: e.country,
        })),
      );
    }
  });
  return [...latest.values()].flat();
}

export type Vec = Map<string, number>;

export interface RefQuery {
  kind: string;
  measure: 'sum' | 'count' | 'unique';
  country: string;
  period?: string;
  filters?: Record<string, string | string[]>;
  by?: string;
  groupOf?: (f: RefFact) => Array<string | null>;
}

const matches = (f: RefFact, q: RefQuery) => {
  if (f.kind !== q.kind || f.country !== q.country) return false;
  const p = parsePeriod(q.period ?? 'all', '2020-01-01');
  const day = String(f.businessDate);
  if ((p.from && day < p.from) || (p.to && day > p.to)) return false;
  return Object.entries(q.filters ?? {}).every(([field, want]) => {
    const wanted = Array.isArray(want) ? want : [want];
    const v = f[field];
    return Array.isArray(v) ? v.some((x) => wanted.includes(String(x))) : wanted.includes(String(v));
  });
};

/** The unknowns a record adds to a figure: its value, itself (counted once), or the listed person it is. */
const unknownOf = (f: RefFact, measure: RefQuery['measure']) =>
  measure === 'count'
    ? `${f.id}:1`
    : measure === 'unique' && typeof f.key === 'string'
      ? `person:${f.key}`
      : `${f.id}:value`;

/** What each cell of a question sums: its unknowns, by cell key (null without a breakdown). */
export function cellsOf(facts: RefFact[], q: RefQuery): Map<string | null, Vec> {
  const out = new Map<string | null, Vec>();
  for (const f of facts.filter((x) => matches(x, q))) {
    const keys = q.groupOf
      ? q.groupOf(f)
      : !q.by
        ? [null]
        : ARRAY_FIELDS.has(q.by)
          ? [...new Set(f[q.by] as string[])]
          : [f[q.by] === undefined || f[q.by] === null ? null : String(f[q.by])];
    for (const k of new Set(keys)) {
      const v = out.get(k) ?? out.set(k, new Map()).get(k)!;
      v.set(unknownOf(f, q.measure), 1);
    }
  }
  return out;
}

/** The true value of unknowns: a record's value, 1 for a record or a person. */
export function valueOf(vec: Vec, facts: RefFact[][]): number {
  const values = new Map<string, number>();
  for (const fs of facts) for (const f of fs) values.set(`${f.id}:value`, f.value);
  let n = 0;
  for (const [u, c] of vec) n += c * (u.endsWith(':value') ? (values.get(u) ?? NaN) : 1);
  return n;
}

/** a − b, as unknowns (what changed between two instants). */
export function minus(a: Vec, b: Vec): Vec {
  const out = new Map(a);
  for (const [u, c] of b) out.set(u, (out.get(u) ?? 0) - c);
  for (const [u, c] of out) if (c === 0) out.delete(u);
  return out;
}

/**
 * Linear auditor: exact figures go in as rows of a basis (Gaussian elimination, each new row reduced against the
 * ones before, so rows stay zero at earlier pivots); a hidden figure is recoverable when it reduces to nothing.
 */
export function createAuditor() {
  const basis: Array<{ pivot: string; row: Vec }> = [];
  const reduce = (vec: Vec): Vec => {
    const v = new Map(vec);
    for (const { pivot, row } of basis) {
      const c = v.get(pivot);
      if (!c) continue;
      for (const [u, x] of row) {
        const y = (v.get(u) ?? 0) - c * x;
        if (Math.abs(y) < 1e-9) v.delete(u);
        else v.set(u, y);
      }
    }
    return v;
  };
  return {
    /** Adds an exact figure's unknowns. */
    learn(vec: Vec) {
      const v = reduce(vec);
      const first = [...v.entries()].find(([, x]) => Math.abs(x) > 1e-9);
      if (!first) return;
      const [pivot, x] = first;
      const row = new Map([...v].map(([u, y]) => [u, y / x] as const));
      basis.push({ pivot, row });
    },
    /** Whether exact figures learnt so far determine this combination of unknowns. */
    recovers: (vec: Vec) => vec.size > 0 && reduce(vec).size === 0,
    rank: () => basis.length,
  };
}

const PROTECTED_FLAGS = ['victim_of_trafficking', 'unaccompanied_separated_child'];
const CHILDREN = ['0-4', '5-11', '12-17'];

/**
 * The unknowns that count protected people, by the harness's own reading of the rules: records of victims, of
 * unaccompanied or separated children and of children, records a sensitive indicator counts, and every record of a
 * listed person who is protected in any of them.
 */
export function protectedUnknowns(
  states: RefFact[][],
  sensitive: Array<{ kind: string; filters: Record<string, string[]> }>,
): Set<string> {
  const out = new Set<string>();
  const people = new Set<string>();
  const covered = (f: RefFact) =>
    sensitive.some((s) => s.kind === f.kind && Object.entries(s.filters).every(([k, vs]) => vs.includes(String(f[k]))));
  for (const facts of states) {
    for (const f of facts) {
      const flags = Array.isArray(f.vulnerability) ? f.vulnerability.map(String) : [];
      if (!flags.some((x) => PROTECTED_FLAGS.includes(x)) && !CHILDREN.includes(String(f.age_group)) && !covered(f))
        continue;
      out.add(`${f.id}:value`).add(`${f.id}:1`);
      if (typeof f.key === 'string') people.add(f.key);
    }
  }
  for (const facts of states)
    for (const f of facts)
      if (typeof f.key === 'string' && people.has(f.key)) out.add(`${f.id}:value`).add(`${f.id}:1`);
  for (const k of people) out.add(`person:${k}`);
  return out;
}
