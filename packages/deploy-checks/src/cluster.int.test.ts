import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectNats,
  createLogger,
  jetstreamManager,
  loadProvisionConfig,
  provisionStreams,
  type Runtime,
} from '@passerelle/platform';
import { eventually, isolatedEnv, testToken } from '@passerelle/testkit';
import { startCluster } from './nats-cluster.js';
import { NATS_PASSWORDS, natsServers } from './nats-servers.js';

// The committed cluster configuration on three real nodes, R3 streams: commands and the projection run against it
// while the stream's leader is killed in the middle of a burst. No event may be lost or doubled in effect, and the
// reports must equal a rebuild's.
const logger = createLogger({ service: 'cluster', level: 'silent' });
type Service = { url: string; rt: Runtime };
const TRAININGS = 16;

describe.each(natsServers())('a 3-node cluster of nats-server $version', ({ bin }) => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let trainings: Service;
  let projection: Service;
  const env = isolatedEnv('cluster');
  const svcEnv = (name: string) =>
    env.env(name, {
      NATS_URL: cluster.urls,
      NATS_USER: name,
      NATS_PASSWORD: NATS_PASSWORDS[`NATS_${name.toUpperCase()}_PASSWORD`]!,
      STREAMS_PROVISION: 'await',
      EVENTS_STREAM: 'EVENTS',
      EVENTS_PREFIX: 'evt',
      DEADLETTER_STREAM: 'DEADLETTER',
      PROJECTION_ACK_WAIT_MS: '5000',
    });
  const admin = async <T>(f: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>) => {
    const nc = await connectNats({
      url: cluster.urls,
      name: 'admin',
      user: 'admin',
      password: NATS_PASSWORDS.NATS_ADMIN_PASSWORD,
      logger,
      attempts: 3,
    });
    try {
      return await f(await jetstreamManager(nc));
    } finally {
      await nc.close();
    }
  };

  beforeAll(async () => {
    cluster = await startCluster(bin);
    // The meta leader is elected a moment after the nodes listen: provisioning retries until it can.
    await eventually(
      async () => {
        await provisionStreams(
          loadProvisionConfig({
            NATS_URL: cluster.urls,
            NATS_USER: 'admin',
            NATS_PASSWORD: NATS_PASSWORDS.NATS_ADMIN_PASSWORD,
            STREAM_REPLICAS: '3',
            EVENTS_MAX_BYTES: '256MB',
            DEADLETTER_MAX_BYTES: '64MB',
          }),
          logger,
        );
        return true;
      },
      30_000,
      'provisioning on the cluster',
    );
    const start = async (name: string) =>
      ((await import(`@passerelle/${name}/main`)) as { start: (e: NodeJS.ProcessEnv) => Promise<Service> }).start(
        svcEnv(name),
      );
    trainings = await start('trainings');
    projection = await start('projection');
  }, 90_000);
  afterAll(async () => {
    await trainings?.rt.shutdown();
    await projection?.rt.shutdown();
    await cluster?.stop();
  });

  it('streams are replicated on three nodes', async () => {
    const info = await admin((jsm) => jsm.streams.info('EVENTS'));
    expect(info.config.num_replicas).toBe(3);
    expect([info.cluster!.leader, ...(info.cluster!.replicas ?? []).map((r) => r.name)].sort()).toEqual([
      'nats-1',
      'nats-2',
      'nats-3',
    ]);
  });

  it('loses and doubles nothing when the stream leader dies mid-burst, and the reports equal a rebuild', async () => {
    const token = await testToken(['trainings:write', 'reports:read', 'reports:internal', 'projection:admin'], ['*']);
    const call = async (svc: Service, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${svc.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const leader = (await admin((jsm) => jsm.streams.info('EVENTS'))).cluster!.leader!;
    for (let i = 0; i < TRAININGS; i++) {
      if (i === TRAININGS / 2) cluster.nodes.find((n) => n.name === leader)!.kill();
      const planned = await call(trainings, 'POST', '/trainings', {
        title: { fr: `Formation ${i}`, en: `Training ${i}` },
        topics: ['trafficking_in_persons'],
        startDate: '2020-03-02',
        endDate: '2020-03-03',
        place: { country: i % 2 ? 'MA' : 'TN', region: 'Oriental' },
        modality: 'in_person',
        organiser: 'IOM',
        partnerIds: [],
        activityLine: '1.1',
        plannedParticipants: 20,
      });
      expect(planned.status).toBe(201);
      expect(
        (await call(trainings, 'POST', `/trainings/${planned.body.id}/held`, { version: planned.body.version })).status,
      ).toBe(200);
    }
    // Every command's event is in the stream exactly once (the relay retries through the failover; Nats-Msg-Id dedupes).
    await eventually(
      async () =>
        (await admin((jsm) => jsm.streams.info('EVENTS'))).state.messages === TRAININGS * 2 ? true : undefined,
      60_000,
      'every event in the stream',
    );
    const status = await eventually(
      async () => {
        const s = (await call(projection, 'GET', '/projection/status')).body;
        return s.lastApplied === TRAININGS * 2 && s.lag === 0 ? s : undefined;
      },
      60_000,
      'the projection to catch up',
    );
    expect(status.deadLetters).toBe(0);
    const reports = async () =>
      Promise.all(
        ['MA', 'TN'].map(async (c) => (await call(projection, 'GET', `/reports/trainings-summary?country=${c}`)).body),
      );
    const live = await reports();
    expect(live.map((r) => r.totals.trainings.value)).toEqual([TRAININGS / 2, TRAININGS / 2]);
    expect((await call(projection, 'POST', '/admin/rebuild')).status).toBe(202);
    await eventually(
      async () =>
        (await call(projection, 'GET', '/projection/status')).body.rebuild?.state === 'done' ? true : undefined,
      60_000,
      'the rebuild',
    );
    expect(await reports()).toEqual(live);

    // A reporting replica (PROJECTION_ROLE=api) serves the same reports and consumes nothing.
    const { start } = (await import('@passerelle/projection/main')) as {
      start: (e: NodeJS.ProcessEnv) => Promise<Service>;
    };
    const consumers = () =>
      admin(async (jsm) => {
        const names: string[] = [];
        for await (const c of jsm.consumers.list('EVENTS')) names.push(c.name);
        return names.filter((n) => !/_r\d$/.test(n));
      });
    const replica = await start({ ...svcEnv('projection'), PROJECTION_ROLE: 'api' });
    try {
      const fromReplica = await Promise.all(
        ['MA', 'TN'].map(async (c) => (await call(replica, 'GET', `/reports/trainings-summary?country=${c}`)).body),
      );
      expect(fromReplica).toEqual(live);
      // The reporting replica created no consumer: only the worker's durable (and the trainings service's copy of the
      // partners; a rebuild's replay slot may linger until its inactivity threshold).
      expect(await consumers()).toEqual(['projection', 'trainings_partners']);
    } finally {
      await replica.rt.shutdown();
    }
  }, 180_000);
});
