import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '@passerelle/contracts';
import { startPartners, type PartnersHarness } from './testing/harness.js';

// The partners the Morocco factsheet names, as the demo file the start script loads.
const demo = JSON.parse(readFileSync(new URL('../demo/morocco-partners.json', import.meta.url), 'utf8')) as Array<
  Record<string, any>
>;

let h: PartnersHarness;
const ids = new Map<string, string>();
const idOf = (fr: string) => {
  const id = ids.get(fr);
  if (!id) throw new Error(`no partner ${fr}`);
  return id;
};

beforeAll(async () => {
  h = await startPartners('partners_morocco');
});
afterAll(() => h?.stop());

describe('the Morocco partners, registered through the API', () => {
  it('all register, and each publishes one registered event that names it', async () => {
    for (const body of demo) {
      const r = await h.call('POST', '/partners', body);
      expect(r.status, r.raw).toBe(201);
      ids.set(body.name.fr, r.body.id);
    }
    const byType = (type: string) => demo.filter((p) => p.type === type).map((p) => p.name.fr);
    expect(demo.find((p) => p.acronym === 'MCMREAM')?.type).toBe('ministry');
    expect(byType('public_agency')).toContain('Entraide Nationale');
    expect(demo.filter((p) => p.type === 'regional_council').map((p) => p.region)).toEqual([
      'Tanger-Tétouan-Al Hoceïma',
      'Oriental',
      'Souss-Massa',
    ]);
    expect(byType('national_committee')).toHaveLength(1);
    expect(demo.find((p) => p.acronym === 'ONDE')).toBeDefined();
    expect(byType('ministry')).toContain('Ministère de la Justice');
    expect(demo.find((p) => p.acronym === 'ENSA')?.type).toBe('academic');
    expect(byType('foundation')).toEqual(['Fondation Orient Occident']);
    expect(demo.filter((p) => p.type === 'migrant_association' && p.tags.includes('migrant-led'))).toHaveLength(1);

    const events = await h.streamEvents();
    expect(events).toHaveLength(demo.length);
    for (const [i, body] of demo.entries()) {
      const { event, subject, raw } = events[i]!;
      expect(subject).toBe(`${h.env.prefix}.MA.partners.partner.registered`);
      expect(() => registry.parse(raw, subject)).not.toThrow();
      expect(event).toMatchObject({
        type: 'partners.partner.registered',
        source: 'partners',
        country: 'MA',
        subject: idOf(body.name.fr),
        dataversion: '1',
      });
      const { registeredOn, ...profile } = body;
      expect(event.data).toEqual({
        partnerId: idOf(body.name.fr),
        businessDate: registeredOn,
        active: true,
        ...profile,
        tags: [...body.tags].sort(),
      });
    }
  });

  it('a second load of the demo file is refused partner by partner, naming the existing one', async () => {
    const before = await h.published();
    for (const body of demo) {
      const r = await h.call('POST', '/partners', body);
      expect(r.status).toBe(409);
      expect(r.body.existingPartner.id).toBe(idOf(body.name.fr));
    }
    expect(await h.published()).toBe(before);
  });

  it('the year-1 support and agreements are published with the partner names and their business dates', async () => {
    const councils = demo.filter((p) => p.type === 'regional_council').map((p) => p.name.fr as string);
    const migrants = demo.find((p) => p.type === 'migrant_association')!.name.fr as string;
    const mcmream = demo.find((p) => p.acronym === 'MCMREAM')!.name.fr as string;
    const committee = demo.find((p) => p.type === 'national_committee')!.name.fr as string;
    const version = new Map<string, number>();
    const post = async (fr: string, path: string, body: Record<string, unknown>) => {
      const v = version.get(fr) ?? 1;
      const r = await h.call('POST', `/partners/${idOf(fr)}/${path}`, { version: v, ...body });
      expect(r.status, r.raw).toBe(201);
      version.set(fr, r.body.version);
      return r.body;
    };

    const mou = await post('Entraide Nationale', 'agreements', {
      kind: 'mou',
      startDate: '2019-09-01',
      endDate: '2021-08-31',
      activityLines: ['1.3'],
    });
    await post('Fondation Orient Occident', 'agreements', {
      kind: 'grant',
      startDate: '2020-04-15',
      endDate: '2020-07-15',
      amount: 450000,
      currency: 'MAD',
      activityLines: [],
    });
    await post(mcmream, 'support', {
      date: '2020-02-12',
      kind: 'policy_support',
      description: 'Monitoring of the National Strategy on Immigration and Asylum',
      activityLine: '1.2',
    });
    await post(mcmream, 'support', {
      date: '2020-06-30',
      kind: 'data_management',
      description: 'Migration data management support',
      activityLine: '2.1',
    });
    await post('Entraide Nationale', 'support', {
      date: '2020-03-05',
      kind: 'equipment_refurbishment',
      description: 'Refurbishing and equipping a centre for children on the move',
      activityLine: '1.3',
      agreementId: mou.agreementId,
    });
    for (const council of councils)
      await post(council, 'support', {
        date: '2020-05-20',
        kind: 'technical_assistance',
        description: 'Local pilot initiative to protect vulnerable migrants',
        activityLine: '1.4',
      });
    await post(committee, 'support', {
      date: '2020-07-01',
      kind: 'technical_assistance',
      description: 'Support to the national committee',
      activityLine: '2.2',
    });
    await post(migrants, 'support', {
      date: '2020-09-10',
      kind: 'networking',
      description: 'Networking of migrant associations',
      activityLine: '2.3',
    });

    const events = (await h.streamEvents()).map((m) => m.event);
    const support = events.filter((e) => e.type === 'partners.partner.support_provided');
    expect(support.map((e) => e.data.activityLine).sort()).toEqual([
      '1.2',
      '1.3',
      '1.4',
      '1.4',
      '1.4',
      '2.1',
      '2.2',
      '2.3',
    ]);
    expect(new Set(support.map((e) => e.data.partnerId)).size).toBe(7);
    for (const e of support) {
      expect(e.data.businessDate).toBe(e.data.date);
      const body = demo.find((p) => idOf(p.name.fr) === e.data.partnerId)!;
      expect(e.data).toMatchObject({ name: body.name, type: body.type, level: body.level, country: 'MA' });
    }
    expect(support.filter((e) => e.data.activityLine === '1.4').map((e) => e.data.region)).toEqual([
      'Tanger-Tétouan-Al Hoceïma',
      'Oriental',
      'Souss-Massa',
    ]);

    const agreements = events.filter((e) => e.type === 'partners.partner.agreement_signed');
    expect(agreements.map((e) => [e.data.name, e.data.kind, e.data.businessDate])).toEqual([
      [{ fr: 'Entraide Nationale', en: 'National Mutual Aid', ar: 'التعاون الوطني' }, 'mou', '2019-09-01'],
      [
        { fr: 'Fondation Orient Occident', en: 'Orient-Occident Foundation', ar: 'مؤسسة الشرق والغرب' },
        'grant',
        '2020-04-15',
      ],
    ]);
    expect(agreements[1]!.data).toMatchObject({ amount: 450000, currency: 'MAD', acronym: 'FOO' });

    const one = await h.call('GET', `/partners/${idOf('Entraide Nationale')}`, undefined, h.reader);
    expect(one.body.support).toHaveLength(1);
    expect(one.body.agreements).toHaveLength(1);
    expect(one.body.history.map((e: { type: string }) => e.type)).toEqual([
      'partners.partner.registered',
      'partners.partner.agreement_signed',
      'partners.partner.support_provided',
    ]);
  });
});
