import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, testToken, eventually, httpClient } from '@passerelle/testkit';
import { start } from './main.js';
import { TEST_KEY_SECRET, countsDelivery, listDelivery, openStream } from './testing/harness.js';

const env = isolatedEnv('assistance_app');
let svc: Awaited<ReturnType<typeof start>>;
let stream: Awaited<ReturnType<typeof openStream>>;
let writer: string;
let reader: string;
let admin: string;
const call = httpClient(
  () => svc.url,
  () => writer,
);
const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Records a delivery and returns its body; fails loudly otherwise. */
async function recorded(body: unknown, token?: string) {
  const r = await call('POST', '/deliveries', body, token ? { token } : {});
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}
/** Waits until the outbox has published everything written so far. */
const settled = () =>
  eventually(async () => ((await svc.rt.relay.backlog()) === 0 ? true : undefined), 10_000, 'outbox empty');

beforeAll(async () => {
  svc = await start(env.env('assistance', { BENEFICIARY_KEY_SECRET: TEST_KEY_SECRET }));
  stream = await openStream(env.infra.natsUrl, env.stream);
  writer = await testToken(['assistance:write', 'assistance:read']);
  reader = await testToken(['assistance:read']);
  // Pseudonyms are shown to assistance:admin only; the tests that compare them use this token.
  admin = await testToken(['assistance:write', 'assistance:read', 'assistance:admin']);
});
afterAll(async () => {
  await svc?.rt.shutdown();
  await stream?.close();
});

describe('record a delivery', () => {
  it('counts mode: stores the rows and publishes delivery.recorded with every reporting dimension', async () => {
    const d = await recorded(
      countsDelivery({ kind: 'cash_voucher', amount: 5000, currency: 'MAD', quantity: 10, unit: 'voucher' }),
    );
    expect(d).toMatchObject({
      version: 1,
      status: 'recorded',
      mode: 'counts',
      total: 10,
      amount: 5000,
      currency: 'MAD',
    });
    const e = await eventually(
      async () => (await stream.events()).find((x) => x.subject === d.id),
      10_000,
      'the event',
    );
    expect(e.type).toBe('assistance.delivery.recorded');
    expect(e.natsSubject).toBe(`${env.prefix}.MA.assistance.delivery.recorded`);
    expect(e.data).toMatchObject({
      deliveryId: d.id,
      businessDate: '2020-05-12',
      kind: 'cash_voucher',
      context: 'covid19',
      partnerId: 'fondation-orient-occident',
      region: 'Rabat-Salé-Kénitra',
      activityLine: '1.4',
      quantity: 10,
      unit: 'voucher',
      amount: 5000,
      currency: 'MAD',
      mode: 'counts',
      total: 10,
      rows: [
        { sex: 'female', ageGroup: '18-59', flags: ['none'], count: 6 },
        { sex: 'male', ageGroup: '18-59', flags: ['victim_of_trafficking'], count: 4 },
      ],
    });
    expect(e.data.beneficiaries).toBeUndefined();
  });

  it('list mode: references become keys, rows are derived, and an age becomes its age group', async () => {
    const body = listDelivery(['CASE-APP-0001', 'CASE-APP-0002']);
    (body.beneficiaries as any).list[1] = {
      caseReference: 'CASE-APP-0002',
      sex: 'male',
      age: 15,
      flags: ['unaccompanied_separated_child', 'victim_of_trafficking'],
    };
    const d = await recorded(body, admin);
    expect(d.mode).toBe('keys');
    expect(d.total).toBe(2);
    expect(d.beneficiaries).toHaveLength(2);
    expect(d.beneficiaries[0].key).toMatch(/^[0-9a-f]{64}$/);
    // Flags come back in canonical order whatever order they were sent in.
    expect(d.beneficiaries[1]).toMatchObject({
      sex: 'male',
      ageGroup: '12-17',
      flags: ['victim_of_trafficking', 'unaccompanied_separated_child'],
    });
    expect(d.rows).toEqual([
      { sex: 'female', ageGroup: '18-59', flags: ['none'], count: 1 },
      { sex: 'male', ageGroup: '12-17', flags: ['victim_of_trafficking', 'unaccompanied_separated_child'], count: 1 },
    ]);
    expect(JSON.stringify(d)).not.toContain('CASE-APP');
  });

  it('the same case reference in two deliveries gives one key; typed differently, still the same key', async () => {
    const a = await recorded(listDelivery(['CASE-APP-0100', 'CASE-APP-0101']), admin);
    const b = await recorded(
      listDelivery([' case-app-0100 ', 'CASE-APP-0102'], { date: '2020-06-01', kind: 'hygiene_dignity_kit' }),
      admin,
    );
    expect(b.beneficiaries[0].key).toBe(a.beneficiaries[0].key);
    expect(b.beneficiaries[1].key).not.toBe(a.beneficiaries[1].key);
  });
});

describe('rules: each a clear problem, and nothing written or published', () => {
  const cases: Array<[string, unknown, number, string]> = [
    ['a future date', countsDelivery({ date: future(3) }), 422, 'FUTURE_DATE'],
    [
      'an unknown flag',
      countsDelivery({
        beneficiaries: { mode: 'counts', rows: [{ sex: 'male', ageGroup: '18-59', flags: ['homeless'], count: 1 }] },
      }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      '"none" with another flag',
      countsDelivery({
        beneficiaries: {
          mode: 'counts',
          rows: [{ sex: 'male', ageGroup: '18-59', flags: ['none', 'disability'], count: 1 }],
        },
      }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an unknown age group',
      countsDelivery({
        beneficiaries: { mode: 'counts', rows: [{ sex: 'male', ageGroup: '18-65', flags: ['none'], count: 1 }] },
      }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an age out of range',
      listDelivery(['CASE-APP-0200'], {
        beneficiaries: {
          mode: 'list',
          list: [{ caseReference: 'CASE-APP-0200', sex: 'male', age: 130, flags: ['none'] }],
        },
      }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a negative age',
      listDelivery(['CASE-APP-0201'], {
        beneficiaries: {
          mode: 'list',
          list: [{ caseReference: 'CASE-APP-0201', sex: 'male', age: -1, flags: ['none'] }],
        },
      }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a negative count',
      countsDelivery({
        beneficiaries: { mode: 'counts', rows: [{ sex: 'male', ageGroup: '18-59', flags: ['none'], count: -2 }] },
      }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a fractional count',
      countsDelivery({
        beneficiaries: { mode: 'counts', rows: [{ sex: 'male', ageGroup: '18-59', flags: ['none'], count: 1.5 }] },
      }),
      400,
      'VALIDATION_FAILED',
    ],
    ['an unknown kind', countsDelivery({ kind: 'blankets' }), 400, 'VALIDATION_FAILED'],
    ['unknown fields', countsDelivery({ beneficiaryName: 'x' }), 400, 'VALIDATION_FAILED'],
    [
      'an unaccompanied adult (counts)',
      countsDelivery({
        beneficiaries: {
          mode: 'counts',
          rows: [{ sex: 'male', ageGroup: '18-59', flags: ['unaccompanied_separated_child'], count: 1 }],
        },
      }),
      422,
      'INCONSISTENT_VULNERABILITY',
    ],
    [
      'an unaccompanied adult (list)',
      listDelivery(['CASE-APP-0202'], {
        beneficiaries: {
          mode: 'list',
          list: [
            {
              caseReference: 'CASE-APP-0202',
              sex: 'female',
              ageGroup: '60+',
              flags: ['unaccompanied_separated_child'],
            },
          ],
        },
      }),
      422,
      'INCONSISTENT_VULNERABILITY',
    ],
    ['a case reference listed twice', listDelivery(['CASE-APP-0203', 'case-app-0203']), 422, 'DUPLICATE_BENEFICIARY'],
    [
      'two rows for one group',
      countsDelivery({
        beneficiaries: {
          mode: 'counts',
          rows: [
            { sex: 'male', ageGroup: '18-59', flags: ['disability', 'none'].slice(0, 1), count: 1 },
            { sex: 'male', ageGroup: '18-59', flags: ['disability'], count: 2 },
          ],
        },
      }),
      422,
      'DUPLICATE_ROW',
    ],
    [
      'nobody reached',
      countsDelivery({
        beneficiaries: { mode: 'counts', rows: [{ sex: 'male', ageGroup: '18-59', flags: ['none'], count: 0 }] },
      }),
      422,
      'NO_BENEFICIARIES',
    ],
    ['cash without an amount', countsDelivery({ kind: 'cash_voucher' }), 422, 'AMOUNT_REQUIRED'],
    ['an amount without a currency', countsDelivery({ amount: 100 }), 422, 'AMOUNT_INCOMPLETE'],
  ];
  it.each(cases)('%s', async (_name, body, status, code) => {
    await settled();
    const before = await stream.count();
    const docs = await svc.store.deliveries.collection.countDocuments();
    const r = await call('POST', '/deliveries', body);
    expect(r.status, r.text).toBe(status);
    expect(r.type).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status, code });
    expect(r.text).not.toContain('CASE-APP');
    expect(await svc.store.deliveries.collection.countDocuments()).toBe(docs);
    expect(await stream.count()).toBe(before);
  });

  it('another country without scope is a 403; no token 401; read-only token 403', async () => {
    const before = await svc.store.deliveries.collection.countDocuments();
    const tn = countsDelivery({ place: { country: 'TN', region: 'Sfax' } });
    expect((await call('POST', '/deliveries', tn)).status).toBe(403);
    expect((await call('POST', '/deliveries', countsDelivery(), { token: '' })).status).toBe(401);
    expect((await call('POST', '/deliveries', countsDelivery(), { token: reader })).status).toBe(403);
    expect(await svc.store.deliveries.collection.countDocuments()).toBe(before);
    const tunisian = await testToken(['assistance:write', 'assistance:read'], ['TN']);
    expect((await call('POST', '/deliveries', tn, { token: tunisian })).status).toBe(201);
  });
});

describe('correct and void', () => {
  it('a correction replaces the figures, keeps the history, and publishes the full new figures', async () => {
    const d = await recorded(countsDelivery());
    const r = await call('POST', `/deliveries/${d.id}/corrections`, {
      version: 1,
      reason: 'recount',
      date: '2020-05-13',
      beneficiaries: { mode: 'counts', rows: [{ sex: 'female', ageGroup: '18-59', flags: ['none'], count: 7 }] },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ version: 2, total: 7, date: '2020-05-13', kind: 'food', corrections: 1 });
    const one = await call('GET', `/deliveries/${d.id}`, undefined, { token: reader });
    expect(one.body.history.map((h: any) => h.type)).toEqual([
      'assistance.delivery.recorded',
      'assistance.delivery.corrected',
    ]);
    expect(one.body.history[0].data.total).toBe(10);
    const events = await eventually(
      async () => {
        const all = (await stream.events()).filter((e) => e.subject === d.id);
        return all.length === 2 ? all : undefined;
      },
      10_000,
      'two events',
    );
    expect(events[1]!.data).toMatchObject({
      businessDate: '2020-05-13',
      previousBusinessDate: '2020-05-12',
      previousTotal: 10,
      total: 7,
      reason: 'recount',
      kind: 'food',
      context: 'covid19',
      partnerId: 'fondation-orient-occident',
      activityLine: '1.4',
      mode: 'counts',
      rows: [{ sex: 'female', ageGroup: '18-59', flags: ['none'], count: 7 }],
    });
  });

  it('a correction without beneficiaries keeps the keys; one with a list makes new keys', async () => {
    const d = await recorded(listDelivery(['CASE-APP-0300', 'CASE-APP-0301']), admin);
    expect(d.beneficiaries[0].key).toMatch(/^[0-9a-f]{64}$/);
    const place = await call(
      'POST',
      `/deliveries/${d.id}/corrections`,
      { version: 1, place: { country: 'MA', region: 'Oriental', city: 'Oujda' } },
      { token: admin },
    );
    expect(place.status, place.text).toBe(200);
    expect(place.body.beneficiaries).toEqual(d.beneficiaries);
    const list = await call(
      'POST',
      `/deliveries/${d.id}/corrections`,
      { version: 2, beneficiaries: listDelivery(['CASE-APP-0300']).beneficiaries },
      { token: admin },
    );
    expect(list.body).toMatchObject({ total: 1, beneficiaries: [d.beneficiaries[0]] });
    const toCounts = await call('POST', `/deliveries/${d.id}/corrections`, {
      version: 3,
      beneficiaries: countsDelivery().beneficiaries,
    });
    expect(toCounts.body).toMatchObject({ mode: 'counts', total: 10 });
    expect(toCounts.body.beneficiaries).toBeUndefined();
  });

  it('void with a reason publishes delivery.voided', async () => {
    const d = await recorded(countsDelivery());
    const r = await call('POST', `/deliveries/${d.id}/void`, { version: 1, reason: 'entered twice' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'voided', voidReason: 'entered twice', version: 2 });
    const e = await eventually(
      async () => (await stream.events()).find((x) => x.subject === d.id && x.type === 'assistance.delivery.voided'),
      10_000,
      'voided',
    );
    expect(e.data).toEqual({
      deliveryId: d.id,
      businessDate: '2020-05-12',
      reason: 'entered twice',
      kind: 'food',
      context: 'covid19',
      partnerId: 'fondation-orient-occident',
      activityLine: '1.4',
      region: 'Rabat-Salé-Kénitra',
      previousTotal: 10,
    });
  });

  it.each([
    [
      'a void of a void',
      async (id: string) => call('POST', `/deliveries/${id}/void`, { version: 2, reason: 'again' }),
      422,
      'ALREADY_VOIDED',
    ],
    [
      'a correction of a voided delivery',
      async (id: string) => call('POST', `/deliveries/${id}/corrections`, { version: 2, quantity: 3 }),
      422,
      'DELIVERY_VOIDED',
    ],
  ])('%s', async (_name, act, status, code) => {
    const d = await recorded(countsDelivery());
    await call('POST', `/deliveries/${d.id}/void`, { version: 1, reason: 'error' });
    await settled();
    const before = await stream.count();
    const r = await act(d.id);
    expect(r.status).toBe(status);
    expect(r.body.code).toBe(code);
    expect((await call('GET', `/deliveries/${d.id}`)).body.version).toBe(2);
    expect(await stream.count()).toBe(before);
  });

  it.each([
    ['a future date', { date: future(5) }, 422, 'FUTURE_DATE'],
    ['a move to another country', { place: { country: 'TN' } }, 422, 'COUNTRY_CHANGE'],
    ['the same figures again', { quantity: 10 }, 422, 'NOTHING_CHANGED'],
    [
      'an unaccompanied adult',
      {
        beneficiaries: {
          mode: 'counts',
          rows: [{ sex: 'male', ageGroup: '60+', flags: ['unaccompanied_separated_child'], count: 1 }],
        },
      },
      422,
      'INCONSISTENT_VULNERABILITY',
    ],
    ['a change to cash without an amount', { kind: 'cash_voucher' }, 422, 'AMOUNT_REQUIRED'],
    [
      'an unknown flag',
      { beneficiaries: { mode: 'counts', rows: [{ sex: 'male', ageGroup: '18-59', flags: ['tall'], count: 1 }] } },
      400,
      'VALIDATION_FAILED',
    ],
    ['no version', { quantity: 3, version: undefined }, 400, 'VALIDATION_FAILED'],
  ])('a correction with %s is refused', async (_name, change, status, code) => {
    const d = await recorded(countsDelivery());
    const r = await call('POST', `/deliveries/${d.id}/corrections`, { version: 1, ...change });
    expect(r.status, r.text).toBe(status);
    expect(r.body.code).toBe(code);
    expect((await call('GET', `/deliveries/${d.id}`)).body.version).toBe(1);
  });

  it('two editors with the same version: the second gets a 409 and changes nothing', async () => {
    const d = await recorded(countsDelivery());
    const first = await call('POST', `/deliveries/${d.id}/corrections`, { version: 1, quantity: 12 });
    const second = await call('POST', `/deliveries/${d.id}/void`, { version: 1, reason: 'stale screen' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    expect((await call('GET', `/deliveries/${d.id}`)).body).toMatchObject({ status: 'recorded', quantity: 12 });
  });

  it('an edit right after a record is never lost to the relay marking the record published', async () => {
    for (let i = 0; i < 15; i++) {
      const d = await recorded(countsDelivery());
      expect((await call('POST', `/deliveries/${d.id}/void`, { version: 1, reason: 'race' })).status).toBe(200);
      await settled();
      const doc = await svc.store.deliveries.collection.findOne({ _id: d.id });
      expect(doc).toMatchObject({ version: 2, state: { status: 'voided' }, outbox: [], unpublished: false });
      expect((await svc.store.deliveries.history(d.id)).map((e) => e.type)).toEqual([
        'assistance.delivery.recorded',
        'assistance.delivery.voided',
      ]);
    }
  });

  it("another country's delivery cannot be corrected, voided or read without its scope; unknown ids are 404", async () => {
    const d = await recorded(countsDelivery());
    const tunisian = await testToken(['assistance:write', 'assistance:read'], ['TN']);
    expect(
      (await call('POST', `/deliveries/${d.id}/corrections`, { version: 1, quantity: 2 }, { token: tunisian })).status,
    ).toBe(403);
    expect(
      (await call('POST', `/deliveries/${d.id}/void`, { version: 1, reason: 'x' }, { token: tunisian })).status,
    ).toBe(403);
    expect((await call('GET', `/deliveries/${d.id}`, undefined, { token: tunisian })).status).toBe(403);
    expect((await call('GET', '/deliveries/0190a8f2-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await call('GET', '/deliveries/not-a-uuid')).status).toBe(400);
  });
});

describe('list and filter', () => {
  it('filters by country scope, region, kind, partner, context and period, paged, newest first', async () => {
    const partnerId = `partner-${env.id}`;
    const mk = (date: string, over: Record<string, unknown> = {}) =>
      recorded(countsDelivery({ date, partnerId, ...over }));
    await mk('2021-01-10');
    await mk('2021-02-10', { kind: 'medical' });
    await mk('2021-03-10', { context: 'programme', place: { country: 'MA', region: 'Oriental', city: 'Oujda' } });
    const voided = await mk('2021-04-10');
    await call('POST', `/deliveries/${voided.id}/void`, { version: 1, reason: 'error' });
    const list = async (q: string, token = reader) =>
      (await call('GET', `/deliveries?partnerId=${partnerId}&${q}`, undefined, { token })).body;

    const all = await list('pageSize=2');
    expect(all).toMatchObject({ total: 4, pages: 2, page: 1, pageSize: 2 });
    expect(all.items.map((i: any) => i.date)).toEqual(['2021-04-10', '2021-03-10']);
    expect((await list('pageSize=2&page=2')).items.map((i: any) => i.date)).toEqual(['2021-02-10', '2021-01-10']);
    expect((await list('kind=medical')).total).toBe(1);
    expect((await list('context=programme')).total).toBe(1);
    expect((await list('region=oriental')).total).toBe(1);
    expect((await list('from=2021-02-01&to=2021-03-31')).total).toBe(2);
    expect((await list('status=voided')).total).toBe(1);
    expect((await list('country=MA')).total).toBe(4);
    const tunisianReader = await testToken(['assistance:read'], ['TN']);
    expect((await list('', tunisianReader)).total).toBe(0);
    expect((await call('GET', '/deliveries?country=MA', undefined, { token: tunisianReader })).status).toBe(403);
    expect((await call('GET', '/deliveries?from=2021-05-01&to=2021-01-01')).status).toBe(400);
    expect((await call('GET', '/deliveries?kind=blankets')).status).toBe(400);
  });

  it('list items carry counts, not per-person keys', async () => {
    await recorded(listDelivery(['CASE-APP-0400'], { partnerId: `keys-${env.id}` }));
    const r = await call('GET', `/deliveries?partnerId=keys-${env.id}`);
    expect(r.body.items[0]).toMatchObject({ mode: 'keys', total: 1 });
    expect(r.body.items[0].beneficiaries).toBeUndefined();
    expect(r.body.items[0]).not.toHaveProperty('keyScheme');
  });

  it('serves its OpenAPI document and health without a token', async () => {
    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as any;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/deliveries',
        '/deliveries/import',
        '/deliveries/{id}',
        '/deliveries/{id}/corrections',
        '/deliveries/{id}/void',
      ]),
    );
    expect(doc.paths['/deliveries/import'].post.description).toContain('delivery_ref');
    expect((await fetch(`${svc.url}/health/ready`)).status).toBe(200);
  });
});
