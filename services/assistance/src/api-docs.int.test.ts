import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerProblems,
  isolatedEnv,
  testToken,
  undocumentedOperations,
  httpClient,
  type Reply,
} from '@passerelle/testkit';
import { SHEET_TYPES } from '@passerelle/sheets';
import { start } from './main.js';
import { TEST_KEY_SECRET, countsDelivery, listDelivery } from './testing/harness.js';

// The OpenAPI document documents every route, and real answers are what the routes declare: a handler that adds,
// drops or renames a field fails here instead of leaving the documentation wrong.
const env = isolatedEnv('assistance_docs');
let svc: Awaited<ReturnType<typeof start>>;
let writer: string;
let admin: string;
const call = httpClient(
  () => svc.url,
  () => writer,
);
const check = (route: string, r: Reply) => expect(answerProblems('assistance', route, r)).toEqual([]);

beforeAll(async () => {
  svc = await start(env.env('assistance', { BENEFICIARY_KEY_SECRET: TEST_KEY_SECRET }), { relay: false });
  writer = await testToken(['assistance:write', 'assistance:read']);
  admin = await testToken(['assistance:write', 'assistance:read', 'assistance:admin']);
});
afterAll(async () => {
  await svc?.rt.shutdown();
});

describe('the assistance API documentation', () => {
  it('gives every operation a success response with a schema and examples, and its errors', async () => {
    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as Parameters<typeof undocumentedOperations>[0];
    expect(undocumentedOperations(doc)).toEqual([]);
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(7);
  });

  it('declares what the routes really answer', async () => {
    const counts = await call('POST', '/deliveries', countsDelivery({ amount: 5000, currency: 'MAD' }));
    check('POST /deliveries', counts);
    const list = await call('POST', '/deliveries', listDelivery(['CASE-DOC-1', 'CASE-DOC-2']), { token: admin });
    check('POST /deliveries', list);
    check('GET /deliveries/:id', await call('GET', `/deliveries/${list.body.id}`, undefined, { token: admin }));
    check('GET /deliveries/:id', await call('GET', `/deliveries/${list.body.id}`));
    check(
      'POST /deliveries/:id/corrections',
      await call('POST', `/deliveries/${counts.body.id}/corrections`, { version: 1, quantity: 12, reason: 'recount' }),
    );
    check(
      'POST /deliveries/:id/void',
      await call('POST', `/deliveries/${counts.body.id}/void`, { version: 2, reason: 'entered twice' }),
    );
    const page = await call('GET', '/deliveries?country=MA&pageSize=5');
    expect(page.body.items.length).toBe(2);
    check('GET /deliveries', page);
    const sheet = [
      'Delivery ref;Date;Kind;Context;Partner id;Country;Region;City;Activity line;Quantity;Unit;Case reference;Sex;Age group;Age;Flags',
      'D1;12/05/2020;food;covid19;fondation-orient-occident;MA;Oriental;Oujda;1.4;1;food_parcel;CASE-DOC-3;F;18-59;;none',
      '',
    ].join('\n');
    check('POST /deliveries/import', await call('POST', '/deliveries/import', sheet, { contentType: SHEET_TYPES.csv }));
    check(
      'POST /beneficiaries/erase',
      await call('POST', '/beneficiaries/erase', { caseReference: 'CASE-DOC-3', country: 'MA' }, { token: admin }),
    );
  });

  it('fails an answer that carries a field its schema does not declare', () => {
    expect(
      answerProblems('assistance', 'POST /beneficiaries/erase', {
        status: 200,
        body: { erasureId: '0193f1f0-7a4b-7c3d-8e5f-1a2b3c4d5e6f', date: '2020-05-15', caseReference: 'X' },
      }),
    ).toEqual(['POST /beneficiaries/erase: .caseReference is not in the declared schema']);
  });
});
