import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '@passerelle/contracts';
import { eventually, isolatedEnv, testToken, httpClient } from '@passerelle/testkit';
import { start } from './main.js';
import { TEST_KEY_SECRET, openStream } from './testing/harness.js';

// ARMP Morocco, year 1: COVID-19 humanitarian assistance to 150 vulnerable migrants through Fondation Orient
// Occident. Activity line 1.4 (local initiatives that better protect vulnerable migrants) is the line of the
// reference file that serves vulnerable migrants directly. Food parcels reached all 150; hygiene kits 100 of them.
const env = isolatedEnv('assistance_morocco');
let svc: Awaited<ReturnType<typeof start>>;
let stream: Awaited<ReturnType<typeof openStream>>;
let writer: string;
const call = httpClient(
  () => svc.url,
  () => writer,
);

/** 150 people: 70 men, 62 women, 18 adolescents (8 unaccompanied), with the vulnerabilities field teams record. */
const people = Array.from({ length: 150 }, (_, i) => {
  const n = i + 1;
  const ageGroup = n <= 18 ? '12-17' : n <= 145 ? '18-59' : '60+';
  const sex = n <= 18 ? (n % 2 ? 'male' : 'female') : n <= 88 ? 'male' : 'female';
  const flags =
    n <= 8
      ? ['unaccompanied_separated_child']
      : n <= 28
        ? ['victim_of_trafficking']
        : n >= 140 && sex === 'female'
          ? ['pregnant_lactating']
          : n >= 135 && n < 140
            ? ['serious_medical_condition']
            : ['none'];
  return { caseReference: `FOO-COVID-${String(n).padStart(4, '0')}`, sex, ageGroup, flags };
});

const delivery = (over: Record<string, unknown>) => ({
  context: 'covid19',
  partnerId: 'fondation-orient-occident',
  place: { country: 'MA', region: 'Rabat-Salé-Kénitra', city: 'Rabat' },
  activityLine: '1.4',
  ...over,
});

beforeAll(async () => {
  svc = await start(env.env('assistance', { BENEFICIARY_KEY_SECRET: TEST_KEY_SECRET }));
  stream = await openStream(env.infra.natsUrl, env.stream);
  writer = await testToken(['assistance:write', 'assistance:read']);
});
afterAll(async () => {
  await svc?.rt.shutdown();
  await stream?.close();
});

describe('the Morocco COVID-19 assistance', () => {
  it('recorded through the API, gives the events a report needs: 150 unique people, 250 assistances', async () => {
    const food = await call(
      'POST',
      '/deliveries',
      delivery({
        date: '2020-05-14',
        kind: 'food',
        quantity: 150,
        unit: 'food_parcel',
        beneficiaries: { mode: 'list', list: people },
      }),
    );
    const kits = await call(
      'POST',
      '/deliveries',
      delivery({
        date: '2020-06-18',
        kind: 'hygiene_dignity_kit',
        quantity: 100,
        unit: 'kit',
        beneficiaries: { mode: 'list', list: people.slice(50) },
      }),
    );
    expect([food.status, kits.status], food.text + kits.text).toEqual([201, 201]);

    const events = await eventually(
      async () => {
        const all = await stream.events();
        return all.length === 2 ? all : undefined;
      },
      15_000,
      'both events',
    );
    // Every event is valid against the published contract, as the projection will parse it.
    const parsed = events.map((e) => registry.parse(e.raw, e.natsSubject));
    expect(parsed.map((e) => [e.type, e.country, e.source])).toEqual([
      ['assistance.delivery.recorded', 'MA', 'assistance'],
      ['assistance.delivery.recorded', 'MA', 'assistance'],
    ]);
    const data = parsed.map((e) => e.data as any);
    expect(parsed.map((e) => registry.businessDate(e))).toEqual(['2020-05-14', '2020-06-18']);
    for (const d of data)
      expect(d).toMatchObject({
        context: 'covid19',
        partnerId: 'fondation-orient-occident',
        activityLine: '1.4',
        region: 'Rabat-Salé-Kénitra',
        mode: 'keys',
      });

    // Totals: assistances delivered. Unique people: distinct keys.
    const totals = data.reduce((n, d) => n + d.total, 0);
    const unique = new Set(data.flatMap((d) => d.beneficiaries.map((b: any) => b.key)));
    expect(totals).toBe(250);
    expect(unique.size).toBe(150);

    // The disaggregations of the factsheet, from the first delivery's rows (everyone was reached by it).
    const rows = data[0].rows as Array<{ sex: string; ageGroup: string; flags: string[]; count: number }>;
    const sum = (pick: (r: (typeof rows)[number]) => boolean) => rows.filter(pick).reduce((n, r) => n + r.count, 0);
    expect(sum(() => true)).toBe(150);
    expect(sum((r) => r.sex === 'female')).toBe(people.filter((p) => p.sex === 'female').length);
    expect(sum((r) => r.ageGroup === '12-17')).toBe(18);
    expect(sum((r) => r.flags.includes('unaccompanied_separated_child'))).toBe(8);
    expect(sum((r) => r.flags.includes('victim_of_trafficking'))).toBe(20);
    expect(sum((r) => !r.flags.includes('none'))).toBe(people.filter((p) => p.flags[0] !== 'none').length);

    // Unique vulnerable people across both deliveries, counted by key: a trafficking victim reached twice counts once.
    const victims = new Set(
      data.flatMap((d) =>
        d.beneficiaries.filter((b: any) => b.flags.includes('victim_of_trafficking')).map((b: any) => b.key),
      ),
    );
    expect(victims.size).toBe(20);
    expect(JSON.stringify(events)).not.toContain('FOO-COVID-');
  });
});
