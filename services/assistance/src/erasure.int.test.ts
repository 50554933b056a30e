import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BSON } from 'mongodb';
import { registry } from '@passerelle/contracts';
import { createLogger } from '@passerelle/platform';
import { eventually, isolatedEnv, testToken, httpClient } from '@passerelle/testkit';
import { createKeyMaker } from './keys.js';
import { start } from './main.js';
import { TEST_KEY_SECRET, listDelivery, openStream, type Loose } from './testing/harness.js';

// The right to erasure, end to end: record, erase, record again with the same reference.
const env = isolatedEnv('assistance_erasure');
const lookup = createKeyMaker(TEST_KEY_SECRET);
const logLines: string[] = [];
let svc: Awaited<ReturnType<typeof start>>;
let stream: Awaited<ReturnType<typeof openStream>>;
let admin: string;
let writer: string;
const call = httpClient(
  () => svc.url,
  () => admin,
);
const settled = () =>
  eventually(async () => ((await svc.rt.relay.backlog()) === 0 ? true : undefined), 10_000, 'outbox empty');
const erase = (body: unknown, token = admin) => call('POST', '/beneficiaries/erase', body, { token });
const keyring = async () =>
  (await svc.store.keyring.collection.find().toArray()).sort((a, b) => a._id.localeCompare(b._id));
/** Distinct pseudonyms over every recorded delivery: unique people as the service's own data counts them. */
const uniquePeople = async () =>
  new Set(
    (await svc.store.deliveries.collection.find({ 'state.status': 'recorded' }).toArray()).flatMap((d) =>
      (d.state.beneficiaries ?? []).map((b) => b.key),
    ),
  ).size;
const dump = async () => {
  const docs: string[] = [];
  for (const c of await svc.rt.db.listCollections().toArray()) {
    for (const doc of await svc.rt.db.collection(c.name).find().toArray()) docs.push(BSON.EJSON.stringify(doc));
  }
  return docs.join('\n');
};

beforeAll(async () => {
  const logger = createLogger({
    service: 'assistance',
    level: 'trace',
    destination: {
      write: (line: string) => {
        logLines.push(line);
      },
    },
  });
  svc = await start(env.env('assistance', { BENEFICIARY_KEY_SECRET: TEST_KEY_SECRET }), { logger });
  stream = await openStream(env.infra.natsUrl, env.stream);
  admin = await testToken(['assistance:write', 'assistance:read', 'assistance:admin'], ['MA', 'TN'], {
    subject: 'admin-7',
  });
  writer = await testToken(['assistance:write', 'assistance:read']);
});
afterAll(async () => {
  await svc?.rt.shutdown();
  await stream?.close();
});

describe('forgetting a person', () => {
  const [ERASED, KEPT] = ['CASE-ERASE-0001', 'CASE-ERASE-0002'];

  it('record, erase, record again: the old records keep counting the person once, the new one counts a new person', async () => {
    const first = await call('POST', '/deliveries', listDelivery([ERASED, KEPT]));
    expect(first.status, first.text).toBe(201);
    const [oldPseudonym, kept] = first.body.beneficiaries.map((b: Loose) => b.key as string);
    expect(await keyring()).toEqual(
      [
        { _id: lookup(ERASED), pseudonym: oldPseudonym },
        { _id: lookup(KEPT), pseudonym: kept },
      ].sort((a, b) => a._id.localeCompare(b._id)),
    );
    // The pseudonym is random, not the HMAC the keyring finds it by.
    expect(oldPseudonym).not.toBe(lookup(ERASED));
    expect(await uniquePeople()).toBe(2);

    const r = await erase({ caseReference: ` ${ERASED.toLowerCase()} `, country: 'MA' });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ erasureId: expect.any(String), date: new Date().toISOString().slice(0, 10) });
    expect(await keyring()).toEqual([{ _id: lookup(KEPT), pseudonym: kept }]);

    // The audit event: who (actor) and where (country), never whom.
    await settled();
    const audit = (await stream.events()).find((e) => e.type === 'assistance.beneficiary.erased')!;
    expect(registry.parse(audit.raw, audit.natsSubject)).toMatchObject({
      subject: r.body.erasureId,
      actor: 'admin-7',
      country: 'MA',
      data: { erasureId: r.body.erasureId, date: r.body.date },
    });
    expect(audit.natsSubject).toBe(`${env.prefix}.MA.assistance.beneficiary.erased`);
    for (const secret of [ERASED, oldPseudonym, lookup(ERASED)]) expect(audit.raw).not.toContain(secret);
    // Nothing in the database leads from the reference to the old records any more.
    const db = await dump();
    expect(db).not.toContain(lookup(ERASED));
    expect(db).toContain(oldPseudonym);
    expect(logLines.filter((l) => l.includes('beneficiary erased'))).toHaveLength(1);
    expect(logLines.join('\n')).not.toContain(oldPseudonym);

    // Past figures are unchanged: the old delivery still holds the person once.
    expect(await uniquePeople()).toBe(2);
    const old = await call('GET', `/deliveries/${first.body.id}`);
    expect(old.body.beneficiaries.map((b: Loose) => b.key)).toEqual([oldPseudonym, kept]);

    // The same reference again: a new person with a new pseudonym; the person not erased keeps theirs.
    const again = await call('POST', '/deliveries', listDelivery([ERASED, KEPT], { date: '2020-07-01' }));
    expect(again.status, again.text).toBe(201);
    const [newPseudonym, keptAgain] = again.body.beneficiaries.map((b: Loose) => b.key as string);
    expect(newPseudonym).not.toBe(oldPseudonym);
    expect(keptAgain).toBe(kept);
    expect(await uniquePeople()).toBe(3);
    expect((await keyring()).find((e) => e._id === lookup(ERASED))).toEqual({
      _id: lookup(ERASED),
      pseudonym: newPseudonym,
    });
  });

  it('an unknown or already erased reference is a 404 that says nothing about it', async () => {
    const person = 'CASE-ERASE-0100';
    expect((await call('POST', '/deliveries', listDelivery([person]))).status).toBe(201);
    expect((await erase({ caseReference: person, country: 'MA' })).status).toBe(200);
    for (const caseReference of [person, 'CASE-ERASE-NEVER-SEEN']) {
      const r = await erase({ caseReference, country: 'MA' });
      expect(r.status).toBe(404);
      expect(r.type).toContain('application/problem+json');
      expect(r.body).toMatchObject({ code: 'NOT_FOUND', detail: 'no person is known by this case reference' });
      expect(r.text).not.toContain('ERASE');
    }
  });

  it('refuses bad input, without erasing anything', async () => {
    const person = 'CASE-ERASE-0200';
    expect((await call('POST', '/deliveries', listDelivery([person]))).status).toBe(201);
    await settled();
    const before = { keyring: (await keyring()).length, events: await stream.count() };
    const cases: Array<[string, unknown, string | undefined, number]> = [
      ['no reference', { country: 'MA' }, undefined, 400],
      ['an empty reference', { caseReference: '  ', country: 'MA' }, undefined, 400],
      ['no country', { caseReference: person }, undefined, 400],
      ['an unknown field', { caseReference: person, country: 'MA', name: 'x' }, undefined, 400],
      ['a write token', { caseReference: person, country: 'MA' }, writer, 403],
      ["another country than the token's", { caseReference: person, country: 'SN' }, undefined, 403],
      [
        "a token of the request's country, not of the person's deliveries",
        { caseReference: person, country: 'TN' },
        await testToken(['assistance:admin'], ['TN']),
        403,
      ],
    ];
    for (const [what, body, token, status] of cases) {
      const r = await erase(body, token);
      expect(r.status, `${what}: ${r.text}`).toBe(status);
      expect(r.type).toContain('application/problem+json');
      expect(r.text).not.toContain(person);
    }
    expect(
      (await call('POST', '/beneficiaries/erase', { caseReference: person, country: 'MA' }, { token: '' })).status,
    ).toBe(401);
    expect({ keyring: (await keyring()).length, events: await stream.count() }).toEqual(before);
    expect(await svc.store.erasures.collection.countDocuments()).toBe(2);
  });
});

describe('pseudonyms are shown to assistance:admin only', () => {
  it('a writer and a reader get each person without a key, in the delivery and in its history', async () => {
    const w = httpClient(
      () => svc.url,
      () => writer,
    );
    const recorded = await w('POST', '/deliveries', listDelivery(['CASE-ERASE-0300', 'CASE-ERASE-0301']));
    expect(recorded.status).toBe(201);
    expect(recorded.body.beneficiaries).toEqual([
      { sex: 'female', ageGroup: '18-59', flags: ['none'] },
      { sex: 'male', ageGroup: '18-59', flags: ['none'] },
    ]);
    const corrected = await w('POST', `/deliveries/${recorded.body.id}/corrections`, { version: 1, quantity: 3 });
    expect(corrected.body.beneficiaries[0]).not.toHaveProperty('key');
    const reader = await testToken(['assistance:read']);
    const seen = await w('GET', `/deliveries/${recorded.body.id}`, undefined, { token: reader });
    expect(seen.status).toBe(200);
    expect(seen.text).not.toMatch(/"key"/);
    expect(seen.text).not.toContain('keyScheme');
    expect(seen.body.history.map((h: Loose) => h.data.beneficiaries.length)).toEqual([2, 2]);

    const full = await call('GET', `/deliveries/${recorded.body.id}`);
    expect(full.body.beneficiaries.map((b: Loose) => b.key)).toEqual(
      full.body.history[1].data.beneficiaries.map((b: Loose) => b.key),
    );
    expect(full.body.beneficiaries[0].key).toMatch(/^[0-9a-f]{64}$/);
    expect(full.text).not.toContain('keyScheme');
  });

  it('a request the rules refuse creates no keyring entry', async () => {
    const before = (await keyring()).length;
    const r = await call('POST', '/deliveries', listDelivery(['CASE-ERASE-0400', 'case-erase-0400']));
    expect(r.status).toBe(422);
    expect((await keyring()).length).toBe(before);
  });
});
