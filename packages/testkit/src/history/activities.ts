import {
  AGE_GROUPS,
  ASSISTANCE_KINDS,
  BUILT_IN_TOPICS,
  PARTICIPANT_CATEGORIES,
  SEXES,
  VULNERABILITIES,
  type Country,
} from '@passerelle/contracts';
import type { Prng } from '../prng.js';
import { beneficiaryKey, dayAfter } from './keys.js';
import { ACTIVITY_LINES, PROGRAMME_START, REGIONS, type Draft } from './world.js';

const COUNTRIES: readonly Country[] = ['MA', 'MA', 'MA', 'MA', 'TN', 'SN', 'EG'];

/** A training's life as its service would publish it: planned, maybe rescheduled, then cancelled or held with figures. */
export function trainingLife(r: Prng, partnerIds: readonly string[], n: number): Draft[] {
  const trainingId = r.uuid();
  const country = r.pick(COUNTRIES);
  const startDate = dayAfter(PROGRAMME_START, r.int(0, 720));
  const topics = r.chance(0.2)
    ? [r.pick(BUILT_IN_TOPICS), r.pick(BUILT_IN_TOPICS)].filter((t, j, a) => a.indexOf(t) === j)
    : [r.pick(BUILT_IN_TOPICS)];
  const region = r.pick(REGIONS);
  const activityLine = r.pick(ACTIVITY_LINES);
  const partners = r.chance(0.5) ? [r.pick(partnerIds)] : [];
  const e = (event: string, data: Record<string, unknown>, date = startDate): Draft => ({
    type: `trainings.training.${event}`,
    subject: trainingId,
    country,
    data: { trainingId, businessDate: date, ...data },
  });
  const life = [
    e('planned', {
      title: { fr: `Formation ${n}`, en: `Training ${n}` },
      topics,
      startDate,
      endDate: startDate,
      durationDays: 1,
      place: { country, region },
      modality: r.pick(['in_person', 'online', 'hybrid'] as const),
      organiser: 'IOM',
      partnerIds: partners,
      activityLine,
      plannedParticipants: r.int(10, 50),
    }),
  ];
  let date = startDate;
  if (r.chance(0.1)) {
    date = dayAfter(startDate, r.int(1, 30));
    life.push(
      e(
        'rescheduled',
        {
          startDate: date,
          endDate: date,
          durationDays: 1,
          previousStartDate: startDate,
          previousEndDate: startDate,
          reason: 'Venue change',
        },
        date,
      ),
    );
  }
  if (r.chance(0.1)) return [...life, e('cancelled', { reason: 'Security situation' }, date)];
  const dims = { topics, activityLine, region };
  life.push(
    e(
      'held',
      { startDate: date, endDate: date, durationDays: 1, topics, activityLine, region, partnerIds: partners },
      date,
    ),
  );
  const rows = () => {
    const seen = new Set<string>();
    return Array.from({ length: r.int(1, 6) }, () => ({
      sex: r.pick(SEXES),
      category: r.pick(PARTICIPANT_CATEGORIES),
      ...(r.chance(0.3) ? { ageGroup: r.pick(['18-59', '60+'] as const) } : {}),
      count: r.int(0, 30),
    })).filter((row) => !seen.has(`${row.sex}${row.category}`) && seen.add(`${row.sex}${row.category}`));
  };
  const total = (rs: Array<{ count: number }>) => rs.reduce((s, x) => s + x.count, 0);
  const first = rows();
  life.push(e('attendance_recorded', { rows: first, total: total(first), ...dims }, date));
  if (r.chance(0.3)) {
    const fixed = rows();
    life.push(
      e('attendance_corrected', { rows: fixed, total: total(fixed), previousTotal: total(first), ...dims }, date),
    );
  }
  if (r.chance(0.4)) {
    const tested = r.int(5, 20);
    life.push(
      e(
        'assessment_recorded',
        { tested, averagePre: r.int(20, 60), averagePost: r.int(40, 90), improved: r.int(0, tested), ...dims },
        date,
      ),
    );
  }
  return life;
}

interface Person {
  key: string;
  sex: (typeof SEXES)[number];
  ageGroup: (typeof AGE_GROUPS)[number];
  flags: Array<(typeof VULNERABILITIES)[number]>;
}

/**
 * The people assistance reaches, known by keys. The pool is smaller than the deliveries' headcount, so the same
 * person comes back in several deliveries: reports must count them once.
 */
export function createPeople(r: Prng, seed: number, size: number) {
  const people = new Map<number, Person>();
  const person = (i: number): Person => {
    let p = people.get(i);
    if (!p) {
      const ageGroup = r.pick(AGE_GROUPS);
      const child = !['18-59', '60+'].includes(ageGroup);
      const flags = r.chance(0.6)
        ? ['none' as const]
        : VULNERABILITIES.filter(
            (v) => v !== 'none' && (v !== 'unaccompanied_separated_child' || child) && r.chance(0.3),
          );
      p = {
        key: beneficiaryKey(seed, i),
        sex: r.pick(SEXES),
        ageGroup,
        flags: flags.length ? flags : ['victim_of_trafficking'],
      };
      people.set(i, p);
    }
    return p;
  };
  return { pick: (n: number) => [...new Set(Array.from({ length: n }, () => r.int(0, size - 1)))].map(person) };
}

/** A delivery's life: recorded (keys or counts), sometimes corrected, sometimes voided. */
export function deliveryLife(r: Prng, people: ReturnType<typeof createPeople>, partnerIds: readonly string[]): Draft[] {
  const deliveryId = r.uuid();
  const country = r.pick(COUNTRIES);
  const region = r.pick(REGIONS);
  const kind = r.pick(ASSISTANCE_KINDS);
  const base = {
    deliveryId,
    kind,
    context: r.chance(0.2) ? 'covid19' : 'programme',
    partnerId: r.pick(partnerIds),
    place: { country, region },
    region,
    activityLine: r.pick(ACTIVITY_LINES),
    quantity: r.int(1, 200),
    unit: 'kit',
    ...(kind === 'cash_voucher' ? { amount: r.int(100, 10_000), currency: 'MAD' } : {}),
  };
  const figures = () => {
    if (r.chance(0.6)) {
      const beneficiaries = people.pick(r.int(1, 12));
      const rows = new Map<string, { sex: string; ageGroup: string; flags: string[]; count: number }>();
      for (const b of beneficiaries) {
        const k = `${b.sex}|${b.ageGroup}|${b.flags.join(',')}`;
        const row = rows.get(k) ?? { sex: b.sex, ageGroup: b.ageGroup, flags: b.flags, count: 0 };
        row.count++;
        rows.set(k, row);
      }
      return { mode: 'keys', rows: [...rows.values()], total: beneficiaries.length, beneficiaries };
    }
    const seen = new Set<string>();
    const rows = Array.from({ length: r.int(1, 5) }, () => ({
      sex: r.pick(SEXES),
      ageGroup: r.pick(['18-59', '60+'] as const),
      flags: [r.pick(['none', 'victim_of_trafficking', 'disability'] as const)],
      count: r.int(1, 40),
    })).filter(
      (x) => !seen.has(`${x.sex}${x.ageGroup}${x.flags[0]}`) && seen.add(`${x.sex}${x.ageGroup}${x.flags[0]}`),
    );
    return { mode: 'counts', rows, total: rows.reduce((s, x) => s + x.count, 0) };
  };
  const date = dayAfter(PROGRAMME_START, r.int(0, 720));
  const first = figures();
  const e = (event: string, data: Record<string, unknown>): Draft => ({
    type: `assistance.delivery.${event}`,
    subject: deliveryId,
    country,
    data: { businessDate: date, ...data },
  });
  const life = [e('recorded', { ...base, ...first })];
  if (r.chance(0.15)) {
    // A third of corrections move the delivery to another date, often another month or quarter: its figures must
    // leave the period they were in.
    const moved = r.chance(0.3) ? dayAfter(date, r.int(-90, 90)) : date;
    life.push(
      e('corrected', {
        ...base,
        ...figures(),
        businessDate: moved,
        previousTotal: first.total,
        previousBusinessDate: date,
        reason: 'Distribution list checked',
      }),
    );
  }
  if (r.chance(0.04)) {
    const { deliveryId: _d, kind: k, context, partnerId, activityLine } = base;
    life.push(
      e('voided', {
        deliveryId,
        kind: k,
        context,
        partnerId,
        activityLine,
        region,
        previousTotal: first.total,
        reason: 'Recorded twice',
      }),
    );
  }
  return life;
}
