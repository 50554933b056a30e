import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@passerelle/platform';
import { partnerBody, startPartners, type PartnersHarness } from './testing/harness.js';

// Contact people are personal data: they may be stored, shown to readers, never published and never logged.
const lines: string[] = [];
const logger = createLogger({
  service: 'partners',
  level: 'trace',
  destination: {
    write: (line: string) => {
      lines.push(line);
    },
  },
});
let h: PartnersHarness;

beforeAll(async () => {
  h = await startPartners('partners_contacts', { logger });
});
afterAll(() => h?.stop());

const director = { role: 'Directrice des programmes', workEmail: 'direction.programmes@fondation-exemple.ma' };
const focal = { role: 'Point focal migration', workEmail: 'point.focal@fondation-exemple.ma' };

describe('contact people', () => {
  it('are kept apart, shown to readers, and never appear in events, the outbox or the logs', async () => {
    const reg = await h.call('POST', '/partners', partnerBody('Fondation exemple', { contacts: [director] }));
    expect(reg.status, reg.raw).toBe(201);
    const id = reg.body.id as string;
    expect(reg.body).not.toHaveProperty('contacts');
    expect((await h.call('GET', `/partners/${id}`, undefined, h.reader)).body.contacts).toEqual([director]);

    const replaced = await h.call('PUT', `/partners/${id}/contacts`, { contacts: [director, focal] });
    expect(replaced.status).toBe(200);
    await h.call('PATCH', `/partners/${id}`, { version: 1, acronym: 'FE' });
    await h.call('POST', `/partners/${id}/support`, {
      version: 2,
      date: '2020-05-01',
      kind: 'networking',
      description: 'Network meeting',
      activityLine: '2.3',
    });
    const one = await h.call('GET', `/partners/${id}`, undefined, h.reader);
    expect(one.body.contacts).toEqual([director, focal]);

    const events = await h.streamEvents();
    expect(events.map((e) => e.event.type)).toEqual([
      'partners.partner.registered',
      'partners.partner.updated',
      'partners.partner.support_provided',
    ]);
    const personal = [director.workEmail, focal.workEmail, director.role, focal.role, 'workEmail', 'contacts'];
    for (const { raw } of events) for (const p of personal) expect(raw).not.toContain(p);
    const history = JSON.stringify(one.body.history);
    for (const p of personal) expect(history).not.toContain(p);
    const aggregate = JSON.stringify(await h.svc.rt.db.collection('partners').findOne({ _id: id as never }));
    for (const p of personal) expect(aggregate).not.toContain(p);

    logger.info({ partnerId: id, contacts: [director], workEmail: focal.workEmail }, 'a careless log line');
    expect(lines.length).toBeGreaterThan(3);
    const log = lines.join('\n');
    expect(log).toContain('a careless log line');
    for (const p of [director.workEmail, focal.workEmail]) expect(log).not.toContain(p);
  });

  it('an empty list erases them', async () => {
    const reg = await h.call('POST', '/partners', partnerBody('Association à effacer', { contacts: [focal] }));
    await h.call('PUT', `/partners/${reg.body.id}/contacts`, { contacts: [] });
    expect((await h.call('GET', `/partners/${reg.body.id}`)).body.contacts).toEqual([]);
    expect(await h.svc.rt.db.collection('partner_contacts').countDocuments({ _id: reg.body.id })).toBe(0);
  });

  it('accept a role and a work e-mail only', async () => {
    const reg = await h.call('POST', '/partners', partnerBody('Association stricte'));
    const r = await h.call('PUT', `/partners/${reg.body.id}/contacts`, {
      contacts: [{ ...director, fullName: 'Someone' }],
    });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_FAILED');
    expect((await h.call('GET', `/partners/${reg.body.id}`)).body.contacts).toEqual([]);
  });
});
