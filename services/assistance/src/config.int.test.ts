import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@passerelle/platform';
import { SHEET_TYPES } from '@passerelle/sheets';
import { isolatedEnv, testToken, httpClient } from '@passerelle/testkit';
import { start } from './main.js';
import { OTHER_KEY_SECRET, TEST_KEY_SECRET, countsDelivery, listDelivery } from './testing/harness.js';

const env = isolatedEnv('assistance_config');
let writer: string;
beforeAll(async () => {
  writer = await testToken(['assistance:write', 'assistance:read']);
});

describe('the beneficiary key secret is checked at start-up, not at the first request', () => {
  it.each([
    ['not set', {}],
    ['too short', { BENEFICIARY_KEY_SECRET: 'short-secret' }],
  ])(
    'list mode (the default) with the secret %s: the service refuses to start, naming the variable',
    async (_name, extra) => {
      const err = await start(env.env('assistance_nostart', extra)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain('BENEFICIARY_KEY_SECRET');
    },
  );

  it('an unknown BENEFICIARY_LISTS value is refused too', async () => {
    const err = await start(
      env.env('assistance_nostart', { BENEFICIARY_LISTS: 'maybe', BENEFICIARY_KEY_SECRET: TEST_KEY_SECRET }),
    ).catch((e: unknown) => e);
    expect((err as Error).message).toContain('BENEFICIARY_LISTS');
  });
});

describe('a counts-only deployment (BENEFICIARY_LISTS=disabled) runs without a secret', () => {
  let svc: Awaited<ReturnType<typeof start>>;
  const call = httpClient(
    () => svc.url,
    () => writer,
  );
  beforeAll(async () => {
    svc = await start(env.env('assistance_counts', { BENEFICIARY_LISTS: 'disabled' }));
  });
  afterAll(() => svc?.rt.shutdown());

  it('accepts counts and refuses lists, in the API and in imports, writing nothing', async () => {
    expect((await call('POST', '/deliveries', countsDelivery())).status).toBe(201);
    const list = await call('POST', '/deliveries', listDelivery(['CASE-CFG-0001']));
    expect(list.status).toBe(422);
    expect(list.body.code).toBe('LIST_MODE_DISABLED');
    const sheet = await call(
      'POST',
      '/deliveries/import',
      'delivery_ref,date,kind,context,partner_id,country,activity_line,quantity,unit,case_reference,sex,age_group\nA,2020-01-02,food,covid19,p,MA,1.4,1,parcel,CASE-CFG-0002,F,18-59\n',
      { contentType: SHEET_TYPES.csv },
    );
    expect(sheet.status).toBe(422);
    expect(sheet.body.errors[0]).toMatchObject({ row: 2, column: 'case_reference' });
    expect(await svc.store.deliveries.collection.countDocuments()).toBe(1);
  });
});

describe('keys depend on the deployment: its secret and its keyring', () => {
  it('the same case reference finds the same person only under the same secret, and gets a pseudonym of this deployment', async () => {
    const admin = await testToken(['assistance:write', 'assistance:read', 'assistance:admin']);
    const keysUnder = async (secret: string, service: string) => {
      const svc = await start(env.env(service, { BENEFICIARY_KEY_SECRET: secret }));
      try {
        const key = async () => {
          const r = await httpClient(
            () => svc.url,
            () => admin,
          )('POST', '/deliveries', listDelivery(['CASE-CFG-4242']));
          expect(r.status).toBe(201);
          return r.body.beneficiaries[0].key as string;
        };
        const pseudonyms = [await key(), await key()];
        const entries = await svc.store.keyring.collection.find().toArray();
        return { pseudonyms, entries };
      } finally {
        await svc.rt.shutdown();
      }
    };
    const a = await keysUnder(TEST_KEY_SECRET, 'assistance_a');
    const b = await keysUnder(OTHER_KEY_SECRET, 'assistance_b');
    const c = await keysUnder(TEST_KEY_SECRET, 'assistance_c');
    // One deployment: one person, one pseudonym, one keyring entry found by the HMAC of the reference.
    expect(a.pseudonyms[1]).toBe(a.pseudonyms[0]);
    expect(a.entries).toEqual([{ _id: expect.stringMatching(/^[0-9a-f]{64}$/), pseudonym: a.pseudonyms[0] }]);
    // The secret decides the lookup key; the pseudonym is random, so even the same secret elsewhere gives another.
    expect(b.entries[0]!._id).not.toBe(a.entries[0]!._id);
    expect(c.entries[0]!._id).toBe(a.entries[0]!._id);
    expect(new Set([a.pseudonyms[0], b.pseudonyms[0], c.pseudonyms[0]]).size).toBe(3);
    expect(a.entries[0]!._id).not.toBe(a.pseudonyms[0]);
  });
});
