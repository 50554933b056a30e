import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerProblems, undocumentedOperations } from '@passerelle/testkit';
import { partnerBody, startPartners, type PartnersHarness, type Reply } from './testing/harness.js';

// The OpenAPI document documents every route, and real answers are what the routes declare: a handler that adds,
// drops or renames a field fails here instead of leaving the documentation wrong.
let h: PartnersHarness;
const check = (route: string, r: Reply) => expect(answerProblems('partners', route, r)).toEqual([]);

beforeAll(async () => {
  h = await startPartners('partners_docs');
});
afterAll(async () => {
  await h?.stop();
});

describe('the partners API documentation', () => {
  it('gives every operation a success response with a schema and examples, and its errors', async () => {
    const doc = (await (await fetch(`${h.svc.url}/openapi.json`)).json()) as Parameters<
      typeof undocumentedOperations
    >[0];
    expect(undocumentedOperations(doc)).toEqual([]);
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(7);
  });

  it('declares what the routes really answer', async () => {
    const parent = await h.call(
      'POST',
      '/partners',
      partnerBody('Ministère de la Solidarité', { type: 'ministry', acronym: 'MSDSEF', region: 'Rabat-Salé-Kénitra' }),
    );
    check('POST /partners', parent);
    const child = await h.call(
      'POST',
      '/partners',
      partnerBody('Délégation régionale de Tanger', {
        type: 'ministry',
        level: 'regional',
        parentId: parent.body.id,
        contacts: [{ role: 'focal point', workEmail: 'focal@example.org' }],
      }),
    );
    check('POST /partners', child);
    const id = child.body.id as string;
    check('PATCH /partners/:id', await h.call('PATCH', `/partners/${id}`, { version: 1, tags: ['protection'] }));
    check(
      'POST /partners/:id/agreements',
      await h.call('POST', `/partners/${id}/agreements`, {
        version: 2,
        kind: 'grant',
        reference: 'MA-2020-07',
        startDate: '2020-03-01',
        amount: 250000,
        currency: 'MAD',
        activityLines: ['1.3'],
      }),
    );
    check(
      'POST /partners/:id/support',
      await h.call('POST', `/partners/${id}/support`, {
        version: 3,
        date: '2020-04-10',
        kind: 'training',
        description: 'Case management',
        activityLine: '1.3',
      }),
    );
    check(
      'POST /partners/:id/deactivate',
      await h.call('POST', `/partners/${id}/deactivate`, { version: 4, reason: 'merged' }),
    );
    check('POST /partners/:id/reactivate', await h.call('POST', `/partners/${id}/reactivate`, { version: 5 }));
    check(
      'PUT /partners/:id/contacts',
      await h.call('PUT', `/partners/${id}/contacts`, {
        contacts: [{ role: 'director', workEmail: 'director@example.org' }],
      }),
    );
    const one = await h.call('GET', `/partners/${id}`, undefined, h.reader);
    expect(one.body.parent.id).toBe(parent.body.id);
    check('GET /partners/:id', one);
    check('GET /partners/:id', await h.call('GET', `/partners/${parent.body.id}`, undefined, h.reader));
    const page = await h.call('GET', '/partners?country=MA', undefined, h.reader);
    expect(page.body.total).toBe(2);
    check('GET /partners', page);
  });
});
