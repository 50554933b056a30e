import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import {
  connectNats,
  createLogger,
  jetstream,
  jetstreamManager,
  loadProvisionConfig,
  provisionStreams,
  publishEvent,
  type Runtime,
} from '@passerelle/platform';
import { eventually, isolatedEnv, testToken } from '@passerelle/testkit';
import { serviceEvents } from '@passerelle/testkit/history';
import { NATS_PASSWORDS, TOOLS, natsServers, root, startFromConfig } from './nats-servers.js';

// The restore drill, against real servers with the committed nats.conf: load data through the services, back up
// with infra/ops/backup.sh (the nats CLI's stream backup; databases through the driver, mongodump being
// unavailable here), wipe everything, restore with restore.sh, rebuild with rebuild.sh. Reports must be identical,
// and commands must go on from the versions and sequences they had.
const run = promisify(execFile);
type Service = { url: string; rt: Runtime };
const logger = createLogger({ service: 'drill', level: 'silent' });
const current = natsServers().at(-1)!;

describe(`backup, wipe, restore, rebuild on nats-server ${current.version}`, () => {
  const env = isolatedEnv('drill');
  const work = mkdtempSync(join(tmpdir(), 'passerelle-drill-'));
  const backup = join(work, 'backup');
  let server: Awaited<ReturnType<typeof startFromConfig>>;
  const svcEnv = (name: string) =>
    env.env(name, {
      NATS_URL: server.url,
      NATS_USER: name,
      NATS_PASSWORD: NATS_PASSWORDS[`NATS_${name.toUpperCase()}_PASSWORD`]!,
      STREAMS_PROVISION: 'await',
      EVENTS_STREAM: 'EVENTS',
      EVENTS_PREFIX: 'evt',
      DEADLETTER_STREAM: 'DEADLETTER',
    });
  const dbs = () => ['trainings', 'projection'].map((n) => svcEnv(n).MONGO_DB!);
  const opsEnv = () => ({
    ...process.env,
    PATH: `${TOOLS}:${process.env.PATH}`,
    NATS_URL: server.url,
    NATS_USER: 'admin',
    NATS_PASSWORD: NATS_PASSWORDS.NATS_ADMIN_PASSWORD!,
    MONGO_URL: env.infra.mongoUrl,
    MONGO_DATABASES: dbs().join(','),
    MONGO_BACKUP: 'driver',
    ENV_FILE: join(work, '.env'),
    BACKUP_PASSPHRASE: 'drill passphrase',
  });
  const start = async (name: string): Promise<Service> =>
    ((await import(`@passerelle/${name}/main`)) as { start: (e: NodeJS.ProcessEnv) => Promise<Service> }).start(
      svcEnv(name),
    );
  let trainings: Service;
  let projection: Service;

  beforeAll(async () => {
    expect(existsSync(join(TOOLS, 'nats')), 'the nats CLI (bash infra/dev/setup.sh installs natscli v0.5.0)').toBe(
      true,
    );
    server = await startFromConfig(current.bin, join(root, 'infra', 'nats', 'nats.conf'));
    await provisionStreams(
      loadProvisionConfig({
        NATS_URL: server.url,
        NATS_USER: 'admin',
        NATS_PASSWORD: NATS_PASSWORDS.NATS_ADMIN_PASSWORD,
      }),
      logger,
    );
    writeFileSync(join(work, '.env'), 'JWT_SECRET=drill-secret\nNATS_ADMIN_PASSWORD=x\n');
  });
  afterAll(async () => {
    await trainings?.rt.shutdown();
    await projection?.rt.shutdown();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const token = () =>
    testToken(['trainings:read', 'trainings:write', 'reports:read', 'reports:internal', 'projection:admin'], ['*']);
  const call = async (svc: Service, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${svc.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const reports = async () =>
    Promise.all(
      [
        '/reports/trainings-summary?country=MA',
        '/reports/trainings-summary?country=TN&period=2020',
        '/reports/3w?country=MA',
      ].map(async (p) => (await call(projection, 'GET', p)).body),
    );
  const caughtUp = (head: number) =>
    eventually(
      async () => {
        const s = (await call(projection, 'GET', '/projection/status')).body;
        return s.lastApplied === head && s.lag === 0 ? s : undefined;
      },
      30_000,
      `the projection at ${head}`,
    );
  const streamHead = async () => {
    const nc = await connectNats({
      url: server.url,
      name: 'drill-admin',
      user: 'admin',
      password: NATS_PASSWORDS.NATS_ADMIN_PASSWORD,
      logger,
    });
    try {
      return (await (await jetstreamManager(nc)).streams.info('EVENTS')).state.last_seq;
    } finally {
      await nc.close();
    }
  };

  let before: { reports: unknown; head: number; training: { id: string; version: number } };

  it('loads data through the services', async () => {
    trainings = await start('trainings');
    projection = await start('projection');
    const nc = await connectNats({
      url: server.url,
      name: 'loader',
      user: 'trainings',
      password: NATS_PASSWORDS.NATS_TRAININGS_PASSWORD,
      logger,
    });
    for (const event of serviceEvents('trainings', { seed: 23, count: 200 }))
      await publishEvent(jetstream(nc), 'evt', event);
    await nc.close();
    const planned = await call(trainings, 'POST', '/trainings', {
      title: { fr: 'Traite des personnes', en: 'Trafficking in persons' },
      topics: ['trafficking_in_persons'],
      startDate: '2020-03-02',
      endDate: '2020-03-03',
      place: { country: 'MA', region: 'Oriental', city: 'Oujda' },
      modality: 'in_person',
      organiser: 'IOM Morocco',
      partnerIds: [],
      activityLine: '1.1',
      plannedParticipants: 25,
    });
    expect(planned.status).toBe(201);
    const held = await call(trainings, 'POST', `/trainings/${planned.body.id}/held`, { version: planned.body.version });
    expect(held.status).toBe(200);
    const head = await eventually(
      async () => {
        const h = await streamHead();
        return (await call(projection, 'GET', '/projection/status')).body.lastApplied === h && h > 30 ? h : undefined;
      },
      30_000,
      'everything applied',
    );
    await caughtUp(head);
    before = { reports: await reports(), head, training: { id: planned.body.id, version: held.body.version } };
    expect(JSON.stringify(before.reports)).toMatch(/"participants"|"trainings"/);
  }, 90_000);

  it('backs up with the real nats CLI, wipes, restores and rebuilds to identical reports', async () => {
    await trainings.rt.shutdown();
    await projection.rt.shutdown();
    await run('bash', [join(root, 'infra/ops/backup.sh'), backup], { env: opsEnv() });
    const manifest = JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8')) as {
      streams: Record<string, { last_seq: number }>;
    };
    expect(manifest.streams.EVENTS!.last_seq).toBe(before.head);

    // The disaster: streams and databases gone.
    const nc = await connectNats({
      url: server.url,
      name: 'wiper',
      user: 'admin',
      password: NATS_PASSWORDS.NATS_ADMIN_PASSWORD,
      logger,
    });
    const jsm = await jetstreamManager(nc);
    for (const s of ['EVENTS', 'DEADLETTER']) await jsm.streams.delete(s);
    await nc.close();
    const mongo = new MongoClient(env.infra.mongoUrl);
    for (const db of dbs()) await mongo.db(db).dropDatabase();
    await mongo.close();

    const restored = await run('bash', [join(root, 'infra/ops/restore.sh'), backup], { env: opsEnv() });
    expect(restored.stdout).toContain(`stream EVENTS: ${before.head} messages, last sequence ${before.head}`);
    expect(readFileSync(join(backup, 'restored.env'), 'utf8')).toBe(readFileSync(join(work, '.env'), 'utf8'));
    const rebuilt = await run('bash', [join(root, 'infra/ops/rebuild.sh')], {
      env: { ...process.env, ...svcEnv('projection') },
    });
    expect(JSON.parse(rebuilt.stdout.trim().split('\n').at(-1)!)).toMatchObject({});

    projection = await start('projection');
    await caughtUp(before.head);
    expect(await reports()).toEqual(before.reports);
  }, 120_000);

  it('commands go on from the restored versions, and the stream from the restored sequence', async () => {
    trainings = await start('trainings');
    const stale = await call(trainings, 'POST', `/trainings/${before.training.id}/held`, {
      version: before.training.version - 1,
    });
    expect(stale.status).toBe(409);
    const read = await call(trainings, 'GET', `/trainings/${before.training.id}`);
    expect(read.body.version).toBe(before.training.version);
    const cancel = await call(trainings, 'POST', `/trainings`, {
      title: { fr: 'Après', en: 'After' },
      topics: ['border_management'],
      startDate: '2020-05-04',
      endDate: '2020-05-04',
      place: { country: 'MA', region: 'Oriental' },
      modality: 'in_person',
      organiser: 'IOM Morocco',
      partnerIds: [],
      activityLine: '1.1',
      plannedParticipants: 10,
    });
    expect(cancel.status).toBe(201);
    await eventually(
      async () => ((await streamHead()) === before.head + 1 ? true : undefined),
      10_000,
      'one new event after the restored head',
    );
    await caughtUp(before.head + 1);
  }, 90_000);
});
