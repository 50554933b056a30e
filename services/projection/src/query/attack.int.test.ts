import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import type { Country } from '@passerelle/contracts';
import { publishEvent } from '@passerelle/platform';
import { eventually, isolatedEnv, prng, testToken } from '@passerelle/testkit';
import { start } from '../main.js';
import {
  attackDataset,
  cellsOf,
  createAuditor,
  factsAt,
  minus,
  protectedUnknowns,
  valueOf,
  type AttackDataset,
  type RefFact,
  type RefQuery,
  type Vec,
} from '../testing/disclosure-attack.js';

// The attack harness of the disclosure layer: over seeded datasets with small protected groups, a reader with
// `reports:read` asks figures with every filter, breakdown, period and as-of date, diffs, summaries, the 3W and
// indicator progress; every exact number goes into a linear auditor, and every hidden or rounded one is then tried
// against it (totals minus visible cells, differences across filters, periods, dates and reports). None may come
// back. DISCLOSURE_ATTACK_DATASETS and DISCLOSURE_ATTACK_QUERIES make the run larger.
const DATASETS = Number(process.env.DISCLOSURE_ATTACK_DATASETS ?? 2);
const QUERIES = Number(process.env.DISCLOSURE_ATTACK_QUERIES ?? 160);
const COUNTRIES: Country[] = ['TN', 'SN', 'MR', 'GM', 'SL', 'TG', 'DJ', 'ET', 'SO', 'TZ', 'MW', 'ZM'];

const env = isolatedEnv('attack');
let projection: Awaited<ReturnType<typeof start>>;
let nc: NatsConnection;
const datasets: AttackDataset[] = Array.from({ length: Math.min(DATASETS, COUNTRIES.length) }, (_, i) =>
  attackDataset(101 + i, COUNTRIES[i]!),
);

beforeAll(async () => {
  projection = await start(env.env('projection'));
  nc = await connect({ servers: env.infra.natsUrl });
  const js = jetstream(nc);
  for (const d of datasets) for (const e of d.events) await publishEvent(js, env.prefix, e);
  const token = await testToken(['reports:read'], ['*']);
  await eventually(
    async () => {
      const s = (await (
        await fetch(`${projection.url}/projection/status`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { lag: number };
      return s.lag === 0 ? true : undefined;
    },
    30_000,
    'the projection',
  );
}, 120_000);
afterAll(async () => {
  await projection?.rt.shutdown();
  await nc?.close();
});

interface Shown {
  value: unknown;
  rounded?: boolean;
  suppressed?: boolean;
  keyedPeople?: unknown;
  countedPeople?: unknown;
  roundedParts?: string[];
}
type Cell = Shown & { key: string | null };

/** Field names of fact dimensions in queries (`kind` is the fact field `what`). */
const FIELD: Record<string, string> = { kind: 'what' };
const field = (d: string) => FIELD[d] ?? d;
const quarter = (day: string) => `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
const str = (v: unknown) => (v === undefined || v === null ? null : String(v));
/** What the attack datasets mark sensitive beside the groups themselves: indicator 1.c, people given cash. */
const SENSITIVE_RULES = [{ kind: 'assistance_beneficiaries', filters: { what: ['cash_voucher'] } }];

function attacker(d: AttackDataset) {
  const auditor = createAuditor();
  const withheld: Array<{ label: string; vec: Vec }> = [];
  const learnt: Array<{ label: string; vec: Vec }> = [];
  const lies: string[] = [];
  const states = new Map<string, RefFact[]>();
  const at = (instant?: string) =>
    states.get(instant ?? 'now') ?? states.set(instant ?? 'now', factsAt(d.events, instant)).get(instant ?? 'now')!;
  const all = () => [...states.values()];
  const partsOf = (vec: Vec) => ({
    keyedPeople: new Map([...vec].filter(([u]) => u.startsWith('person:'))),
    countedPeople: new Map([...vec].filter(([u]) => !u.startsWith('person:'))),
  });

  const one = (label: string, shown: unknown, exact: boolean, vec: Vec) => {
    if (exact && typeof shown === 'number') {
      const truth = valueOf(vec, all());
      if (truth !== shown) lies.push(`${label}: shown as exact ${shown}, true ${truth}`);
      auditor.learn(vec);
      learnt.push({ label, vec });
    } else if (vec.size) withheld.push({ label, vec });
  };
  /** One published number and the unknowns it sums: exact ones are learnt (and checked), the others are targets. */
  const see = (label: string, s: Shown, vec: Vec, people = false) => {
    one(label, s.value, !s.rounded && !s.suppressed, vec);
    if (!people) return;
    for (const [part, v] of Object.entries(partsOf(vec)))
      one(`${label} ${part}`, s[part as 'keyedPeople'], !(s.roundedParts ?? []).includes(part), v);
  };
  const cells = (rows: Cell[], q: RefQuery, instant: string | undefined, label: string) => {
    const truth = cellsOf(at(instant), q);
    for (const c of rows) see(`${label} [${String(c.key)}]`, c, truth.get(c.key) ?? new Map(), q.measure === 'unique');
  };
  /** The verdict: exact numbers that count a protected person, and withheld ones about protected people that come back. */
  const verdict = () => {
    const guarded = protectedUnknowns(all(), SENSITIVE_RULES);
    const touches = (vec: Vec) => [...vec.keys()].some((u) => guarded.has(u));
    const witnesses = (vec: Vec) =>
      learnt
        .filter((l) => [...vec.keys()].some((u) => l.vec.has(u)))
        .slice(0, 4)
        .map((l) => l.label);
    const targets = withheld.filter((w) => touches(w.vec));
    return {
      exact: learnt.length,
      targets: targets.map((t) => ({ ...t, truth: valueOf(t.vec, all()) })),
      exposed: learnt.filter((l) => touches(l.vec)).map((l) => l.label),
      recovered: targets
        .filter((t) => auditor.recovers(t.vec))
        .map((t) => `${t.label}: ${valueOf(t.vec, all())}, from ${witnesses(t.vec).join(' | ')}`),
    };
  };
  return { lies, at, see, cells, verdict };
}

async function ask(d: AttackDataset, path: string) {
  const token = await testToken(['reports:read'], [d.country]);
  const res = await fetch(`${projection.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as any;
}

describe('the attack harness: no hidden value comes back through any route reports:read can reach', () => {
  for (const d of datasets) {
    it(`recovers nothing from dataset ${d.country} (seed ${101 + COUNTRIES.indexOf(d.country as Country)})`, async () => {
      const a = attacker(d);
      const r = prng(7 + COUNTRIES.indexOf(d.country as Country));
      const c = d.country;
      const instants = [undefined, d.instants[0], d.instants[1]];
      const periods = ['all', '2020-Q1', '2020-Q2', '2020-03', '2020-05', '2020'];
      const filters: Array<Record<string, string>> = [
        {},
        { vulnerability: 'victim_of_trafficking' },
        { age_group: '12-17' },
        { vulnerability: 'unaccompanied_separated_child' },
        { vulnerability: 'none' },
        { sex: 'female' },
        { kind: 'cash_voucher' },
        { region: d.regions[0]! },
        { partnerId: d.partners[1]! },
        { deliveryId: d.deliveries[0]! },
        { vulnerability: 'victim_of_trafficking', sex: 'male' },
        { age_group: '12-17', region: d.regions[1]! },
        { age_group: '18-59' },
      ];
      const bys = {
        assistance_beneficiaries: [
          '',
          'sex',
          'age_group',
          'vulnerability',
          'region',
          'partnerId',
          'deliveryId',
          'kind',
        ],
        training_attendance: ['', 'sex', 'age_group', 'participant_category', 'trainingId', 'region'],
      };

      // Figures: the issue's own questions first, then a seeded sample of every combination.
      const figureQs: Array<{
        source: 'assistance_beneficiaries' | 'training_attendance';
        measure: 'sum' | 'count' | 'unique';
        period: string;
        by: string;
        f: Record<string, string>;
        asOf?: string | undefined;
      }> = [
        {
          source: 'assistance_beneficiaries',
          measure: 'unique',
          period: 'all',
          by: '',
          f: { vulnerability: 'victim_of_trafficking' },
        },
        {
          source: 'assistance_beneficiaries',
          measure: 'unique',
          period: 'all',
          by: 'deliveryId',
          f: { vulnerability: 'victim_of_trafficking' },
        },
        { source: 'assistance_beneficiaries', measure: 'unique', period: 'all', by: 'sex', f: { age_group: '12-17' } },
        { source: 'assistance_beneficiaries', measure: 'unique', period: 'all', by: 'vulnerability', f: {} },
        { source: 'assistance_beneficiaries', measure: 'sum', period: 'all', by: '', f: {} },
      ];
      for (let i = 0; i < QUERIES; i++) {
        const source = r.pick(['assistance_beneficiaries', 'assistance_beneficiaries', 'training_attendance'] as const);
        figureQs.push({
          source,
          measure:
            source === 'training_attendance'
              ? r.pick(['sum', 'count'] as const)
              : r.pick(['sum', 'count', 'unique'] as const),
          period: r.pick(periods),
          by: r.pick(bys[source]),
          f:
            source === 'training_attendance'
              ? r.pick<Record<string, string>>([{}, { age_group: '12-17' }, { sex: 'female' }])
              : r.pick(filters),
          asOf: r.pick(instants),
        });
      }
      for (const q of figureQs) {
        const params = new URLSearchParams({
          source: q.source,
          measure: q.measure,
          period: q.period,
          country: c,
          ...q.f,
          ...(q.by ? { by: q.by } : {}),
          ...(q.asOf ? { asOf: q.asOf } : {}),
        });
        const body = await ask(d, `/reports/figures?${params}`);
        const filtersByField = Object.fromEntries(Object.entries(q.f).map(([k, v]) => [field(k), v]));
        a.cells(
          body.rows,
          {
            kind: q.source,
            measure: q.measure,
            country: c,
            period: q.period,
            filters: filtersByField,
            ...(q.by ? { by: field(q.by) } : {}),
          },
          q.asOf,
          `figures ${params}`,
        );
      }

      // Diffs between record-time instants: each end, each change, each event's share.
      const ends = [
        [d.instants[0]!, d.instants[1]!],
        [d.instants[1]!, d.instants[2]!],
        [d.instants[0]!, d.instants[2]!],
      ] as const;
      for (let i = 0; i < Math.max(6, QUERIES / 10); i++) {
        const [from, to] = r.pick(ends);
        const f = r.pick(filters);
        const by = r.pick(bys.assistance_beneficiaries);
        const measure = r.pick(['sum', 'unique'] as const);
        const q: RefQuery = {
          kind: 'assistance_beneficiaries',
          measure,
          country: c,
          filters: Object.fromEntries(Object.entries(f).map(([k, v]) => [field(k), v])),
          ...(by ? { by: field(by) } : {}),
        };
        const params = new URLSearchParams({
          source: 'assistance_beneficiaries',
          measure,
          country: c,
          from,
          to,
          pageSize: '200',
          ...f,
          ...(by ? { by } : {}),
        });
        const body = await ask(d, `/reports/diff?${params}`);
        const [was, now] = [cellsOf(a.at(from), q), cellsOf(a.at(to), q)];
        for (const ch of body.changes) {
          const [v0, v1] = [was.get(ch.key) ?? new Map(), now.get(ch.key) ?? new Map()];
          a.see(`diff ${params} from [${ch.key}]`, { value: ch.from, rounded: ch.rounded }, v0);
          a.see(`diff ${params} to [${ch.key}]`, { value: ch.to, rounded: ch.rounded }, v1);
          a.see(`diff ${params} change [${ch.key}]`, { value: ch.change, rounded: ch.rounded }, minus(v1, v0));
        }
        for (const cause of body.causes.items) {
          const only = (facts: RefFact[]) => facts.filter((x) => x.source === cause.source);
          const [s0, s1] = [cellsOf(only(a.at(from)), q), cellsOf(only(a.at(to)), q)];
          for (const cell of cause.cells)
            a.see(
              `diff ${params} cause ${cause.eventType} [${cell.key}]`,
              { value: cell.change, rounded: cell.rounded },
              minus(s1.get(cell.key) ?? new Map(), s0.get(cell.key) ?? new Map()),
            );
        }
      }

      // Summaries, 3W and indicator progress, at each instant and for a few periods.
      for (const asOf of instants) {
        for (const period of ['all', '2020-Q1', '2020-Q2']) {
          const scope = `country=${c}&period=${period}${asOf ? `&asOf=${asOf}` : ''}`;
          const people = await ask(d, `/reports/assistance-summary?${scope}`);
          const pq: RefQuery = { kind: 'assistance_beneficiaries', measure: 'unique', country: c, period };
          a.see(
            `assistance ${scope} total`,
            people.totals.people,
            cellsOf(a.at(asOf), pq).get(null) ?? new Map(),
            true,
          );
          for (const b of people.breakdowns.filter((x: any) => x.measure === 'people'))
            a.cells(b.cells, { ...pq, by: b.by }, asOf, `assistance ${scope} by ${b.by}`);
          const trained = await ask(d, `/reports/trainings-summary?${scope}`);
          const tq: RefQuery = { kind: 'training_attendance', measure: 'sum', country: c, period };
          a.see(
            `trainings ${scope} total`,
            trained.totals.participants,
            cellsOf(a.at(asOf), tq).get(null) ?? new Map(),
          );
          for (const b of trained.breakdowns.filter((x: any) => x.measure === 'participants'))
            a.cells(b.cells, { ...tq, by: b.by }, asOf, `trainings ${scope} by ${b.by}`);
          const w = await ask(d, `/reports/3w?${scope}&granularity=quarter`);
          const key = (f: RefFact, kind: string) => [
            JSON.stringify([
              str(f.partnerId),
              str(f.activity_line),
              kind,
              str(f.region),
              quarter(String(f.businessDate)),
            ]),
          ];
          const rows = {
            assistance: cellsOf(a.at(asOf), { ...pq, groupOf: (f) => key(f, str(f.what) ?? 'other') }),
            training: cellsOf(a.at(asOf), { ...tq, groupOf: (f) => key(f, 'training') }),
          };
          for (const x of w.rows.filter((y: any) => y.type !== 'support')) {
            const k = JSON.stringify([x.partnerId, x.activityLine, x.kind, x.region, x.when]);
            a.see(
              `3w ${scope} ${k}`,
              {
                value: x.figure,
                rounded: x.rounded,
                suppressed: x.suppressed,
                keyedPeople: x.keyedPeople,
                countedPeople: x.countedPeople,
                roundedParts: x.roundedParts,
              },
              rows[x.type as 'assistance' | 'training'].get(k) ?? new Map(),
              x.type === 'assistance',
            );
          }
        }
        const progress = await ask(
          d,
          `/reports/indicators?framework=${d.frameworkId}&period=PY1${asOf ? `&asOf=${asOf}` : ''}`,
        );
        const rules: Record<string, RefQuery> = {
          '1.a': { kind: 'assistance_beneficiaries', measure: 'unique', country: c, period: '2020' },
          '1.c': {
            kind: 'assistance_beneficiaries',
            measure: 'unique',
            country: c,
            period: '2020',
            filters: { what: ['cash_voucher'] },
          },
          '1.1.a': { kind: 'training_attendance', measure: 'sum', country: c, period: '2020' },
        };
        for (const ind of progress.indicators) {
          const q = rules[ind.code]!;
          a.see(
            `indicator ${ind.code} ${asOf ?? 'now'}`,
            {
              value: ind.actual,
              rounded: ind.rounded,
              keyedPeople: ind.keyedPeople,
              countedPeople: ind.countedPeople,
              roundedParts: ind.roundedParts,
            },
            cellsOf(a.at(asOf), q).get(null) ?? new Map(),
            q.measure === 'unique',
          );
          for (const [dim, cs] of Object.entries(ind.breakdowns as Record<string, Cell[]>))
            a.cells(cs, { ...q, by: dim }, asOf, `indicator ${ind.code} ${asOf ?? 'now'} by ${dim}`);
        }
      }

      expect(a.lies, 'numbers shown as exact that are not').toEqual([]);
      const v = a.verdict();
      expect(v.exposed, 'exact numbers that count protected people').toEqual([]);
      expect(v.recovered, 'withheld values about protected people that the exact numbers give back').toEqual([]);
      // The attack had material: many exact figures, and withheld ones that count 1 to 4 protected people.
      expect(v.exact).toBeGreaterThan(100);
      expect(v.targets.filter((t) => t.truth > 0 && t.truth < 5).length).toBeGreaterThan(5);
    }, 300_000);
  }
});
