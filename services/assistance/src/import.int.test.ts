import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHEET_TYPES, writeXlsx } from '@passerelle/sheets';
import { eventually, isolatedEnv, testToken, httpClient } from '@passerelle/testkit';
import { start } from './main.js';
import { TEST_KEY_SECRET, listDelivery, openStream } from './testing/harness.js';

const env = isolatedEnv('assistance_import');
let svc: Awaited<ReturnType<typeof start>>;
let stream: Awaited<ReturnType<typeof openStream>>;
let writer: string;
const call = httpClient(
  () => svc.url,
  () => writer,
);
const csv = (lines: string[]) => `${lines.join('\n')}\n`;
const HEADER =
  'Delivery ref;Date;Kind;Context;Partner id;Country;Region;City;Activity line;Quantity;Unit;Case reference;Sex;Age group;Age;Flags';

const listSheet = csv([
  HEADER,
  'D1;12/05/2020;food;covid19;fondation-orient-occident;MA;Rabat-Salé-Kénitra;Rabat;1.4;3;food_parcel;CASE-IMP-0001;F;18-59;;none',
  'D1;;;;;;;;;;;CASE-IMP-0002;M;;34;victim_of_trafficking',
  'D1;;;;;;;;;;;CASE-IMP-0003;F;12-17;;unaccompanied_separated_child|victim_of_trafficking',
  'D2;2020-06-02;hygiene;covid19;fondation-orient-occident;MA;Oriental;Oujda;1.4;2;kit;case-imp-0001;F;18-59;;',
  'D2;2020-06-02;hygiene;covid19;fondation-orient-occident;MA;Oriental;Oujda;1.4;2;kit;CASE-IMP-0004;M;60+;;disability',
]);

const settled = () =>
  eventually(async () => ((await svc.rt.relay.backlog()) === 0 ? true : undefined), 10_000, 'outbox empty');
async function nothingWritten(act: () => Promise<unknown>) {
  await settled();
  const [docs, events] = [await svc.store.deliveries.collection.countDocuments(), await stream.count()];
  await act();
  expect(await svc.store.deliveries.collection.countDocuments()).toBe(docs);
  expect(await stream.count()).toBe(events);
}

beforeAll(async () => {
  svc = await start(env.env('assistance', { BENEFICIARY_KEY_SECRET: TEST_KEY_SECRET }));
  stream = await openStream(env.infra.natsUrl, env.stream);
  writer = await testToken(['assistance:write', 'assistance:read']);
});
afterAll(async () => {
  await svc?.rt.shutdown();
  await stream?.close();
});

describe('import a distribution list', () => {
  it('CSV, one row per person: deliveries grouped by delivery_ref, references hashed like list mode', async () => {
    const r = await call('POST', '/deliveries/import', listSheet, { contentType: SHEET_TYPES.csv });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ created: 2, alreadyImported: 0 });
    expect(r.body.deliveries.map((d: any) => [d.deliveryRef, d.mode, d.total, d.rows])).toEqual([
      ['D1', 'keys', 3, [2, 3, 4]],
      ['D2', 'keys', 2, [5, 6]],
    ]);
    expect(r.text).not.toContain('CASE-IMP');
    const admin = await testToken(['assistance:write', 'assistance:read', 'assistance:admin']);
    const [d1, d2] = await Promise.all(
      r.body.deliveries.map(
        async (d: any) => (await call('GET', `/deliveries/${d.id}`, undefined, { token: admin })).body,
      ),
    );
    expect(d1).toMatchObject({
      date: '2020-05-12',
      kind: 'food',
      place: { country: 'MA', region: 'Rabat-Salé-Kénitra', city: 'Rabat' },
      quantity: 3,
    });
    expect(d1.beneficiaries.map((b: any) => [b.sex, b.ageGroup, b.flags])).toEqual([
      ['female', '18-59', ['none']],
      ['male', '18-59', ['victim_of_trafficking']],
      ['female', '12-17', ['victim_of_trafficking', 'unaccompanied_separated_child']],
    ]);
    expect(d2).toMatchObject({ kind: 'hygiene_dignity_kit', date: '2020-06-02' });
    // The same person in both deliveries (typed in another case), and through the JSON API: one key.
    expect(d1.beneficiaries[0].key).toMatch(/^[0-9a-f]{64}$/);
    expect(d2.beneficiaries[0].key).toBe(d1.beneficiaries[0].key);
    const api = await call('POST', '/deliveries', listDelivery(['CASE-IMP-0001']), { token: admin });
    expect(api.body.beneficiaries[0].key).toBe(d1.beneficiaries[0].key);
    const events = await eventually(
      async () => {
        const all = (await stream.events()).filter((e) => e.type === 'assistance.delivery.recorded');
        return all.length === 3 ? all : undefined;
      },
      10_000,
      'three recorded events',
    );
    expect(events.slice(0, 2).map((e) => e.data.total)).toEqual([3, 2]);
  });

  it('sending the same list again creates nothing new', async () => {
    await nothingWritten(async () => {
      const r = await call('POST', '/deliveries/import', listSheet, { contentType: SHEET_TYPES.csv });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ created: 0, alreadyImported: 2 });
    });
  });

  it('XLSX, one row per count group', async () => {
    const xlsx = await writeXlsx(
      'distribution',
      [
        'delivery_ref',
        'date',
        'kind',
        'context',
        'partner_id',
        'country',
        'region',
        'activity_line',
        'quantity',
        'unit',
        'amount',
        'currency',
        'sex',
        'age_group',
        'flags',
        'count',
      ],
      [
        [
          'C1',
          '2020-07-01',
          'cash_voucher',
          'covid19',
          'fondation-orient-occident',
          'MA',
          'Souss-Massa',
          '1.4',
          40,
          'voucher',
          20000,
          'MAD',
          'female',
          '18-59',
          'pregnant_lactating',
          12,
        ],
        ['C1', '', '', '', '', '', '', '', '', '', '', '', 'male', '18-59', 'none', 28],
      ],
    );
    const r = await call('POST', '/deliveries/import', xlsx, { contentType: SHEET_TYPES.xlsx });
    expect(r.status, r.text).toBe(201);
    const d = (await call('GET', `/deliveries/${r.body.deliveries[0].id}`)).body;
    expect(d).toMatchObject({
      mode: 'counts',
      total: 40,
      kind: 'cash_voucher',
      amount: 20000,
      currency: 'MAD',
      place: { region: 'Souss-Massa' },
    });
  });
});

describe('a bad list is refused whole, every problem reported with its row, and nothing written', () => {
  const future = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
  it('reports every row error at once', async () => {
    await nothingWritten(async () => {
      const r = await call(
        'POST',
        '/deliveries/import',
        csv([
          HEADER,
          'E1;2020-05-12;food;covid19;foo;MA;;;1.4;3;parcel;CASE-IMP-0101;F;18-59;;none',
          'E1;2020-05-13;;;;;;;;;;CASE-IMP-0102;Z;;;none', // X is a sex since the label catalogue (other, as on ICAO passports)
          'E1;;;;;;;;;;;CASE-IMP-0103;M;18-59;;unaccompanied_separated_child',
          'E1;;;;;;;;;;;CASE-IMP-0104;M;;130;none',
          'E1;;;;;;;;;;;CASE-IMP-0101;F;5-11;;homeless',
          `E2;${future};blankets;covid19;foo;MA;;;1.4;3;parcel;CASE-IMP-0105;F;18-59;;none`,
          'E3;2020-05-12;food;covid19;foo;MA;;;1.4;3;parcel;case-imp-0106;F;18-59;;none',
          'E3;;;;;;;;;;;CASE-IMP-0106;M;18-59;;none',
        ]),
        { contentType: SHEET_TYPES.csv },
      );
      expect(r.status, r.text).toBe(422);
      expect(r.body.code).toBe('IMPORT_INVALID');
      const where = r.body.errors.map((e: any) => `${e.row}:${e.column}`);
      expect(where).toEqual(
        expect.arrayContaining(['3:date', '3:sex', '4:flags', '5:age', '6:flags', '7:kind', '9:case_reference']),
      );
      expect(r.body.errors.find((e: any) => e.row === 5).message).toMatch(/age out of range/);
      expect(r.body.errorCount).toBe(r.body.errors.length);
      expect(r.text).not.toMatch(/CASE-IMP/i);
    });
  });

  it('a future date in a valid-looking list', async () => {
    const r = await call(
      'POST',
      '/deliveries/import',
      csv([HEADER, `F1;${future};food;covid19;foo;MA;;;1.4;3;parcel;CASE-IMP-0201;F;18-59;;none`]),
      { contentType: SHEET_TYPES.csv },
    );
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([
      expect.objectContaining({ row: 2, column: 'date', message: expect.stringContaining('future') }),
    ]);
  });

  it('missing columns are reported against the header row', async () => {
    const r = await call('POST', '/deliveries/import', csv(['delivery_ref;date;sex', 'X;2020-01-01;F']), {
      contentType: SHEET_TYPES.csv,
    });
    expect(r.status).toBe(422);
    expect(r.body.errors.every((e: any) => e.row === 1)).toBe(true);
    expect(r.body.errors.map((e: any) => e.column)).toEqual(
      expect.arrayContaining(['kind', 'country', 'age_group', 'case_reference']),
    );
  });

  it('another country without scope is a 403', async () => {
    await nothingWritten(async () => {
      const r = await call('POST', '/deliveries/import', listSheet.replaceAll(';MA;', ';TN;'), {
        contentType: SHEET_TYPES.csv,
      });
      expect(r.status).toBe(403);
    });
  });

  it('an unreadable XLSX is a 400; a JSON body a 415; a sheet without rows a 422', async () => {
    const bad = await call('POST', '/deliveries/import', Buffer.from('not a zip'), { contentType: SHEET_TYPES.xlsx });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('SHEET_UNREADABLE');
    expect((await call('POST', '/deliveries/import', { rows: [] })).status).toBe(415);
    const empty = await call('POST', '/deliveries/import', csv([HEADER]), { contentType: SHEET_TYPES.csv });
    expect(empty.status).toBe(422);
    expect(empty.body.code).toBe('IMPORT_INVALID');
  });
});
