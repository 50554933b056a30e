import { createEnvelope, type Envelope, type AttendanceRow, PARTICIPANT_CATEGORIES, SEXES, BUILT_IN_TOPICS } from '@passerelle/contracts';

/** A small seeded PRNG (mulberry32): the same seed always gives the same history, so failures reproduce. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

const uuid = (r: ReturnType<typeof prng>) => {
  const h = () => r.int(0, 0xffff).toString(16).padStart(4, '0');
  return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
};

/**
 * Realistic training histories: plans, reschedules, cancellations, trainings held, attendance recorded then
 * corrected, knowledge tests, late events about last year, and duplicates (the same event published twice).
 * Returns events in the order a relay would publish them; `duplicate` marks a re-publication.
 */
export function trainingHistory(seed: number, trainings: number): Array<{ event: Envelope; duplicate?: boolean }> {
  const r = prng(seed);
  const out: Array<{ event: Envelope; duplicate?: boolean }> = [];
  const ctx = { actor: 'generator', correlationid: `seed-${seed}` };
  const pending: Envelope[][] = [];
  for (let i = 0; i < trainings; i++) {
    const trainingId = uuid(r);
    const country = r.chance(0.7) ? 'MA' : r.pick(['TN', 'SN', 'EG'] as const);
    const late = r.chance(0.1);
    const month = String(r.int(1, 12)).padStart(2, '0');
    const startDate = `${late ? 2019 : 2020}-${month}-${String(r.int(1, 25)).padStart(2, '0')}`;
    const topics = r.chance(0.2) ? [r.pick(BUILT_IN_TOPICS), r.pick(BUILT_IN_TOPICS)].filter((t, j, a) => a.indexOf(t) === j) : [r.pick(BUILT_IN_TOPICS)];
    const region = r.pick(['Oriental', 'Souss-Massa', 'Tanger-Tétouan-Al Hoceïma', 'Rabat-Salé-Kénitra']);
    const activityLine = r.pick(['1.1', '1.3', '2.2', '2.3']);
    const base = { trainingId, businessDate: startDate };
    const e = (type: string, data: object) => createEnvelope({ type, subject: trainingId, country, data: { ...base, ...data } }, ctx);
    const life: Envelope[] = [e('trainings.training.planned', {
      title: { fr: `Formation ${i}`, en: `Training ${i}` }, topics, startDate, endDate: startDate, durationDays: 1, place: { country, region },
      modality: 'in_person', organiser: 'IOM', partnerIds: [], activityLine, plannedParticipants: r.int(10, 50),
    })];
    if (r.chance(0.1)) {
      life.push(e('trainings.training.cancelled', { reason: 'security' }));
    } else {
      life.push(e('trainings.training.held', { startDate, endDate: startDate, durationDays: 1, topics, activityLine, region, partnerIds: [] }));
      const rows = (): AttendanceRow[] => {
        const seen = new Set<string>();
        return Array.from({ length: r.int(1, 4) }, () => ({ sex: r.pick(SEXES), category: r.pick(PARTICIPANT_CATEGORIES), count: r.int(0, 30) }))
          .filter((row) => !seen.has(`${row.sex}${row.category}`) && seen.add(`${row.sex}${row.category}`));
      };
      const first = rows();
      const total = (rs: AttendanceRow[]) => rs.reduce((n, x) => n + x.count, 0);
      life.push(e('trainings.training.attendance_recorded', { rows: first, total: total(first), topics, activityLine, region }));
      if (r.chance(0.3)) {
        const fixed = rows();
        life.push(e('trainings.training.attendance_corrected', { rows: fixed, total: total(fixed), previousTotal: total(first), topics, activityLine, region }));
      }
      if (r.chance(0.4)) {
        const tested = r.int(5, 20);
        life.push(e('trainings.training.assessment_recorded', { tested, averagePre: r.int(20, 60), averagePost: r.int(40, 90), improved: r.int(0, tested), topics, activityLine }));
      }
    }
    pending.push(life);
  }
  // Interleave trainings the way several editors work at once, keeping each training's own order.
  while (pending.length) {
    const j = r.int(0, pending.length - 1);
    const event = pending[j]!.shift()!;
    out.push({ event });
    if (r.chance(0.03)) out.push({ event, duplicate: true });
    if (!pending[j]!.length) pending.splice(j, 1);
  }
  return out;
}
