// Loads the Morocco demo through the services' own APIs (so every figure comes from real events): the partners
// of the reference file, the results framework, the four year-1 trainings (22 + 24 + 26 + 47 = 119) and the
// COVID-19 assistance to 150 vulnerable migrants through Fondation Orient Occident.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

async function mint(secret) {
  const { mintToken } = await import(join(root, 'packages', 'platform', 'dist', 'index.js'));
  return mintToken({
    subject: 'demo-loader',
    countries: ['MA'],
    ttl: '1h',
    secret,
    scopes: [
      'trainings:write',
      'trainings:read',
      'assistance:write',
      'partners:write',
      'partners:read',
      'indicators:write',
      'indicators:read',
    ],
  });
}

/** Loads the demo; safe to run twice (duplicates come back as 409 and are skipped). */
export async function loadDemo({ secret, services }) {
  const token = await mint(secret);
  const call = async (service, path, body, type = 'application/json') => {
    const res = await fetch(`${services[service]}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body: type === 'application/json' ? JSON.stringify(body) : body,
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok && res.status !== 409)
      throw new Error(`${service} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    return json;
  };

  const partners = JSON.parse(
    readFileSync(join(root, 'services', 'partners', 'demo', 'morocco-partners.json'), 'utf8'),
  );
  const ids = {};
  for (const p of partners) {
    const r = await call('partners', '/partners', p);
    ids[p.acronym ?? p.name.en] = r.id ?? r.existingPartner?.id;
  }
  await call(
    'indicators',
    '/frameworks/import?publish=true',
    readFileSync(join(root, 'services', 'indicators', 'demo', 'morocco-framework.yaml')),
    'application/yaml',
  );

  const trainings = [
    {
      topic: 'sexual_exploitation_abuse',
      start: '2020-02-10',
      end: '2020-02-11',
      rows: [
        ['female', 'cso_staff', 14],
        ['male', 'cso_staff', 8],
      ],
    },
    {
      topic: 'unaccompanied_children',
      start: '2020-03-02',
      end: '2020-03-03',
      rows: [
        ['female', 'government_official', 4],
        ['male', 'government_official', 2],
        ['male', 'police', 7],
        ['female', 'health_staff', 5],
        ['female', 'judiciary', 3],
        ['male', 'judiciary', 3],
      ],
    },
    {
      topic: 'trafficking_in_persons',
      start: '2020-06-15',
      end: '2020-06-17',
      rows: [
        ['female', 'social_worker', 16],
        ['male', 'social_worker', 10],
      ],
    },
    {
      topic: 'international_migration_law',
      start: '2020-09-21',
      end: '2020-09-21',
      rows: [
        ['female', 'student', 25],
        ['male', 'student', 22],
      ],
    },
  ];
  for (const t of trainings) {
    const planned = await call('trainings', '/trainings', {
      title: { fr: `Formation : ${t.topic}`, en: `Training: ${t.topic}` },
      topics: [t.topic],
      startDate: t.start,
      endDate: t.end,
      place: { country: 'MA', region: 'Rabat-Salé-Kénitra', city: 'Rabat' },
      modality: 'in_person',
      organiser: 'IOM Morocco',
      partnerIds: [],
      activityLine: '1.1',
      plannedParticipants: t.rows.reduce((n, r) => n + r[2], 0),
    });
    await call('trainings', `/trainings/${planned.id}/held`, { version: 1 });
    await call('trainings', `/trainings/${planned.id}/attendance`, {
      version: 2,
      rows: t.rows.map(([sex, category, count]) => ({ sex, category, count })),
    });
  }

  await call('assistance', '/deliveries', {
    date: '2020-05-15',
    kind: 'food',
    context: 'covid19',
    partnerId: ids['Fondation Orient Occident'] ?? ids.FOO ?? 'fondation-orient-occident',
    place: { country: 'MA', region: 'Rabat-Salé-Kénitra', city: 'Rabat' },
    activityLine: '1.4',
    quantity: 150,
    unit: 'food parcel',
    beneficiaries: {
      mode: 'counts',
      rows: [
        { sex: 'female', ageGroup: '18-59', flags: ['none'], count: 60 },
        { sex: 'male', ageGroup: '18-59', flags: ['none'], count: 70 },
        { sex: 'female', ageGroup: '18-59', flags: ['victim_of_trafficking'], count: 8 },
        { sex: 'male', ageGroup: '12-17', flags: ['unaccompanied_separated_child'], count: 12 },
      ],
    },
  });
}
