import { PARTNER_AGREEMENT_KINDS, PARTNER_SUPPORT_KINDS, PARTNER_TYPES, type Country } from '@passerelle/contracts';
import type { Prng } from '../prng.js';
import { dayAfter } from './keys.js';

/** An event before its envelope: what a service would decide. */
export interface Draft {
  type: string;
  subject: string;
  country: Country;
  data: Record<string, unknown>;
}

export const FRAMEWORK = 'ARMP-MA';
export const PROGRAMME_START = '2020-01-01';
export const REGIONS = [
  'Oriental',
  'Souss-Massa',
  'Tanger-Tétouan-Al Hoceïma',
  'Rabat-Salé-Kénitra',
  'Casablanca-Settat',
] as const;
export const ACTIVITY_LINES = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3'] as const;

const L = (en: string) => ({ fr: `${en} (fr)`, en });
const rule = (source: string, measure: string, extra: Record<string, unknown> = {}) => ({
  method: 'rule',
  rule: { source, measure, filters: {}, ...extra },
});

/** The indicators of the bench framework: one per rule source, a ratio, and a manual milestone. */
const INDICATORS = [
  {
    code: '1.1.a',
    unit: 'people',
    nodeCode: '1.1',
    disaggregations: ['sex', 'participant_category'],
    sensitive: false,
    computation: rule('training_attendance', 'sum_participants'),
  },
  {
    code: '1.1.b',
    unit: 'trainings',
    nodeCode: '1.1',
    disaggregations: ['region'],
    sensitive: false,
    computation: rule('trainings_held', 'count_trainings'),
  },
  {
    code: '1.1.c',
    unit: 'percent',
    nodeCode: '1.1',
    disaggregations: [],
    sensitive: false,
    computation: rule('knowledge_tests', 'ratio', { numerator: 'sum_improved', denominator: 'sum_tested' }),
  },
  {
    code: '2.1.a',
    unit: 'people',
    nodeCode: '2.1',
    disaggregations: ['sex', 'age_group', 'vulnerability'],
    sensitive: true,
    computation: rule('assistance_beneficiaries', 'unique_people'),
  },
  {
    code: '2.1.b',
    unit: 'deliveries',
    nodeCode: '2.1',
    disaggregations: ['region'],
    sensitive: false,
    computation: rule('assistance_deliveries', 'count_deliveries'),
  },
  {
    code: '1.2.a',
    unit: 'partners',
    nodeCode: '1.1',
    disaggregations: ['partner_type'],
    sensitive: false,
    computation: rule('partners_supported', 'count_distinct_partners'),
  },
  {
    code: '1.2.b',
    unit: 'partners',
    nodeCode: '1.1',
    disaggregations: [],
    sensitive: false,
    computation: rule('agreements', 'count_distinct_partners'),
  },
  {
    code: '1.3.m',
    unit: 'milestone',
    nodeCode: '1.1',
    disaggregations: [],
    sensitive: false,
    computation: { method: 'manual' },
  },
] as const;

const NODES = [
  { code: 'O', level: 'objective', title: L('Safe, orderly and regular migration'), alignments: [] },
  { code: '1', level: 'outcome', parent: 'O', title: L('Institutions protect migrants'), alignments: [] },
  { code: '1.1', level: 'output', parent: '1', title: L('Staff trained'), alignments: [] },
  { code: '2', level: 'outcome', parent: 'O', title: L('Vulnerable migrants assisted'), alignments: [] },
  { code: '2.1', level: 'output', parent: '2', title: L('Assistance delivered'), alignments: [] },
];

/** The results framework of the bench, as a service would publish it: created, indicators, published, baselines, targets. */
export function frameworkDrafts(): Draft[] {
  const ref = { frameworkId: FRAMEWORK, businessDate: PROGRAMME_START };
  const e = (type: string, data: Record<string, unknown>): Draft => ({
    type,
    subject: FRAMEWORK,
    country: 'MA',
    data: { ...ref, ...data },
  });
  const drafts: Draft[] = [
    e('indicators.framework.created', { programme: 'ARMP', programmeStart: PROGRAMME_START, title: L('ARMP Morocco') }),
  ];
  for (const ind of INDICATORS)
    drafts.push(
      e('indicators.indicator.defined', {
        ...ind,
        disaggregations: [...ind.disaggregations],
        name: L(`Indicator ${ind.code}`),
        definition: L(`Definition of ${ind.code}`),
        alignments: [],
        revision: 1,
      }),
    );
  drafts.push(
    e('indicators.framework.published', {
      programme: 'ARMP',
      programmeStart: PROGRAMME_START,
      frameworkVersion: 1,
      title: L('ARMP Morocco'),
      context: L('Context'),
      targetGroups: [L('Officials')],
      nodes: NODES,
      indicators: INDICATORS.map((i) => ({ code: i.code, revision: 1, nodeCode: i.nodeCode })),
    }),
  );
  for (const ind of INDICATORS) {
    drafts.push(
      e('indicators.baseline.set', { indicatorCode: ind.code, value: 0, date: PROGRAMME_START, revision: 1 }),
    );
    for (const [period, periodStart, periodEnd] of [
      ['PY1', '2020-01-01', '2020-12-31'],
      ['PY2', '2021-01-01', '2021-12-31'],
    ] as const) {
      drafts.push(
        e('indicators.target.set', {
          indicatorCode: ind.code,
          period,
          periodStart,
          periodEnd,
          businessDate: periodStart,
          value: 1000,
          targetVersion: 1,
        }),
      );
    }
  }
  return drafts;
}

/** Occasional framework activity later on: a revised target or a reported milestone. */
export function frameworkActivity(r: Prng, version: number): Draft {
  const ref = { frameworkId: FRAMEWORK };
  const [period, periodStart, periodEnd] = r.pick([
    ['PY1', '2020-01-01', '2020-12-31'],
    ['PY2', '2021-01-01', '2021-12-31'],
  ] as const);
  if (r.chance(0.5)) {
    return {
      type: 'indicators.value.reported',
      subject: FRAMEWORK,
      country: 'MA',
      data: {
        ...ref,
        businessDate: periodEnd,
        indicatorCode: '1.3.m',
        period,
        periodStart,
        periodEnd,
        value: r.int(0, 1),
        comment: 'Milestone review',
        revision: version,
      },
    };
  }
  const ind = r.pick(INDICATORS);
  return {
    type: 'indicators.target.revised',
    subject: FRAMEWORK,
    country: 'MA',
    data: {
      ...ref,
      businessDate: periodStart,
      indicatorCode: ind.code,
      period,
      periodStart,
      periodEnd,
      value: r.int(500, 5000),
      targetVersion: version + 1,
      previousValue: 1000,
      reason: 'Mid-term review',
    },
  };
}

interface Partner {
  partnerId: string;
  businessDate: string;
  name: { fr: string; en: string };
  type: (typeof PARTNER_TYPES)[number];
  level: 'national' | 'regional' | 'local' | 'international';
  country: Country;
  region?: string;
  tags: string[];
  active: boolean;
}

/** The partners of the programme: registered up front, then renamed, given agreements and support as time goes. */
export function createPartners(r: Prng, count: number) {
  const partners: Partner[] = Array.from({ length: count }, (_, i) => ({
    partnerId: r.uuid(),
    businessDate: dayAfter(PROGRAMME_START, r.int(0, 60)),
    name: { fr: `Partenaire ${i}`, en: `Partner ${i}` },
    type: r.pick(PARTNER_TYPES),
    level: r.pick(['national', 'regional', 'local'] as const),
    country: r.chance(0.85) ? 'MA' : r.pick(['TN', 'SN'] as const),
    ...(r.chance(0.7) ? { region: r.pick(REGIONS) } : {}),
    tags: r.chance(0.3) ? ['migrant-led'] : [],
    active: true,
  }));
  const draft = (p: Partner, event: string, data: Record<string, unknown> = {}): Draft => ({
    type: `partners.partner.${event}`,
    subject: p.partnerId,
    country: p.country,
    data: { ...p, ...data },
  });
  let renames = 0;
  return {
    ids: () => partners.map((p) => p.partnerId),
    registered: (): Draft[] => partners.map((p) => draft(p, 'registered')),
    /** One thing that happens to a random partner. */
    activity(): Draft {
      const p = r.pick(partners);
      const day = dayAfter(PROGRAMME_START, r.int(60, 700));
      const roll = r.next();
      if (roll < 0.1) {
        const previousName = p.name;
        p.name = { fr: `Partenaire renommé ${++renames}`, en: `Renamed partner ${renames}` };
        return draft(p, 'updated', { businessDate: day, changed: ['name'], previousName });
      }
      if (roll < 0.14) {
        p.active = !p.active;
        return p.active
          ? draft(p, 'reactivated', { businessDate: day })
          : draft(p, 'deactivated', { businessDate: day, reason: 'Programme review' });
      }
      if (roll < 0.45) {
        const cash = r.chance(0.5);
        return draft(p, 'agreement_signed', {
          businessDate: day,
          agreementId: r.uuid(),
          kind: r.pick(PARTNER_AGREEMENT_KINDS),
          startDate: day,
          endDate: dayAfter(day, 365),
          ...(cash ? { amount: r.int(1000, 500_000), currency: 'MAD' } : {}),
          activityLines: [r.pick(ACTIVITY_LINES), r.pick(ACTIVITY_LINES)].filter((x, i, a) => a.indexOf(x) === i),
        });
      }
      return draft(p, 'support_provided', {
        businessDate: day,
        supportId: r.uuid(),
        kind: r.pick(PARTNER_SUPPORT_KINDS),
        date: day,
        description: 'Equipment and coaching',
        activityLine: r.pick(ACTIVITY_LINES),
      });
    },
  };
}
