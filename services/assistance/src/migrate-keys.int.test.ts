import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BSON } from 'mongodb';
import { createEnvelope, registry } from '@passerelle/contracts';
import type { Aggregate } from '@passerelle/platform';
import { eventually, isolatedEnv, testToken, httpClient } from '@passerelle/testkit';
import {
  correct,
  latestToday,
  record,
  voidDelivery,
  type Beneficiaries,
  type Decision,
  type Delivery,
  type DeliveryDetails,
} from './domain.js';
import { createKeyMaker } from './keys.js';
import { start } from './main.js';
import { MIGRATION_ACTOR, migrateKeys } from './migrate-keys.js';
import { TEST_KEY_SECRET, countsDelivery, listDelivery, openStream, type Loose } from './testing/harness.js';

// Deliveries recorded before the keyring carry HMAC keys; the migration gives each person a pseudonym.
const env = isolatedEnv('assistance_migration');
const config = env.env('assistance', { BENEFICIARY_KEY_SECRET: TEST_KEY_SECRET });
const hmac = createKeyMaker(TEST_KEY_SECRET);
const R = ['CASE-MIG-1', 'CASE-MIG-2', 'CASE-MIG-3', 'CASE-MIG-4', 'CASE-MIG-5'];
const ID = {
  A: 'a0000000-0000-4000-8000-00000000000a',
  B: 'b0000000-0000-4000-8000-00000000000b',
  C: 'c0000000-0000-4000-8000-00000000000c',
  D: 'd0000000-0000-4000-8000-00000000000d',
  E: 'e0000000-0000-4000-8000-00000000000e',
  F: 'f0000000-0000-4000-8000-00000000000f',
};
let svc: Awaited<ReturnType<typeof start>>;
let stream: Awaited<ReturnType<typeof openStream>>;
let admin: string;
const call = httpClient(
  () => svc.url,
  () => admin,
);
const settled = () =>
  eventually(async () => ((await svc.rt.relay.backlog()) === 0 ? true : undefined), 10_000, 'outbox empty');

// What the service wrote before the keyring: keys are HMACs of the references, and no keyScheme.
const ctx = { actor: 'staff-1', correlationid: 'seed' };
const { beneficiaries: _b, ...rest } = countsDelivery();
const details = rest as unknown as DeliveryDetails;
const hashed = (refs: string[]): Beneficiaries => ({
  mode: 'keys',
  list: refs.map((r, i) => ({ key: hmac(r), sex: i % 2 ? 'male' : 'female', ageGroup: '18-59', flags: ['none'] })),
});
const counts = countsDelivery().beneficiaries as Beneficiaries;
const legacy = ({ keyScheme: _k, ...state }: Delivery) => state as Delivery;
const today = { today: latestToday() };
async function legacyRecord(id: string, b: Beneficiaries) {
  const d = record(id, details, b, today);
  return svc.store.deliveries.create(
    id,
    'MA',
    legacy(d.state),
    d.events.map((e) => createEnvelope(e, ctx)),
  );
}
async function legacyChange(a: Aggregate<Delivery>, decide: (d: Delivery) => Decision) {
  const d = decide(a.state);
  return svc.store.deliveries.append(
    a,
    a.version,
    legacy(d.state),
    d.events.map((e) => createEnvelope(e, ctx)),
  );
}
const docs = async () =>
  Object.fromEntries((await svc.store.deliveries.collection.find().toArray()).map((d) => [d._id, d]));
const runCli = () =>
  spawnSync(process.execPath, [join(import.meta.dirname, '..', 'dist', 'cli', 'migrate-keys.js')], {
    env: { ...process.env, ...config },
    encoding: 'utf8',
  });

beforeAll(async () => {
  svc = await start(config);
  stream = await openStream(env.infra.natsUrl, env.stream);
  admin = await testToken(['assistance:write', 'assistance:read', 'assistance:admin']);
  await legacyRecord(ID.A, hashed([R[0]!, R[1]!]));
  await legacyChange(await legacyRecord(ID.B, hashed([R[1]!, R[2]!])), (d) =>
    correct(ID.B, d, { quantity: 4 }, undefined, 'count', today),
  );
  await legacyChange(await legacyRecord(ID.C, hashed([R[3]!])), (d) => voidDelivery(ID.C, d, 'entered twice'));
  await legacyRecord(ID.D, counts);
  await legacyChange(await legacyRecord(ID.E, hashed([R[4]!])), (d) =>
    correct(ID.E, d, {}, counts, 'counted instead', today),
  );
  await settled();
  // The new version of the service starts on the old data.
  await svc.rt.shutdown();
  svc = await start(config);
});
afterAll(async () => {
  await svc?.rt.shutdown();
  await stream?.close();
});

describe('migrating HMAC keys to keyring pseudonyms', () => {
  it('at start-up: every old key gets a keyring entry and its pseudonym replaces it, in the state and in the stored history', async () => {
    expect(svc.store.migration).toEqual({ deliveries: 5, rekeyed: 2, keys: 5 });
    const entries = await svc.store.keyring.collection.find().toArray();
    expect(entries.map((e) => e._id).sort()).toEqual(R.map(hmac).sort());
    const p = (ref: string) => entries.find((e) => e._id === hmac(ref))!.pseudonym;
    const d = await docs();
    // No HMAC-derived key is left in the deliveries: the reference no longer leads to them once the entry goes.
    const text = BSON.EJSON.stringify([
      ...Object.values(d),
      ...(await svc.store.deliveries.historyCollection.find().toArray()),
    ]);
    for (const ref of R) expect(text).not.toContain(hmac(ref));
    expect(Object.values(d).every((x) => x.state.keyScheme === 'keyring')).toBe(true);

    // Recorded in keys mode: new keys, one rekeyed event; the same person in two deliveries has one pseudonym.
    expect(d[ID.A]!.state.beneficiaries!.map((b) => b.key)).toEqual([p(R[0]!), p(R[1]!)]);
    expect(d[ID.B]!.state.beneficiaries!.map((b) => b.key)).toEqual([p(R[1]!), p(R[2]!)]);
    expect([d[ID.A]!.version, d[ID.B]!.version]).toEqual([2, 3]);
    const historyB = await svc.store.deliveries.history(ID.B);
    expect(historyB.map((e) => e.type)).toEqual([
      'assistance.delivery.recorded',
      'assistance.delivery.corrected',
      'assistance.delivery.rekeyed',
    ]);
    expect(historyB[0]!.data).toMatchObject({ beneficiaries: [{ key: p(R[1]!) }, { key: p(R[2]!) }] });
    // Voided, counts, and keys only in the history: rewritten, but nothing to tell the read model.
    expect([d[ID.C]!.version, d[ID.D]!.version, d[ID.E]!.version]).toEqual([2, 1, 2]);
    expect(d[ID.C]!.state.beneficiaries!.map((b) => b.key)).toEqual([p(R[3]!)]);
    expect((await svc.store.deliveries.history(ID.E))[0]!.data).toMatchObject({ beneficiaries: [{ key: p(R[4]!) }] });

    // The rekeyed events reach the stream with complete figures; events published before stay as they were.
    await settled();
    const events = await stream.events();
    const rekeyed = events.filter((e) => e.type === 'assistance.delivery.rekeyed');
    expect(rekeyed.map((e) => e.subject).sort()).toEqual([ID.A, ID.B]);
    for (const e of rekeyed)
      expect(registry.parse(e.raw, e.natsSubject)).toMatchObject({
        actor: MIGRATION_ACTOR,
        data: { mode: 'keys', total: 2 },
      });
    expect(rekeyed.find((e) => e.subject === ID.B)!.data).toMatchObject({
      quantity: 4,
      beneficiaries: [{ key: p(R[1]!) }, { key: p(R[2]!) }],
    });
    expect(events.find((e) => e.subject === ID.A && e.type === 'assistance.delivery.recorded')!.raw).toContain(
      hmac(R[0]!),
    );

    // Unique people are what they were: three in recorded deliveries.
    const recorded = Object.values(await docs()).filter((x) => x.state.status === 'recorded');
    expect(new Set(recorded.flatMap((x) => (x.state.beneficiaries ?? []).map((b) => b.key))).size).toBe(3);
  });

  it('is idempotent: a second run finds nothing and changes nothing', async () => {
    const before = await docs();
    const keyring = await svc.store.keyring.collection.find().toArray();
    expect(await migrateKeys(svc.rt.db, svc.store)).toEqual({ deliveries: 0, rekeyed: 0, keys: 0 });
    expect(await docs()).toEqual(before);
    expect(await svc.store.keyring.collection.find().toArray()).toEqual(keyring);
  });

  it('a migrated person is the same person for new deliveries, until erased', async () => {
    const p1 = (await svc.store.keyring.collection.findOne({ _id: hmac(R[0]!) }))!.pseudonym;
    const again = await call('POST', '/deliveries', listDelivery([R[0]!]));
    expect(again.status, again.text).toBe(201);
    expect(again.body.beneficiaries[0].key).toBe(p1);
    expect((await call('POST', '/beneficiaries/erase', { caseReference: R[0], country: 'MA' })).status).toBe(200);
    const after = await call('POST', '/deliveries', listDelivery([R[0]!]));
    expect(after.body.beneficiaries[0].key).not.toBe(p1);
    expect((await call('GET', `/deliveries/${ID.A}`)).body.beneficiaries[0].key).toBe(p1);
  });

  it('npm run migrate-keys does the same with the service stopped; its events wait in the outbox for the relay', async () => {
    await legacyRecord(ID.F, hashed(['CASE-MIG-6']));
    await settled();
    await svc.rt.shutdown();
    const run = runCli();
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual({ deliveries: 1, rekeyed: 1, keys: 1 });
    expect(JSON.parse(runCli().stdout.trim().split('\n').pop()!)).toEqual({ deliveries: 0, rekeyed: 0, keys: 0 });
    svc = await start(config);
    expect(svc.store.migration).toEqual({ deliveries: 0, rekeyed: 0, keys: 0 });
    const e = await eventually(
      async () =>
        (await stream.events()).find((x: Loose) => x.subject === ID.F && x.type === 'assistance.delivery.rekeyed'),
      15_000,
      "the CLI's rekeyed event",
    );
    expect(e.data.beneficiaries[0].key).not.toBe(hmac('CASE-MIG-6'));
  });
});
