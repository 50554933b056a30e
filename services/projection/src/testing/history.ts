import { prng, type Prng } from '@passerelle/testkit';
import { createEnvelope, type Envelope, type AttendanceRow, PARTICIPANT_CATEGORIES, SEXES, BUILT_IN_TOPICS } from '@passerelle/contracts';

/**
 * Realistic training histories: plans, reschedules, cancellations, trainings held, attendance recorded then
 * corrected, knowledge tests, late events about last year, and duplicates (the same event published twice).
 * Returns events in the order a relay would publish them; `duplicate` marks a re-publication.
 */
export function trainingHistory(seed: number, trainings: number): Array<{ event: Envelope; duplicate?: boolean }> {
  const r = prng(seed);
  const ctx = { actor: 'generator', correlationid: `seed-${seed}` };
  const pending: Envelope[][] = [];
  for (let i = 0; i < trainings; i++) {
    const trainingId = r.uuid();
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
  return interleave(r, pending);
}

/** Interleaves lives the way several editors work at once, keeping each one's order; some events published twice. */
function interleave(r: Prng, pending: Envelope[][]): Array<{ event: Envelope; duplicate?: boolean }> {
  const out: Array<{ event: Envelope; duplicate?: boolean }> = [];
  while (pending.length) {
    const j = r.int(0, pending.length - 1);
    const event = pending[j]!.shift()!;
    out.push({ event });
    if (r.chance(0.03)) out.push({ event, duplicate: true });
    if (!pending[j]!.length) pending.splice(j, 1);
  }
  return out;
}

const hex64 = (n: number) => n.toString(16).padStart(64, '0');

/**
 * Realistic assistance and partner histories: partners registered then renamed, deliveries in counts mode and
 * in keys mode drawing people from a small pool (the same person assisted several times), corrections that
 * move figures and dates, voids, late deliveries about last year, and duplicate publications.
 */
export function assistanceHistory(seed: number, deliveries: number): Array<{ event: Envelope; duplicate?: boolean }> {
  const r = prng(seed ^ 0x5eed);
  const ctx = { actor: 'generator', correlationid: `seed-${seed}` };
  const partners = Array.from({ length: 6 }, (_, i) => ({ partnerId: r.uuid(), i }));
  const pending: Envelope[][] = partners.map(({ partnerId, i }) => {
    const snapshot = { partnerId, businessDate: '2019-11-01', name: { fr: `Partenaire ${i}`, en: `Partner ${i}` }, type: r.pick(['cso', 'foundation', 'migrant_association'] as const), level: 'national', country: 'MA', tags: [], active: true };
    const life: Envelope[] = [createEnvelope({ type: 'partners.partner.registered', subject: partnerId, country: 'MA', data: snapshot }, ctx)];
    if (r.chance(0.5)) {
      life.push(createEnvelope({ type: 'partners.partner.updated', subject: partnerId, country: 'MA', data: { ...snapshot, businessDate: '2020-06-01', name: { fr: `Partenaire ${i} renommé`, en: `Partner ${i} renamed` }, changed: ['name'], previousName: snapshot.name } }, ctx));
    }
    return life;
  });
  for (let i = 0; i < deliveries; i++) {
    const deliveryId = r.uuid();
    const partnerId = r.pick(partners).partnerId;
    const region = r.pick(['Oriental', 'Souss-Massa', 'Rabat-Salé-Kénitra']);
    const figures = (date: string) => {
      const keyed = r.chance(0.6);
      const people = Array.from({ length: r.int(1, 8) }, () => {
        const child = r.chance(0.2);
        return { sex: r.pick(SEXES), ageGroup: child ? '12-17' : '18-59', flags: child && r.chance(0.5) ? ['unaccompanied_separated_child'] : r.chance(0.1) ? ['victim_of_trafficking'] : ['none'] };
      });
      if (keyed) {
        // A pool of 300 people: keys repeat across deliveries, and unique counts must see it.
        const keys = [...new Set(people.map(() => r.int(1, 300)))];
        const beneficiaries = keys.map((k, j) => ({ key: hex64(k), ...people[j]! }));
        const rows = beneficiaries.map(({ sex, ageGroup, flags }) => ({ sex, ageGroup, flags, count: 1 }));
        return { businessDate: date, mode: 'keys', rows, total: rows.length, beneficiaries, quantity: rows.length };
      }
      const rows = people.map((p) => ({ ...p, count: r.int(1, 20) }));
      return { businessDate: date, mode: 'counts', rows, total: rows.reduce((n, x) => n + x.count, 0), quantity: rows.length };
    };
    const date = `${r.chance(0.1) ? 2019 : 2020}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
    const base = { deliveryId, kind: r.pick(['food', 'hygiene_dignity_kit', 'medical'] as const), context: r.pick(['programme', 'covid19']), partnerId, place: { country: 'MA', region }, region, activityLine: '1.4', unit: 'parcel' };
    const e = (type: string, data: object) => createEnvelope({ type, subject: deliveryId, country: 'MA', data: { ...base, ...data } }, ctx);
    const first = figures(date);
    const life: Envelope[] = [e('assistance.delivery.recorded', first)];
    if (r.chance(0.25)) life.push(e('assistance.delivery.corrected', { ...figures(r.chance(0.3) ? '2020-12-31' : date), previousTotal: first.total, previousBusinessDate: date, reason: 'recount' }));
    if (r.chance(0.1)) {
      const { place: _p, unit: _u, ...voided } = base;
      life.push(createEnvelope<object>({ type: 'assistance.delivery.voided', subject: deliveryId, country: 'MA', data: { ...voided, businessDate: date, reason: 'entered twice', previousTotal: first.total } }, ctx));
    }
    pending.push(life);
  }
  return interleave(r, pending);
}
