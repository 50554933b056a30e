import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testToken } from '@passerelle/testkit';
import { CLAIM_GRACE_MS, NAME_CLAIMS, type NameClaim } from './name-claims.js';
import { nameKey } from './names.js';
import { partnerBody, startPartners, type PartnersHarness } from './testing/harness.js';

let h: PartnersHarness;
let everywhere: string;

beforeAll(async () => {
  h = await startPartners('partners_names');
  everywhere = await testToken(['partners:write', 'partners:read'], ['*']);
});
afterAll(() => h?.stop());

const claims = () => h.svc.rt.db.collection<NameClaim>(NAME_CLAIMS);
const register = (fr: string, extra: Record<string, unknown> = {}, token?: string) =>
  h.call('POST', '/partners', partnerBody(fr, extra), token);

/** A registration that must be a 409 naming `existing`, with nothing written or published. */
async function duplicate(body: unknown, existing: { id: string; name: unknown }) {
  const before = { stream: await h.published(), docs: await h.documents() };
  const r = await h.call('POST', '/partners', body);
  expect(r.status, r.raw).toBe(409);
  expect(r.body.code).toBe('DUPLICATE_PARTNER_NAME');
  expect(r.body.existingPartner).toEqual({ id: existing.id, name: existing.name });
  expect(r.body.detail).toContain(existing.id);
  expect(await h.documents()).toEqual(before.docs);
  expect(await h.published()).toBe(before.stream);
  return r.body;
}

describe('partner names are unique per country, whatever the case, accents and punctuation', () => {
  let foo: { id: string; name: { fr: string; en: string } };

  beforeAll(async () => {
    const r = await h.call(
      'POST',
      '/partners',
      partnerBody('Fondation Orient Occident', {
        name: { fr: 'Fondation Orient Occident', en: 'Orient-Occident Foundation', ar: 'مؤسسة الشرق والغرب' },
        type: 'foundation',
      }),
    );
    expect(r.status).toBe(201);
    foo = r.body;
  });

  it('"fondation orient-occident" is a 409 naming "Fondation Orient Occident"', async () => {
    const problem = await duplicate(partnerBody('fondation orient-occident'), foo);
    expect(problem.detail).toContain('Fondation Orient Occident');
  });

  it.each([
    'FONDATION ORIENT OCCIDENT',
    'Fondation Orient Occidént',
    'Fondation  Orient, Occident.',
    'Fondation Orient–Occident',
    '  fondation   orient occident  ',
  ])('so is "%s"', async (fr) => {
    await duplicate(partnerBody(fr), foo);
  });

  it('every language is checked, against every language', async () => {
    await duplicate(
      partnerBody('Une autre fondation', { name: { fr: 'Une autre fondation', en: 'fondation orient occident' } }),
      foo,
    );
    await duplicate(partnerBody('Orient Occident foundation'), foo);
    await duplicate(
      partnerBody('Encore une', { name: { fr: 'Encore une', en: 'Yet another', ar: 'مؤسسة الشرق و الغرب' } }),
      foo,
    );
  });

  it('the same name in another country is another partner', async () => {
    const r = await register('Fondation Orient Occident', { country: 'TN' }, everywhere);
    expect(r.status).toBe(201);
  });

  it('a deactivated partner keeps its name', async () => {
    const p = (await register('Association des amis du port')).body;
    await h.call('POST', `/partners/${p.id}/deactivate`, { version: 1 });
    await duplicate(partnerBody('Association des amis du port'), p);
  });

  it("a rename frees the old name, takes the new one, and cannot take another partner's", async () => {
    const a = (await register('Collectif Alpha')).body;
    const b = (await register('Collectif Beta')).body;
    const renamed = await h.call('PATCH', `/partners/${a.id}`, {
      version: 1,
      name: { fr: 'Collectif Gamma', en: 'Gamma Collective' },
    });
    expect(renamed.status, renamed.raw).toBe(200);
    expect((await register('collectif alpha')).status).toBe(201);
    await duplicate(partnerBody('Collectif gamma'), {
      id: a.id,
      name: { fr: 'Collectif Gamma', en: 'Gamma Collective' },
    });

    const before = await h.published();
    const clash = await h.call('PATCH', `/partners/${b.id}`, {
      version: 1,
      name: { fr: 'Collectif Beta', en: 'COLLECTIF-GAMMA' },
    });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ code: 'DUPLICATE_PARTNER_NAME', existingPartner: { id: a.id } });
    expect((await h.call('GET', `/partners/${b.id}`)).body.version).toBe(1);
    expect(await h.published()).toBe(before);
    expect(await claims().countDocuments({ partnerId: b.id })).toBe(1);
  });

  it("a new spelling of a partner's own name is not a duplicate of itself", async () => {
    const p = (await register('Maison des jeunes')).body;
    const r = await h.call('PATCH', `/partners/${p.id}`, {
      version: 1,
      name: { fr: 'Maison des Jeunes', en: 'Maison-des-jeunes' },
    });
    expect(r.status, r.raw).toBe(200);
    expect(await claims().find({ partnerId: p.id }).toArray()).toEqual([
      expect.objectContaining({
        nameKey: nameKey('maison des jeunes'),
        name: { fr: 'Maison des Jeunes', en: 'Maison-des-jeunes' },
      }),
    ]);
  });
});

describe('uniqueness holds under concurrency and after crashes', () => {
  it('six simultaneous registrations of one name: one partner', async () => {
    const spellings = [
      'Association Sanad',
      'association sanad',
      'ASSOCIATION SANAD',
      'Association-Sanad',
      'Association Sanad.',
      'Associátion Sanad',
    ];
    const replies = await Promise.all(spellings.map((fr) => register(fr)));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const winner = replies.find((r) => r.status === 201)!.body;
    for (const r of replies.filter((x) => x.status === 409)) expect(r.body.existingPartner.id).toBe(winner.id);
    const events = (await h.streamEvents()).filter(
      (m) => nameKey(String((m.event.data.name as { fr: string }).fr)) === nameKey('Association Sanad'),
    );
    expect(events).toHaveLength(1);
  });

  it('two partners renamed to one name at once: one rename wins', async () => {
    const a = (await register('Club Un')).body;
    const b = (await register('Club Deux')).body;
    const replies = await Promise.all(
      [a, b].map((p) =>
        h.call('PATCH', `/partners/${p.id}`, { version: 1, name: { fr: 'Club Commun', en: 'Common Club' } }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await claims().countDocuments({ nameKey: nameKey('Club Commun') })).toBe(1);
  });

  it('the unique index itself refuses a second claim of a name', async () => {
    const indexes = await claims().listIndexes().toArray();
    expect(indexes.find((i) => i.name === 'unique_name_per_country')).toMatchObject({
      unique: true,
      key: { country: 1, nameKey: 1 },
    });
    await register('Union des jeunes');
    await expect(
      claims().insertOne({
        _id: 'another-id',
        country: 'MA',
        nameKey: nameKey('Union des jeunes'),
        partnerId: 'x',
        name: { fr: 'x', en: 'x' },
        claimedAt: new Date(),
      }),
    ).rejects.toMatchObject({ code: 11000 });
  });

  it('a claim a crash left behind is taken over once stale, but blocks while fresh', async () => {
    const ghost = '0190a1b2-0000-4000-8000-0000000000aa';
    const orphan = (fr: string, age: number): NameClaim => ({
      _id: `MA:${nameKey(fr)}`,
      country: 'MA',
      nameKey: nameKey(fr),
      partnerId: ghost,
      name: { fr, en: fr },
      claimedAt: new Date(Date.now() - age),
    });
    await claims().insertMany([orphan('Centre orphelin', CLAIM_GRACE_MS * 2), orphan('Centre en vol', 0)]);
    const taken = await register('Centre orphelin');
    expect(taken.status, taken.raw).toBe(201);
    expect(await claims().findOne({ _id: `MA:${nameKey('Centre orphelin')}` })).toMatchObject({
      partnerId: taken.body.id,
    });
    const blocked = await register('Centre en vol');
    expect(blocked.status).toBe(409);
    expect(blocked.body.existingPartner.id).toBe(ghost);
  });
});
