import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { isolatedEnv, testToken, eventually } from '@passerelle/testkit';
import { start } from './main.js';

const env = isolatedEnv('trainings_app');
let svc: Awaited<ReturnType<typeof start>>;
let writer: string;
let reader: string;

const moroccoTraining = {
  title: { fr: 'Exploitation et abus sexuels', en: 'Sexual exploitation and abuse' },
  topics: ['sexual_exploitation_abuse'],
  startDate: '2020-02-10', endDate: '2020-02-11',
  place: { country: 'MA', region: 'Rabat-Salé-Kénitra', city: 'Rabat' },
  modality: 'in_person', organiser: 'IOM Morocco', partnerIds: [], activityLine: '1.1', plannedParticipants: 20,
};

async function call(method: string, path: string, body?: unknown, token = writer, headers: Record<string, string> = {}) {
  const res = await fetch(`${svc.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.json().catch(() => undefined) as any };
}

async function streamCount() {
  const nc = await connect({ servers: env.infra.natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    return (await jsm.streams.info(env.stream)).state.messages;
  } finally {
    await nc.close();
  }
}

beforeAll(async () => {
  svc = await start(env.env('trainings'));
  writer = await testToken(['trainings:write', 'trainings:read']);
  reader = await testToken(['trainings:read']);
});
afterAll(() => svc?.rt.shutdown());

describe('trainings: plan, hold, record attendance', () => {
  it('publishes planned, held and attendance events through the outbox', async () => {
    const planned = await call('POST', '/trainings', moroccoTraining);
    expect(planned.status).toBe(201);
    expect(planned.body).toMatchObject({ status: 'planned', durationDays: 2, version: 1 });
    const held = await call('POST', `/trainings/${planned.body.id}/held`, { version: 1 });
    expect(held.status).toBe(200);
    const att = await call('POST', `/trainings/${planned.body.id}/attendance`, {
      version: 2, rows: [{ sex: 'female', category: 'cso_staff', count: 13 }, { sex: 'male', category: 'cso_staff', count: 9 }],
    });
    expect(att.status).toBe(200);
    expect(att.body.attendance.total).toBe(22);
    await eventually(async () => ((await streamCount()) === 3 ? true : undefined), 10_000, '3 events in the stream');
  });
});

describe('trainings: bad input is a clear problem, and nothing is written', () => {
  it.each([
    ['malformed JSON', '{"title": ', 400, 'MALFORMED_JSON'],
    ['wrong types', { ...moroccoTraining, plannedParticipants: 'twenty' }, 400, 'VALIDATION_FAILED'],
    ['unknown fields', { ...moroccoTraining, beneficiaryName: 'x' }, 400, 'VALIDATION_FAILED'],
    ['end before start', { ...moroccoTraining, endDate: '2020-02-01' }, 422, 'END_BEFORE_START'],
    ['unknown topic', { ...moroccoTraining, topics: ['knitting'] }, 422, 'UNKNOWN_TOPIC'],
  ])('%s', async (_name, body, status, code) => {
    const before = await streamCount();
    const r = await call('POST', '/trainings', body);
    expect(r.status).toBe(status);
    expect(r.type).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status, code });
    expect(await streamCount()).toBe(before);
  });

  it('oversized body is a 413', async () => {
    const r = await call('POST', '/trainings', { ...moroccoTraining, audience: 'x'.repeat(2_000_000) });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a non-JSON body is a 415', async () => {
    const r = await call('POST', '/trainings', 'title=x', writer, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(415);
  });

  it.each([
    ['missing token', async () => '', 401],
    ['expired token', async () => testToken(['trainings:write'], ['MA'], { ttl: '-1m' }), 401],
    ['token signed with another secret', async () => testToken(['trainings:write'], ['MA'], { secret: 'another-secret-another-secret-another!' }), 401],
    ['token without the write scope', async () => testToken(['trainings:read']), 403],
    ['token for another country', async () => testToken(['trainings:write'], ['TN']), 403],
  ])('%s', async (_name, token, status) => {
    const before = await streamCount();
    const r = await call('POST', '/trainings', moroccoTraining, await token());
    expect(r.status).toBe(status);
    expect(r.body.status).toBe(status);
    expect(await streamCount()).toBe(before);
  });

  it('two editors with the same version: the second gets a 409', async () => {
    const planned = await call('POST', '/trainings', moroccoTraining);
    const first = await call('POST', `/trainings/${planned.body.id}/held`, { version: 1 });
    const second = await call('POST', `/trainings/${planned.body.id}/held`, { version: 1 });
    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('VERSION_CONFLICT');
  });

  it('reading needs only the read scope; health needs no token', async () => {
    const planned = await call('POST', '/trainings', moroccoTraining);
    expect((await call('GET', `/trainings/${planned.body.id}`, undefined, reader)).status).toBe(200);
    expect((await call('GET', '/trainings/not-a-uuid', undefined, reader)).status).toBe(400);
    const ready = await fetch(`${svc.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { nats: 'ok', mongodb: 'ok' } });
  });
});
