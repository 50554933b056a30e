import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerProblems,
  httpClient,
  isolatedEnv,
  testToken,
  undocumentedOperations,
  type Reply,
} from '@passerelle/testkit';
import { start } from './main.js';
import { centreMilestone, frameworkBody, L, peopleTrained } from './testing/fixtures.js';

// The OpenAPI document documents every route, and real answers are what the routes declare: a handler that adds,
// drops or renames a field fails here instead of leaving the documentation wrong.
const env = isolatedEnv('indicators_docs');
let svc: Awaited<ReturnType<typeof start>>;
let writer: string;
const call = httpClient(
  () => svc.url,
  () => writer,
);
const check = (route: string, r: Reply) => expect(answerProblems('indicators', route, r)).toEqual([]);

beforeAll(async () => {
  svc = await start(env.env('indicators'), { relay: false });
  writer = await testToken(['indicators:write', 'indicators:read']);
});
afterAll(() => svc?.rt.shutdown());

describe('the indicators API documentation', () => {
  it('gives every operation a success response with a schema and examples, and its errors', async () => {
    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as Parameters<typeof undocumentedOperations>[0];
    expect(undocumentedOperations(doc)).toEqual([]);
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(15);
  });

  it('declares what the framework routes really answer', async () => {
    check('POST /frameworks', await call('POST', '/frameworks', frameworkBody('DOCS')));
    const { programme: _p, country: _c, ...draft } = frameworkBody('DOCS', { context: L('Another context.') });
    check('PUT /frameworks/:id/draft', await call('PUT', '/frameworks/DOCS-MA/draft', { version: 1, ...draft }));
    check(
      'PUT /frameworks/:id/nodes/:code',
      await call('PUT', '/frameworks/DOCS-MA/nodes/1.2', {
        version: 2,
        level: 'activity_line',
        parent: '1',
        title: L('Support'),
      }),
    );
    check('DELETE /frameworks/:id/nodes/:code', await call('DELETE', '/frameworks/DOCS-MA/nodes/1.2?version=3'));
    check(
      'POST /frameworks/:id/indicators',
      await call('POST', '/frameworks/DOCS-MA/indicators', { version: 4, ...peopleTrained }),
    );
    check(
      'PUT /frameworks/:id/indicators/:code/baseline',
      await call('PUT', '/frameworks/DOCS-MA/indicators/P/baseline', {
        version: 5,
        value: 0,
        date: '2019-10-01',
        comment: 'no training before',
      }),
    );
    check(
      'PUT /frameworks/:id/indicators/:code/targets/:period',
      await call('PUT', '/frameworks/DOCS-MA/indicators/P/targets/PY1', { version: 6, value: 100 }),
    );
    check(
      'POST /frameworks/:id/indicators',
      await call('POST', '/frameworks/DOCS-MA/indicators', { version: 7, ...centreMilestone }),
    );
    check(
      'POST /frameworks/:id/indicators/:code/values',
      await call('POST', '/frameworks/DOCS-MA/indicators/M/values', {
        version: 8,
        period: 'PY1',
        value: 1,
        date: '2020-06-15',
        comment: 'opened',
        evidenceUrl: 'https://example.org/c.pdf',
      }),
    );
    const { code: _code, ...definition } = peopleTrained;
    check(
      'PUT /frameworks/:id/indicators/:code',
      await call('PUT', '/frameworks/DOCS-MA/indicators/P', {
        version: 9,
        ...definition,
        disaggregations: ['sex'],
        reason: 'category not collected',
      }),
    );
    check(
      'POST /frameworks/:id/publish',
      await call('POST', '/frameworks/DOCS-MA/publish', { version: 10, note: 'first' }),
    );
    check(
      'POST /frameworks/:id/indicators/:code/retire',
      await call('POST', '/frameworks/DOCS-MA/indicators/M/retire', { version: 11, reason: 'done' }),
    );
    check('GET /frameworks/:id', await call('GET', '/frameworks/DOCS-MA'));
    check('GET /frameworks/:id/versions/:n', await call('GET', '/frameworks/DOCS-MA/versions/1'));
    check('GET /frameworks/:id/indicators/:code', await call('GET', '/frameworks/DOCS-MA/indicators/P'));
    const targets = await call('GET', '/frameworks/DOCS-MA/indicators/P/targets');
    expect(targets.body.history).toHaveLength(1);
    check('GET /frameworks/:id/indicators/:code/targets', targets);
    check('GET /frameworks', await call('GET', '/frameworks?country=MA'));
    const exported = await call('GET', '/frameworks/DOCS-MA/export');
    check('GET /frameworks/:id/export', exported);
    check(
      'POST /frameworks/import',
      await call('POST', '/frameworks/import?programme=COPY&publish=true', exported.body),
    );
  });

  it('declares what the catalogues really answer', async () => {
    check('GET /catalogues/alignments', await call('GET', '/catalogues/alignments'));
    check('GET /catalogues/rules', await call('GET', '/catalogues/rules'));
    check(
      'POST /catalogues/rules/check',
      await call('POST', '/catalogues/rules/check', {
        rule: { source: 'trainings_held', measure: 'sum_participants' },
      }),
    );
  });
});
