import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testToken } from '@passerelle/testkit';
import { moroccoTraining, startHarness, yearsFromNow, type Harness } from './testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('trainings_plan');
});
afterAll(() => h?.stop());

describe('planning a training', () => {
  it('derives the duration and publishes trainings.training.planned through the outbox', async () => {
    const before = await h.settled();
    const r = await h.call('POST', '/trainings', moroccoTraining);
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`/trainings/${r.body.id}`);
    expect(r.body).toMatchObject({ status: 'planned', durationDays: 2, version: 1, country: 'MA' });
    await h.waitForStream(before + 1);
    const planned = (await h.streamEvents()).at(-1)!;
    expect(planned).toMatchObject({
      type: 'trainings.training.planned',
      subject: r.body.id,
      country: 'MA',
      actor: 'tester-1',
    });
    expect(planned.data).toMatchObject({
      trainingId: r.body.id,
      businessDate: '2020-02-10',
      durationDays: 2,
      topics: ['sexual_exploitation_abuse'],
    });
  });

  it('reading needs only the read scope, shows the version as ETag; health needs no token', async () => {
    const planned = await h.plan();
    const read = await h.call('GET', `/trainings/${planned.id}`, undefined, { token: h.tokens.reader });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect((await h.call('GET', '/trainings/not-a-uuid', undefined, { token: h.tokens.reader })).status).toBe(400);
    expect((await h.call('GET', '/trainings/00000000-0000-4000-8000-000000000000')).body.code).toBe('NOT_FOUND');
    const ready = await fetch(`${h.svc.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { nats: 'ok', mongodb: 'ok' } });
  });
});

describe('planning: bad input is a clear problem, and nothing is written', () => {
  it.each([
    ['malformed JSON', '{"title": ', 400, 'MALFORMED_JSON'],
    ['wrong types', { ...moroccoTraining, plannedParticipants: 'twenty' }, 400, 'VALIDATION_FAILED'],
    ['negative planned participants', { ...moroccoTraining, plannedParticipants: -3 }, 400, 'VALIDATION_FAILED'],
    ['not a real day', { ...moroccoTraining, startDate: '2020-02-30' }, 400, 'VALIDATION_FAILED'],
    ['unknown fields', { ...moroccoTraining, beneficiaryName: 'x' }, 400, 'VALIDATION_FAILED'],
    ['end before start', { ...moroccoTraining, endDate: '2020-02-01' }, 422, 'END_BEFORE_START'],
    [
      'a date far in the future',
      { ...moroccoTraining, startDate: yearsFromNow(10), endDate: yearsFromNow(10) },
      422,
      'DATE_TOO_FAR',
    ],
    ['a topic not in the list', { ...moroccoTraining, topics: ['knitting'] }, 422, 'UNKNOWN_TOPIC'],
  ])('%s', async (_name, body, status, code) => {
    const before = await h.settled();
    const r = await h.call(
      'POST',
      '/trainings',
      body,
      typeof body === 'string' ? { headers: { 'content-type': 'application/json' } } : {},
    );
    expect(r.status).toBe(status);
    expect(r.type).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status, code });
    expect(await h.settled()).toBe(before);
  });

  it('oversized body is a 413', async () => {
    const r = await h.call('POST', '/trainings', { ...moroccoTraining, audience: 'x'.repeat(2_000_000) });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a non-JSON body is a 415', async () => {
    const r = await h.call('POST', '/trainings', 'title=x', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(415);
  });

  it.each([
    ['missing token', async () => '', 401],
    ['expired token', async () => testToken(['trainings:write'], ['MA'], { ttl: '-1m' }), 401],
    [
      'token signed with another secret',
      async () => testToken(['trainings:write'], ['MA'], { secret: 'another-secret-another-secret-another!' }),
      401,
    ],
    ['token without the write scope', async () => testToken(['trainings:read']), 403],
    ['token for another country', async () => testToken(['trainings:write'], ['TN']), 403],
  ])('%s', async (_name, token, status) => {
    const before = await h.settled();
    const r = await h.call('POST', '/trainings', moroccoTraining, { token: await token() });
    expect(r.status).toBe(status);
    expect(r.body.status).toBe(status);
    expect(await h.settled()).toBe(before);
  });
});

describe('the OpenAPI document', () => {
  it('is generated from the declared routes, each with a summary and its schemas', async () => {
    const doc = (await (await fetch(`${h.svc.url}/openapi.json`)).json()) as any;
    const routes = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([m, op]) => ({ route: `${m.toUpperCase()} ${path}`, op })),
    );
    expect(routes.map((r) => r.route).sort()).toEqual([
      'GET /topics',
      'GET /trainings',
      'GET /trainings/attendance/template',
      'GET /trainings/{id}',
      'GET /trainings/{id}/history',
      'POST /topics',
      'POST /trainings',
      'POST /trainings/{id}/assessment',
      'POST /trainings/{id}/attendance',
      'POST /trainings/{id}/attendance/import',
      'POST /trainings/{id}/cancel',
      'POST /trainings/{id}/held',
      'POST /trainings/{id}/reschedule',
    ]);
    for (const { route, op } of routes) {
      expect(op.summary, route).toBeTruthy();
      expect(op.responses['200'] ?? op.responses['201'], route).toHaveProperty('content');
      if (route.startsWith('POST')) expect(op.requestBody, route).toBeDefined();
    }
    const imp = doc.paths['/trainings/{id}/attendance/import'].post;
    expect(Object.keys(imp.requestBody.content)).toEqual([
      'text/csv',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ]);
    expect(doc.paths['/trainings'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['country', 'region', 'topic', 'from', 'to', 'status', 'partnerId', 'page', 'pageSize']),
    );
  });
});
