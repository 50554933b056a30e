import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerProblems, undocumentedOperations } from '@passerelle/testkit';
import { SHEET_TYPES } from '@passerelle/sheets';
import { moroccoTraining, startHarness, type Harness, type Reply } from './testing/harness.js';

// The OpenAPI document documents every route, and real answers are what the routes declare: a handler that adds,
// drops or renames a field fails here instead of leaving the documentation wrong.
let h: Harness;
const check = (route: string, r: Reply) => expect(answerProblems('trainings', route, r)).toEqual([]);

beforeAll(async () => {
  h = await startHarness('trainings_docs');
});
afterAll(() => h?.stop());

describe('the trainings API documentation', () => {
  it('gives every operation a success response with a schema and examples, and its errors', async () => {
    const doc = (await (await fetch(`${h.svc.url}/openapi.json`)).json()) as Parameters<
      typeof undocumentedOperations
    >[0];
    expect(undocumentedOperations(doc)).toEqual([]);
  });

  it('declares what the routes really answer', async () => {
    const planned = await h.call('POST', '/trainings', { ...moroccoTraining, audience: 'police officers' });
    check('POST /trainings', planned);
    const id = planned.body.id as string;
    check(
      'POST /trainings/:id/reschedule',
      await h.call('POST', `/trainings/${id}/reschedule`, {
        version: 1,
        startDate: '2020-02-12',
        endDate: '2020-02-13',
      }),
    );
    check('POST /trainings/:id/held', await h.call('POST', `/trainings/${id}/held`, { version: 2 }));
    check(
      'POST /trainings/:id/attendance',
      await h.call('POST', `/trainings/${id}/attendance`, {
        version: 3,
        rows: [{ sex: 'female', category: 'police', count: 12 }],
      }),
    );
    const sheet = 'Sexe;Catégorie;Nombre;Remarque\nFemme;Police;10\nHomme;Police;9\n';
    check(
      'POST /trainings/:id/attendance/import',
      await h.call('POST', `/trainings/${id}/attendance/import?version=4`, sheet, {
        headers: { 'content-type': SHEET_TYPES.csv },
      }),
    );
    check(
      'POST /trainings/:id/assessment',
      await h.call('POST', `/trainings/${id}/assessment`, {
        version: 5,
        tested: 19,
        averagePre: 48.5,
        averagePost: 76,
        improved: 15,
      }),
    );
    check('GET /trainings/:id', await h.call('GET', `/trainings/${id}`, undefined, { token: h.tokens.reader }));
    check(
      'GET /trainings/:id/history',
      await h.call('GET', `/trainings/${id}/history`, undefined, { token: h.tokens.reader }),
    );
    check('GET /trainings', await h.call('GET', '/trainings?country=MA', undefined, { token: h.tokens.reader }));
    const other = await h.plan();
    check(
      'POST /trainings/:id/cancel',
      await h.call('POST', `/trainings/${other.id}/cancel`, { version: 1, reason: 'postponed sine die' }),
    );
    check(
      'POST /topics',
      await h.call(
        'POST',
        '/topics',
        { code: 'return_docs', label: { fr: 'Retour', en: 'Return' } },
        { token: h.tokens.admin },
      ),
    );
    check('GET /topics', await h.call('GET', '/topics', undefined, { token: h.tokens.reader }));
  });
});
