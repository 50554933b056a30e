import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '@passerelle/contracts';
import { expectRefused, testToken } from '@passerelle/testkit';
import { partnerBody, startPartners, type PartnersHarness } from './testing/harness.js';

let h: PartnersHarness;
let everywhere: string;

beforeAll(async () => {
  h = await startPartners('partners_app');
  everywhere = await testToken(['partners:write', 'partners:read'], ['*']);
});
afterAll(() => h?.stop());

const entraide = {
  name: { fr: 'Entraide Nationale', en: 'National Mutual Aid', ar: 'التعاون الوطني' },
  type: 'public_agency',
  level: 'national',
  country: 'MA',
  region: 'Rabat-Salé-Kénitra',
  tags: ['child-protection'],
  registeredOn: '2019-06-01',
};
let counter = 0;
/** Registers a fresh partner with a unique name; returns its body. */
async function registered(extra: Record<string, unknown> = {}, token?: string) {
  const r = await h.call('POST', '/partners', partnerBody(`Association test ${++counter}`, extra), token);
  expect(r.status, r.raw).toBe(201);
  return r.body;
}

/** Runs a request that must be refused, and proves nothing was written or published. */
const refused = (method: string, path: string, body: unknown, status: number, code?: string, token?: string) =>
  expectRefused(
    () => h.call(method, path, body, token),
    { status, ...(code ? { code } : {}) },
    h.published,
    h.documents,
  );

describe('partners: every command, through the outbox to the stream', () => {
  it('registers, renames, deactivates, reactivates, signs an agreement and records support', async () => {
    const reg = await h.call('POST', '/partners', entraide);
    expect(reg.status).toBe(201);
    const id = reg.body.id as string;
    expect(reg.body).toMatchObject({ version: 1, active: true, registeredOn: '2019-06-01', name: entraide.name });
    expect(reg.body).not.toHaveProperty('nameKeys');

    const renamed = await h.call('PATCH', `/partners/${id}`, {
      version: 1,
      name: { ...entraide.name, en: 'Entraide Nationale (National Mutual Aid)' },
      effectiveDate: '2020-01-15',
    });
    expect(renamed.status, renamed.raw).toBe(200);
    expect(renamed.body.version).toBe(2);
    const off = await h.call('POST', `/partners/${id}/deactivate`, {
      version: 2,
      reason: 'no activity planned',
      effectiveDate: '2020-02-01',
    });
    expect(off.body).toMatchObject({ version: 3, active: false, deactivatedOn: '2020-02-01' });
    await refused(
      'POST',
      `/partners/${id}/support`,
      { version: 3, date: '2020-03-01', kind: 'equipment_refurbishment', description: 'Beds', activityLine: '1.3' },
      422,
      'PARTNER_INACTIVE',
    );
    await refused(
      'POST',
      `/partners/${id}/agreements`,
      { version: 3, kind: 'grant', startDate: '2020-03-01' },
      422,
      'PARTNER_INACTIVE',
    );
    await refused('POST', `/partners/${id}/deactivate`, { version: 3 }, 422, 'ALREADY_INACTIVE');
    const on = await h.call('POST', `/partners/${id}/reactivate`, { version: 3, effectiveDate: '2020-02-20' });
    expect(on.body).toMatchObject({ version: 4, active: true });
    await refused('POST', `/partners/${id}/reactivate`, { version: 4 }, 422, 'ALREADY_ACTIVE');

    const agreement = await h.call('POST', `/partners/${id}/agreements`, {
      version: 4,
      kind: 'grant',
      reference: 'MA-2020-07',
      startDate: '2020-03-01',
      endDate: '2020-12-31',
      amount: 250000,
      currency: 'MAD',
      activityLines: ['1.3'],
    });
    expect(agreement.status, agreement.raw).toBe(201);
    expect(agreement.body.agreements).toHaveLength(1);
    const support = await h.call('POST', `/partners/${id}/support`, {
      version: 5,
      date: '2020-04-10',
      kind: 'equipment_refurbishment',
      description: 'Refurbishing and equipping the children centre',
      activityLine: '1.3',
      agreementId: agreement.body.agreementId,
    });
    expect(support.status, support.raw).toBe(201);
    expect(support.body).toMatchObject({ version: 6, supportId: expect.any(String) });

    const one = await h.call('GET', `/partners/${id}`, undefined, h.reader);
    expect(one.status).toBe(200);
    expect(one.body.agreements[0]).toMatchObject({
      id: agreement.body.agreementId,
      kind: 'grant',
      amount: 250000,
      currency: 'MAD',
    });
    expect(one.body.support[0]).toMatchObject({
      id: support.body.supportId,
      date: '2020-04-10',
      agreementId: agreement.body.agreementId,
    });
    const types = ['registered', 'updated', 'deactivated', 'reactivated', 'agreement_signed', 'support_provided'].map(
      (t) => `partners.partner.${t}`,
    );
    expect(one.body.history.map((e: { type: string }) => e.type)).toEqual(types);

    const mine = (await h.streamEvents()).filter((m) => m.event.subject === id);
    expect(mine.map((m) => m.event.type)).toEqual(types);
    expect(mine.map((m) => m.subject)).toEqual(types.map((t) => `${h.env.prefix}.MA.${t}`));
    for (const m of mine) expect(() => registry.parse(m.raw, m.subject)).not.toThrow();
    expect(mine.map((m) => m.event.data.businessDate)).toEqual([
      '2019-06-01',
      '2020-01-15',
      '2020-02-01',
      '2020-02-20',
      '2020-03-01',
      '2020-04-10',
    ]);
    expect(mine[1]!.event.data).toMatchObject({
      changed: ['name'],
      name: { en: 'Entraide Nationale (National Mutual Aid)' },
      previousName: { en: 'National Mutual Aid' },
    });
    for (const m of mine)
      expect(m.event.data).toMatchObject({
        partnerId: id,
        type: 'public_agency',
        level: 'national',
        country: 'MA',
        region: 'Rabat-Salé-Kénitra',
        name: { fr: 'Entraide Nationale', ar: 'التعاون الوطني' },
      });
    expect(mine[0]!.event.actor).toBe('tester-1');
  });

  it('an update that changes nothing publishes nothing and keeps the version', async () => {
    const p = await registered({ tags: ['network'] });
    const before = await h.published();
    const r = await h.call('PATCH', `/partners/${p.id}`, { version: 1, tags: ['network'], type: 'cso' });
    expect(r.body.version).toBe(1);
    expect(await h.published()).toBe(before);
  });

  it('the registration date is the day it is recorded unless given', async () => {
    const p = await registered();
    expect(p.registeredOn).toBe(new Date().toISOString().slice(0, 10));
  });
});

describe('partners: bad input is a clear problem, and nothing is written', () => {
  const ok = partnerBody('Association valide');
  it.each([
    ['malformed JSON', '{"name": ', 400, 'MALFORMED_JSON'],
    ['missing English name', { ...ok, name: { fr: 'Seulement en français' } }, 400, 'VALIDATION_FAILED'],
    ['unknown type', { ...ok, type: 'club' }, 400, 'VALIDATION_FAILED'],
    ['unknown level', { ...ok, level: 'planetary' }, 400, 'VALIDATION_FAILED'],
    ['country outside the programme', { ...ok, country: 'FR' }, 400, 'VALIDATION_FAILED'],
    ['a tag that is not kebab-case', { ...ok, tags: ['migrant led!'] }, 400, 'VALIDATION_FAILED'],
    ['unknown fields', { ...ok, directorName: 'someone' }, 400, 'VALIDATION_FAILED'],
    [
      'a contact with a phone number',
      { ...ok, contacts: [{ role: 'director', workEmail: 'a@b.org', phone: '+212600000000' }] },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a contact e-mail that is not one',
      { ...ok, contacts: [{ role: 'director', workEmail: 'nope' }] },
      400,
      'VALIDATION_FAILED',
    ],
    ['a parent id that is not a uuid', { ...ok, parentId: 'ministry' }, 400, 'VALIDATION_FAILED'],
    ['a registration date in the future', { ...ok, registeredOn: '2999-01-01' }, 422, 'DATE_IN_FUTURE'],
    ['an unknown parent', { ...ok, parentId: '0190a1b2-0000-4000-8000-00000000dead' }, 422, 'UNKNOWN_PARENT'],
  ])('register: %s', async (_name, body, status, code) => {
    await refused('POST', '/partners', body, status, code);
  });

  it('a non-JSON body is a 415', async () => {
    const before = await h.documents();
    const r = await h.call('POST', '/partners', 'name=x', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(415);
    expect(r.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await h.documents()).toEqual(before);
  });

  it.each([
    ['end before start', { kind: 'mou', startDate: '2020-05-01', endDate: '2020-04-30' }, 422, 'END_BEFORE_START'],
    [
      'an amount without currency',
      { kind: 'grant', startDate: '2020-05-01', amount: 1000 },
      422,
      'AMOUNT_NEEDS_CURRENCY',
    ],
    [
      'a currency that is not ISO 4217',
      { kind: 'grant', startDate: '2020-05-01', amount: 1000, currency: 'dirham' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a negative amount',
      { kind: 'grant', startDate: '2020-05-01', amount: -5, currency: 'MAD' },
      400,
      'VALIDATION_FAILED',
    ],
    ['an unknown kind', { kind: 'handshake', startDate: '2020-05-01' }, 400, 'VALIDATION_FAILED'],
    ['an impossible date', { kind: 'mou', startDate: '2020-02-30' }, 400, 'VALIDATION_FAILED'],
    ['a bad activity line', { kind: 'mou', startDate: '2020-05-01', activityLines: ['one'] }, 400, 'VALIDATION_FAILED'],
  ])('agreement: %s', async (_name, body, status, code) => {
    const p = await registered();
    await refused('POST', `/partners/${p.id}/agreements`, { version: 1, ...body }, status, code);
  });

  it.each([
    ['an unknown kind', { kind: 'moral_support' }, 400, 'VALIDATION_FAILED'],
    ['no description', { description: '' }, 400, 'VALIDATION_FAILED'],
    ['a bad activity line', { activityLine: '1' }, 400, 'VALIDATION_FAILED'],
    ['a date in the future', { date: '2999-01-01' }, 422, 'DATE_IN_FUTURE'],
    [
      'an agreement of another partner',
      { agreementId: '0190a1b2-0000-4000-8000-00000000beef' },
      422,
      'UNKNOWN_AGREEMENT',
    ],
  ])('support: %s', async (_name, change, status, code) => {
    const p = await registered();
    const body = {
      version: 1,
      date: '2020-05-01',
      kind: 'networking',
      description: 'Network meeting',
      activityLine: '2.3',
      ...change,
    };
    await refused('POST', `/partners/${p.id}/support`, body, status, code);
  });

  it('unknown partners are 404, malformed ids 400', async () => {
    await refused('GET', '/partners/0190a1b2-0000-4000-8000-000000000404', undefined, 404, 'NOT_FOUND');
    await refused(
      'PATCH',
      '/partners/0190a1b2-0000-4000-8000-000000000404',
      { version: 1, tags: [] },
      404,
      'NOT_FOUND',
    );
    await refused('GET', '/partners/not-a-uuid', undefined, 400, 'VALIDATION_FAILED');
  });
});

describe('partners: who may do what', () => {
  it.each([
    ['missing token', async () => '', 401],
    ['expired token', async () => testToken(['partners:write'], ['MA'], { ttl: '-1m' }), 401],
    ['token without the write scope', async () => testToken(['partners:read']), 403],
    ['token for another country', async () => testToken(['partners:write', 'partners:read'], ['TN']), 403],
  ])('register with a %s', async (_name, token, status) => {
    await refused('POST', '/partners', partnerBody('Association interdite'), status, undefined, await token());
  });

  it("another country's partner cannot be read or changed without its scope", async () => {
    const tunisian = await registered({ country: 'TN' }, everywhere);
    await refused('GET', `/partners/${tunisian.id}`, undefined, 403, 'FORBIDDEN');
    await refused('PATCH', `/partners/${tunisian.id}`, { version: 1, tags: ['x'] }, 403, 'FORBIDDEN');
    await refused(
      'POST',
      `/partners/${tunisian.id}/support`,
      { version: 1, date: '2020-05-01', kind: 'networking', description: 'x', activityLine: '2.3' },
      403,
      'FORBIDDEN',
    );
    await refused('POST', `/partners/${tunisian.id}/deactivate`, { version: 1 }, 403, 'FORBIDDEN');
    await refused('PUT', `/partners/${tunisian.id}/contacts`, { contacts: [] }, 403, 'FORBIDDEN');
    expect((await h.call('GET', `/partners/${tunisian.id}`, undefined, everywhere)).status).toBe(200);
  });
});

describe('partners: concurrency and hierarchy', () => {
  it('two editors with the same version: the second gets a 409 and its change is not written', async () => {
    const p = await registered();
    const first = await h.call('PATCH', `/partners/${p.id}`, { version: 1, acronym: 'AT1' });
    expect(first.status).toBe(200);
    const conflict = await refused(
      'PATCH',
      `/partners/${p.id}`,
      { version: 1, name: { fr: 'Autre nom', en: 'Other name' } },
      409,
      'VERSION_CONFLICT',
    );
    expect(conflict.currentVersion).toBe(2);
    await refused(
      'POST',
      `/partners/${p.id}/support`,
      { version: 1, date: '2020-05-01', kind: 'networking', description: 'x', activityLine: '2.3' },
      409,
      'VERSION_CONFLICT',
    );
    // The name the refused rename wanted is still free.
    expect((await h.call('POST', '/partners', partnerBody('Autre nom'))).status).toBe(201);
  });

  it('five editors at once with the same version: one wins, four get a 409, one event', async () => {
    const p = await registered();
    const replies = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => h.call('PATCH', `/partners/${p.id}`, { version: 1, acronym: `R${n}` })),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const one = await h.call('GET', `/partners/${p.id}`);
    expect(one.body.version).toBe(2);
    expect(one.body.acronym).toBe(replies.find((r) => r.status === 200)!.body.acronym);
    expect((await h.streamEvents()).filter((m) => m.event.subject === p.id)).toHaveLength(2);
  });

  it('commands in quick succession are all kept: none is undone by the publishing of the previous one', async () => {
    const p = await registered();
    for (let v = 1; v <= 15; v++) {
      const r = await h.call('PATCH', `/partners/${p.id}`, { version: v, acronym: `Q${v}` });
      expect(r.status, r.raw).toBe(200);
    }
    const one = await h.call('GET', `/partners/${p.id}`);
    expect(one.body).toMatchObject({ version: 16, acronym: 'Q15' });
    expect(one.body.history).toHaveLength(16);
    const published = (await h.streamEvents()).filter((m) => m.event.subject === p.id);
    expect(published.map((m) => m.event.data.acronym)).toEqual([
      undefined,
      ...Array.from({ length: 15 }, (_, i) => `Q${i + 1}`),
    ]);
  });

  it('a ministry, its department and a unit: a parent below the partner is a cycle', async () => {
    const ministry = await registered({ type: 'ministry' });
    const department = await registered({ parentId: ministry.id });
    const unit = await registered({ parentId: department.id });
    expect(unit.parentId).toBe(department.id);
    await refused('PATCH', `/partners/${ministry.id}`, { version: 1, parentId: unit.id }, 422, 'PARENT_CYCLE');
    await refused('PATCH', `/partners/${ministry.id}`, { version: 1, parentId: ministry.id }, 422, 'PARENT_CYCLE');
    const tunisian = await registered({ country: 'TN' }, everywhere);
    await refused(
      'PATCH',
      `/partners/${unit.id}`,
      { version: 1, parentId: tunisian.id },
      422,
      'PARENT_IN_OTHER_COUNTRY',
    );

    const moved = await h.call('PATCH', `/partners/${unit.id}`, { version: 1, parentId: ministry.id });
    expect(moved.body).toMatchObject({ version: 2, parentId: ministry.id });
    const cleared = await h.call('PATCH', `/partners/${unit.id}`, { version: 2, parentId: null });
    expect(cleared.body.parentId).toBeUndefined();
    const one = await h.call('GET', `/partners/${department.id}`);
    expect(one.body.parent).toMatchObject({ id: ministry.id, type: 'ministry' });
    expect((await h.call('GET', `/partners/${ministry.id}`)).body.children.map((c: { id: string }) => c.id)).toEqual([
      department.id,
    ]);
  });

  it('a deactivated parent is allowed with a warning', async () => {
    const parent = await registered();
    await h.call('POST', `/partners/${parent.id}/deactivate`, { version: 1 });
    const child = await h.call('POST', '/partners', partnerBody(`Antenne ${++counter}`, { parentId: parent.id }));
    expect(child.status).toBe(201);
    expect(child.body.warnings).toEqual([`the parent ${parent.id} is deactivated`]);
  });

  it('reading needs only the read scope; health and the OpenAPI document need no token', async () => {
    const p = await registered();
    expect((await h.call('GET', `/partners/${p.id}`, undefined, h.reader)).status).toBe(200);
    const doc = (await (await fetch(`${h.svc.url}/openapi.json`)).json()) as any;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/partners', '/partners/{id}', '/partners/{id}/agreements', '/partners/{id}/support']),
    );
    expect((await fetch(`${h.svc.url}/health/ready`)).status).toBe(200);
  });
});
