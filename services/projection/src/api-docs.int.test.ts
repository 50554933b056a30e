import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { createEnvelope, registry } from '@passerelle/contracts';
import { publishEvent } from '@passerelle/platform';
import { answerProblems, eventually, isolatedEnv, testToken, undocumentedOperations } from '@passerelle/testkit';
import { start } from './main.js';

// The OpenAPI document documents every route, and real answers are what the routes declare: a report that adds,
// drops or renames a field fails here instead of leaving the documentation wrong. The read model is fed the events
// captured from the services' own tests (packages/contracts/schemas/examples), tied to one framework and period.
const env = isolatedEnv('projection_docs');
const EXAMPLES = join(
  dirname(createRequire(import.meta.url).resolve('@passerelle/contracts/schemas/asyncapi.json')),
  'examples',
);
const FW = 'DOCS-MA';
let projection: Awaited<ReturnType<typeof start>>;
let nc: NatsConnection;
let internal: string;
let external: string;
let admin: string;

type Data = Record<string, unknown>;
const example = (type: string) =>
  JSON.parse(readFileSync(join(EXAMPLES, `${type}.json`), 'utf8')) as { subject: string; data: Data };
const from = (type: string, subject: string, data: (d: Data) => Data) =>
  createEnvelope(
    { type, subject, country: 'MA', data: data(example(type).data) },
    { actor: 'staff-1', correlationid: 'docs' },
  );
const ofFramework = (d: Data) => ({ ...d, frameworkId: FW });
const TRAINING = '0b0c0d0e-0000-4000-8000-000000000001';
const DELIVERY = '0b0c0d0e-0000-4000-8000-000000000002';
const events = () => [
  from('indicators.framework.published', FW, (d) => ({ ...ofFramework(d), programme: 'DOCS', frameworkVersion: 1 })),
  from('indicators.indicator.defined', FW, (d) => ({ ...ofFramework(d), code: 'P' })),
  from('indicators.baseline.set', FW, (d) => ({ ...ofFramework(d), indicatorCode: 'P' })),
  from('indicators.target.set', FW, (d) => ({
    ...ofFramework(d),
    indicatorCode: 'P',
    period: 'PY1',
    periodStart: '2019-10-01',
    periodEnd: '2020-09-30',
    businessDate: '2019-10-01',
  })),
  from('partners.partner.registered', example('partners.partner.registered').subject, (d) => d),
  from('trainings.training.held', TRAINING, (d) => ({
    ...d,
    trainingId: TRAINING,
    partnerIds: [example('partners.partner.registered').subject],
  })),
  from('trainings.training.attendance_recorded', TRAINING, (d) => ({ ...d, trainingId: TRAINING })),
  from('assistance.delivery.recorded', DELIVERY, (d) => ({ ...d, deliveryId: DELIVERY, activityLine: '1.3' })),
];

beforeAll(async () => {
  projection = await start(env.env('projection'));
  nc = await connect({ servers: env.infra.natsUrl });
  internal = await testToken(['reports:read', 'reports:internal'], ['MA']);
  external = await testToken(['reports:read'], ['MA']);
  admin = await testToken(['reports:read', 'projection:admin'], ['MA']);
  const js = jetstream(nc);
  for (const e of events()) {
    registry.parse(JSON.stringify(e));
    await publishEvent(js, env.prefix, e);
  }
  // An event that fails validation: dead-lettered at once, so the admin list has an item to check.
  await js.publish(`${env.prefix}.MA.trainings.training.held`, JSON.stringify({ type: 'trainings.training.held' }));
  await eventually(
    async () => ((await get('/projection/status', admin)).body.lag === 0 ? true : undefined),
    20_000,
    'the projection',
  );
  await eventually(
    async () => ((await get('/admin/dead-letters', admin)).body.total === 1 ? true : undefined),
    20_000,
    'the dead letter',
  );
});
afterAll(async () => {
  await projection?.rt.shutdown();
  await nc?.close();
});

async function get(path: string, token: string, method = 'GET') {
  const res = await fetch(`${projection.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { [k: string]: any } };
}
const check = async (route: string, path: string, token = external, method = 'GET') => {
  const r = await get(path, token, method);
  expect(answerProblems('projection', route, r)).toEqual([]);
  return r.body;
};

describe('the reporting API documentation', () => {
  it('gives every operation a success response with a schema and examples, and its errors', async () => {
    const doc = (await (await fetch(`${projection.url}/openapi.json`)).json()) as Parameters<
      typeof undocumentedOperations
    >[0];
    expect(undocumentedOperations(doc)).toEqual([]);
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(17);
  });

  it('declares what the figure, reference and admin routes really answer', async () => {
    const participants = await check('GET /reports/participants', '/reports/participants?by=sex&country=MA');
    expect(participants.rows.length).toBeGreaterThan(0);
    await check(
      'GET /reports/figures',
      '/reports/figures?source=assistance_beneficiaries&measure=unique&by=vulnerability',
    );
    await check('GET /reports/figures', '/reports/figures?source=training_attendance&by=sex', internal);
    await check('GET /reports/explain', '/reports/explain?source=training_attendance', internal);
    await check(
      'GET /reports/diff',
      `/reports/diff?source=training_attendance&by=sex&from=2000-01-01T00:00:00Z&to=${new Date().toISOString()}`,
    );
    await check('GET /reports/partners', '/reports/partners?country=MA');
    await check('GET /projection/status', '/projection/status');
    expect((await check('GET /admin/dead-letters', '/admin/dead-letters', admin)).items[0].reason).toBeTruthy();
    await check('POST /admin/rebuild', '/admin/rebuild', admin, 'POST');
  });

  it('declares what the reports really answer as JSON', async () => {
    const progress = await check('GET /reports/indicators', `/reports/indicators?framework=${FW}&period=PY1`);
    expect(progress.indicators[0].actual).not.toBeNull();
    for (const path of ['trainings-summary', 'assistance-summary', '3w'])
      await check(`GET /reports/${path}`, `/reports/${path}?framework=${FW}&period=PY1`);
    await check('GET /reports/3w', `/reports/3w?framework=${FW}&period=PY1&granularity=month`, internal);
    const results = await check('GET /reports/results', `/reports/results?framework=${FW}&period=PY1`);
    expect(results.lines.some((l: { trainings: unknown[] }) => l.trainings.length > 0)).toBe(true);
    expect(results.lines.some((l: { deliveries: unknown[] }) => l.deliveries.length > 0)).toBe(true);
    await check('GET /reports/contributions', `/reports/contributions?framework=${FW}&period=PY1`);
    for (const lang of ['fr', 'en'])
      await check('GET /reports/factsheet', `/reports/factsheet?framework=${FW}&period=PY1&lang=${lang}`);
  });

  it('documents the 404 of the reports that name a framework without a published version, as they answer it', async () => {
    const doc = (await (await fetch(`${projection.url}/openapi.json`)).json()) as {
      paths: Record<string, { get: { responses: Record<string, unknown> } }>;
    };
    for (const path of [
      'results',
      'contributions',
      'trainings-summary',
      'assistance-summary',
      '3w',
      'factsheet',
      'iati',
    ]) {
      expect(doc.paths[`/reports/${path}`]!.get.responses, path).toHaveProperty('404');
      expect((await get(`/reports/${path}?framework=NONE-MA&period=PY1`, external)).status, path).toBe(404);
    }
  });
});
