import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHEET_TYPES } from '@passerelle/sheets';
import { eventually, isolatedEnv, publishPartner, testToken, httpClient } from '@passerelle/testkit';
import { start } from './main.js';
import { TEST_KEY_SECRET, countsDelivery } from './testing/harness.js';

// Partner ids are checked against the partners this service learnt from partner events (its own copy, fed by
// its durable consumer), in countries where it knows at least one partner.
const env = isolatedEnv('assistance_partners');
let svc: Awaited<ReturnType<typeof start>>;
let writer: string;
let known: string;
const call = httpClient(
  () => svc.url,
  () => writer,
);

beforeAll(async () => {
  svc = await start(env.env('assistance', { BENEFICIARY_KEY_SECRET: TEST_KEY_SECRET }));
  writer = await testToken(['assistance:write', 'assistance:read']);
});
afterAll(() => svc?.rt.shutdown());

describe('partner ids of deliveries', () => {
  it('are not checked in a country whose partners the service does not know yet', async () => {
    expect((await call('POST', '/deliveries', countsDelivery({ partnerId: 'not-yet-known' }))).status).toBe(201);
  });

  it('once partner events have arrived: recording, correcting and importing refuse an unknown id', async () => {
    known = await publishPartner(env, { country: 'MA' });
    await eventually(
      async () => ((await svc.store.partners.collection.countDocuments({ _id: known })) === 1 ? true : undefined),
      10_000,
      'the partner known',
    );

    const ok = await call('POST', '/deliveries', countsDelivery({ partnerId: known }));
    expect(ok.status, ok.text).toBe(201);
    const bad = await call('POST', '/deliveries', countsDelivery({ partnerId: 'made-up-partner' }));
    expect([bad.status, bad.body.code, bad.body.partnerIds]).toEqual([422, 'UNKNOWN_PARTNER', ['made-up-partner']]);

    const correction = await call('POST', `/deliveries/${ok.body.id}/corrections`, {
      version: ok.body.version,
      partnerId: 'made-up-partner',
      reason: 'typo',
    });
    expect([correction.status, correction.body.code]).toEqual([422, 'UNKNOWN_PARTNER']);

    const sheet = [
      'delivery_ref;date;kind;context;partner_id;country;activity_line;quantity;unit;sex;age_group;count',
      `P1;2020-05-12;food;covid19;${known};MA;1.4;1;parcel;F;18-59;2`,
      'P2;2020-05-12;food;covid19;made-up-partner;MA;1.4;1;parcel;F;18-59;2',
      'P2;;;;;;;;;M;18-59;1',
    ].join('\n');
    const docs = await svc.store.deliveries.collection.countDocuments();
    const r = await call('POST', '/deliveries/import', sheet, { contentType: SHEET_TYPES.csv });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([
      { row: 3, column: 'partner_id', message: expect.stringContaining('not a known partner id') },
    ]);
    expect(await svc.store.deliveries.collection.countDocuments()).toBe(docs);
    const good = await call('POST', '/deliveries/import', sheet.replace('made-up-partner', known), {
      contentType: SHEET_TYPES.csv,
    });
    expect(good.status, good.text).toBe(201);
  });
});
