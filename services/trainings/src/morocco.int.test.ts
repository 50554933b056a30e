import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHEET_TYPES, writeXlsx } from '@passerelle/sheets';
import { startHarness, type Harness } from './testing/harness.js';

// Morocco, programme year 1: four trainings, 119 participants (shared/reference/armp-morocco.md), entered as staff would.
let h: Harness;
beforeAll(async () => {
  h = await startHarness('trainings_morocco');
});
afterAll(() => h?.stop());

const training = (o: Record<string, unknown>) => ({
  modality: 'in_person',
  organiser: 'IOM Morocco',
  activityLine: '1.1',
  place: { country: 'MA', region: 'Rabat-Salé-Kénitra', city: 'Rabat' },
  ...o,
});

async function planAndHold(body: Record<string, unknown>) {
  const t = await h.ok('POST', '/trainings', training(body));
  return h.ok('POST', `/trainings/${t.id}/held`, { version: t.version });
}

describe('Morocco year 1 through the API', () => {
  it('produces the events the year-1 report is made of: 4 trainings held, 22 + 24 + 26 + 47 = 119 participants', async () => {
    // Sexual exploitation and abuse: 22 CSO staff, typed in; first entered as 21, then corrected.
    const sea = await planAndHold({
      title: { fr: "Prévention de l'exploitation et des abus sexuels", en: 'Preventing sexual exploitation and abuse' },
      topics: ['sexual_exploitation_abuse'],
      startDate: '2019-10-15',
      endDate: '2019-10-16',
      plannedParticipants: 25,
      audience: 'Staff of civil society organisations',
    });
    await h.ok('POST', `/trainings/${sea.id}/attendance`, {
      version: 2,
      rows: [
        { sex: 'female', category: 'cso_staff', count: 14 },
        { sex: 'male', category: 'cso_staff', count: 7 },
      ],
    });
    await h.ok('POST', `/trainings/${sea.id}/attendance`, {
      version: 3,
      rows: [
        { sex: 'female', category: 'cso_staff', count: 15 },
        { sex: 'male', category: 'cso_staff', count: 7 },
      ],
    });
    await h.ok('POST', `/trainings/${sea.id}/assessment`, {
      version: 4,
      tested: 20,
      averagePre: 52,
      averagePost: 81,
      improved: 18,
    });

    // Unaccompanied children and counter-trafficking: 24 from the children's rights observatory, police, hospitals and judiciary, imported from CSV.
    const uac = await planAndHold({
      title: {
        fr: 'Protection des enfants non accompagnés et lutte contre la traite',
        en: 'Protecting unaccompanied children and countering trafficking',
      },
      topics: ['unaccompanied_children', 'trafficking_in_persons'],
      startDate: '2019-12-10',
      endDate: '2019-12-11',
      plannedParticipants: 25,
      partnerIds: ['partner-onde'],
    });
    const csv = [
      'Sexe;Catégorie;Institution;Nombre',
      'F;Fonctionnaire;ONDE;4',
      'H;Fonctionnaire;ONDE;2',
      'F;Police;DGSN;2',
      'H;Police;DGSN;5',
      'F;Santé;CHU Ibn Sina;4',
      'H;Santé;CHU Ibn Sina;1',
      'F;Justice;Ministère de la Justice;3',
      'H;Justice;Ministère de la Justice;3',
    ].join('\n');
    await h.ok('POST', `/trainings/${uac.id}/attendance/import?version=2`, csv, {
      headers: { 'content-type': SHEET_TYPES.csv },
    });

    // Counter-trafficking, identifying and protecting victims: 26 social workers of the Ministry of Justice, 3 days, imported from XLSX.
    const ct = await planAndHold({
      title: {
        fr: 'Identification et protection des victimes potentielles de la traite',
        en: 'Identifying and protecting potential victims of trafficking',
      },
      topics: ['trafficking_in_persons'],
      startDate: '2020-01-21',
      endDate: '2020-01-23',
      plannedParticipants: 26,
      partnerIds: ['partner-ministry-justice'],
    });
    const xlsx = await writeXlsx(
      'Attendance',
      ['Sex', 'Category', 'Institution', 'Count'],
      [
        ['Female', 'Social worker', 'Ministry of Justice', 18],
        ['Male', 'Social worker', 'Ministry of Justice', 8],
      ],
    );
    await h.ok('POST', `/trainings/${ct.id}/attendance/import`, xlsx, {
      headers: { 'content-type': SHEET_TYPES.xlsx, 'if-match': '"2"' },
    });

    // International migration law: 47 students of the national school of public administration.
    const iml = await planAndHold({
      title: { fr: 'Droit international de la migration', en: 'International migration law' },
      topics: ['international_migration_law'],
      startDate: '2020-02-24',
      endDate: '2020-02-25',
      plannedParticipants: 45,
      partnerIds: ['partner-ensa'],
    });
    await h.ok('POST', `/trainings/${iml.id}/attendance`, {
      version: 2,
      rows: [
        { sex: 'female', category: 'student', count: 25 },
        { sex: 'male', category: 'student', count: 22 },
      ],
    });

    // What a report reads: the stream, validated against the contracts.
    await h.settled();
    const events = await h.streamEvents();
    expect(
      events.every(
        (e) => e.country === 'MA' && /^\d{4}-\d{2}-\d{2}$/.test((e.data as { businessDate: string }).businessDate),
      ),
    ).toBe(true);
    const held = events
      .filter((e) => e.type === 'trainings.training.held')
      .map((e) => e.data as { trainingId: string; durationDays: number; businessDate: string });
    expect(held).toHaveLength(4);
    expect(held.find((d) => d.trainingId === ct.id)?.durationDays).toBe(3);

    // Latest attendance per training (a correction replaces the earlier figure), as the projection does.
    const latest = new Map<
      string,
      { total: number; rows: Array<{ category: string; count: number }>; businessDate: string }
    >();
    for (const e of events.filter((e) => e.type.startsWith('trainings.training.attendance_'))) {
      const d = e.data as {
        trainingId: string;
        total: number;
        rows: Array<{ category: string; count: number }>;
        businessDate: string;
      };
      latest.set(d.trainingId, d);
    }
    expect([sea, uac, ct, iml].map((t) => latest.get(t.id)?.total)).toEqual([22, 24, 26, 47]);
    expect([...latest.values()].reduce((n, d) => n + d.total, 0)).toBe(119);
    const byCategory: Record<string, number> = {};
    for (const d of latest.values())
      for (const r of d.rows) byCategory[r.category] = (byCategory[r.category] ?? 0) + r.count;
    expect(byCategory).toEqual({
      cso_staff: 22,
      government_official: 6,
      police: 7,
      health_staff: 5,
      judiciary: 6,
      social_worker: 26,
      student: 47,
    });
    expect([...latest.values()].every((d) => d.businessDate >= '2019-10-01' && d.businessDate <= '2020-09-30')).toBe(
      true,
    );

    const corrected = events.find((e) => e.type === 'trainings.training.attendance_corrected');
    expect(corrected?.data).toMatchObject({ trainingId: sea.id, total: 22, previousTotal: 21 });
    const assessed = events.find((e) => e.type === 'trainings.training.assessment_recorded')?.data as {
      tested: number;
      improved: number;
    };
    expect(Math.round((assessed.improved / assessed.tested) * 100)).toBe(90);
  });
});
