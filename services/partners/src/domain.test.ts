import { describe, expect, it } from 'vitest';
import { createEnvelope, registry, type NewEvent } from '@passerelle/contracts';
import {
  deactivate,
  provideSupport,
  reactivate,
  register,
  signAgreement,
  update,
  type Decision,
  type Partner,
} from './domain.js';

const ID = '0190a1b2-0000-4000-8000-000000000001';
const PARENT = '0190a1b2-0000-4000-8000-000000000002';
const AGREEMENT = '0190a1b2-0000-4000-8000-000000000003';
const SUPPORT = '0190a1b2-0000-4000-8000-000000000004';
const ctx = { today: '2020-06-15' };

const profile = {
  name: { fr: 'Fondation Orient-Occident', en: 'Orient-Occident Foundation' },
  acronym: 'FOO',
  type: 'foundation' as const,
  level: 'national' as const,
  country: 'MA' as const,
  region: 'Rabat-Salé-Kénitra',
  tags: ['cso', 'cso'],
};
const registered = () => register(ID, profile, ctx).state;

/** Every event a decision emits must pass its published schema, as a consumer would check it. */
function published(d: Decision) {
  return d.events.map((e: NewEvent<unknown>) =>
    registry.parse(createEnvelope(e, { actor: 'tester', correlationid: 'c1' })),
  );
}

const code = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('register', () => {
  it('dates the registration today unless given, and keeps names, keys and unique tags', () => {
    const d = register(ID, profile, ctx);
    expect(d.state).toMatchObject({
      active: true,
      registeredOn: '2020-06-15',
      tags: ['cso'],
      nameKeys: ['fondationorientoccident', 'orientoccidentfoundation'],
    });
    const [e] = published(d);
    expect(e!.type).toBe('partners.partner.registered');
    expect(e!.data).toEqual({
      partnerId: ID,
      businessDate: '2020-06-15',
      name: profile.name,
      acronym: 'FOO',
      type: 'foundation',
      level: 'national',
      country: 'MA',
      region: 'Rabat-Salé-Kénitra',
      tags: ['cso'],
      active: true,
    });
    expect(register(ID, { ...profile, registeredOn: '2019-01-02' }, ctx).state.registeredOn).toBe('2019-01-02');
  });
  it('refuses a registration date in the future', () => {
    expect(code(() => register(ID, { ...profile, registeredOn: '2021-01-01' }, ctx))).toBe('DATE_IN_FUTURE');
  });
});

describe('update', () => {
  it('a rename carries the new names, what changed and the previous name', () => {
    const d = update(
      ID,
      registered(),
      { name: { fr: 'Fondation Orient Occident', en: 'Orient Occident Foundation', ar: 'مؤسسة الشرق والغرب' } },
      ctx,
    );
    const [e] = published(d);
    expect(e!.type).toBe('partners.partner.updated');
    expect(e!.data).toMatchObject({
      changed: ['name'],
      name: { ar: 'مؤسسة الشرق والغرب' },
      previousName: profile.name,
      businessDate: '2020-06-15',
    });
    expect(d.state.nameKeys).toHaveLength(3);
  });
  it('null clears optional fields; an unchanged patch emits nothing', () => {
    const d = update(
      ID,
      registered(),
      { acronym: null, region: null, parentId: PARENT, tags: ['migrant-led'] },
      { ...ctx, effectiveDate: '2020-06-01' },
    );
    expect(d.state.acronym).toBeUndefined();
    expect(d.state.region).toBeUndefined();
    const [e] = published(d);
    expect(e!.data).toMatchObject({
      changed: ['acronym', 'region', 'parentId', 'tags'],
      parentId: PARENT,
      businessDate: '2020-06-01',
    });
    expect(e!.data).not.toHaveProperty('acronym');
    expect(update(ID, registered(), { type: 'foundation', tags: ['cso'], acronym: 'FOO' }, ctx).events).toEqual([]);
  });
});

describe('deactivate and reactivate', () => {
  it('go back and forth, each once', () => {
    const off = deactivate(ID, registered(), { reason: 'programme ended' }, ctx);
    expect(published(off)[0]!.data).toMatchObject({ active: false, reason: 'programme ended' });
    expect(code(() => deactivate(ID, off.state, {}, ctx))).toBe('ALREADY_INACTIVE');
    const on = reactivate(ID, off.state, { effectiveDate: '2020-06-10' }, ctx);
    expect(published(on)[0]!.data).toMatchObject({ active: true, businessDate: '2020-06-10' });
    expect(on.state.deactivatedOn).toBeUndefined();
    expect(code(() => reactivate(ID, on.state, {}, ctx))).toBe('ALREADY_ACTIVE');
  });
  it('cannot take effect before registration', () => {
    expect(code(() => deactivate(ID, registered(), { effectiveDate: '2019-01-01' }, ctx))).toBe('BEFORE_REGISTRATION');
  });
});

describe('agreements', () => {
  const grant = {
    id: AGREEMENT,
    kind: 'grant' as const,
    startDate: '2020-01-01',
    endDate: '2020-12-31',
    amount: 50000,
    currency: 'MAD',
    activityLines: ['1.3', '1.3'],
  };
  it('are recorded with their start date as business date', () => {
    const d = signAgreement(ID, registered(), grant);
    const [e] = published(d);
    expect(e!.data).toMatchObject({
      agreementId: AGREEMENT,
      kind: 'grant',
      businessDate: '2020-01-01',
      activityLines: ['1.3'],
      name: profile.name,
    });
  });
  it.each([
    ['end before start', { ...grant, endDate: '2019-12-31' }, 'END_BEFORE_START'],
    ['amount without currency', { ...grant, currency: undefined }, 'AMOUNT_NEEDS_CURRENCY'],
    ['currency without amount', { ...grant, amount: undefined }, 'AMOUNT_NEEDS_CURRENCY'],
  ])('refuse %s', (_n, a, expected) => {
    expect(code(() => signAgreement(ID, registered(), a))).toBe(expected);
  });
  it('refuse a reference used twice, and a deactivated partner', () => {
    const once = signAgreement(ID, registered(), { ...grant, reference: 'MA-2020-01' }).state;
    expect(code(() => signAgreement(ID, once, { ...grant, id: SUPPORT, reference: 'ma 2020 01' }))).toBe(
      'DUPLICATE_AGREEMENT',
    );
    expect(code(() => signAgreement(ID, deactivate(ID, registered(), {}, ctx).state, grant))).toBe('PARTNER_INACTIVE');
  });
});

describe('support', () => {
  const support = {
    id: SUPPORT,
    kind: 'equipment_refurbishment' as const,
    date: '2020-03-01',
    description: 'Equipping the children centre',
    activityLine: '1.3',
  };
  it('is dated by its date and names the partner', () => {
    const [e] = published(provideSupport(ID, registered(), support, ctx));
    expect(e!.data).toMatchObject({
      supportId: SUPPORT,
      businessDate: '2020-03-01',
      kind: 'equipment_refurbishment',
      activityLine: '1.3',
      name: profile.name,
      acronym: 'FOO',
    });
  });
  it('refuses a deactivated partner, a future date and an unknown agreement', () => {
    const inactive: Partner = deactivate(ID, registered(), {}, ctx).state;
    expect(code(() => provideSupport(ID, inactive, support, ctx))).toBe('PARTNER_INACTIVE');
    expect(code(() => provideSupport(ID, registered(), { ...support, date: '2020-07-01' }, ctx))).toBe(
      'DATE_IN_FUTURE',
    );
    expect(code(() => provideSupport(ID, registered(), { ...support, agreementId: AGREEMENT }, ctx))).toBe(
      'UNKNOWN_AGREEMENT',
    );
  });
});
