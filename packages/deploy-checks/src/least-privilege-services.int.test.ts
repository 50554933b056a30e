import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  METRICS,
  connectNats,
  createLogger,
  jetstream,
  loadProvisionConfig,
  provisionStreams,
  publishEvent,
  type Runtime,
} from '@passerelle/platform';
import { eventually, isolatedEnv, testToken } from '@passerelle/testkit';
import { serviceEvents } from '@passerelle/testkit/history';
import { NATS_PASSWORDS, natsServers, root, startFromConfig } from './nats-servers.js';

// The services themselves, with the users of the committed nats.conf and streams an admin provisioned: the
// projection consumes, dead-letters and rebuilds (replay slots) without any right beyond its own.
const { start } = (await import('@passerelle/projection/main')) as {
  start: (env: NodeJS.ProcessEnv) => Promise<{ url: string; rt: Runtime }>;
};
const logger = createLogger({ service: 'least-privilege', level: 'silent' });

describe.each(natsServers())('services under least privilege on nats-server $version', ({ bin }) => {
  let server: Awaited<ReturnType<typeof startFromConfig>>;
  let projection: Awaited<ReturnType<typeof start>>;
  const env = isolatedEnv('lp');
  const events = serviceEvents('trainings', { seed: 17, count: 100 });

  beforeAll(async () => {
    server = await startFromConfig(bin, join(root, 'infra', 'nats', 'nats.conf'));
    await provisionStreams(
      loadProvisionConfig({
        NATS_URL: server.url,
        NATS_USER: 'admin',
        NATS_PASSWORD: NATS_PASSWORDS.NATS_ADMIN_PASSWORD,
      }),
      logger,
    );
    const nc = await connectNats({
      url: server.url,
      name: 'trainings',
      user: 'trainings',
      password: NATS_PASSWORDS.NATS_TRAININGS_PASSWORD,
      logger,
    });
    for (const e of events) await publishEvent(jetstream(nc), 'evt', e);
    // A poison event (valid subject, invalid body) must reach the dead-letter stream through the projection's own subject.
    await jetstream(nc).publish(`evt.MA.trainings.training.held`, '{"not":"an event"}');
    await nc.close();
    projection = await start(
      env.env('projection', {
        NATS_URL: server.url,
        NATS_USER: 'projection',
        NATS_PASSWORD: NATS_PASSWORDS.NATS_PROJECTION_PASSWORD!,
        STREAMS_PROVISION: 'await',
        EVENTS_STREAM: 'EVENTS',
        EVENTS_PREFIX: 'evt',
        DEADLETTER_STREAM: 'DEADLETTER',
        PROJECTION_MAX_DELIVER: '2',
      }),
    );
  });
  afterAll(async () => {
    await projection?.rt.shutdown();
    await server?.stop();
  });

  it('applies every event, dead-letters the poison one, and rebuilds through a replay slot', async () => {
    const token = await testToken(['reports:read', 'projection:admin'], ['*']);
    const get = async (path: string) =>
      (await fetch(`${projection.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<
        Record<string, any>
      >;
    const head = events.length + 1;
    await eventually(
      async () => {
        const s = await get('/projection/status');
        return s.lastApplied === events.length && s.deadLetters === 1 ? s : undefined;
      },
      20_000,
      'the projection to catch up',
    );
    const accepted = await fetch(`${projection.url}/admin/rebuild`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(accepted.status).toBe(202);
    const done = await eventually(
      async () => {
        const s = await get('/projection/status');
        return s.rebuild?.state !== 'running' ? s : undefined;
      },
      20_000,
      'the rebuild',
    );
    expect(done.rebuild).toMatchObject({ state: 'done' });
    expect(done.streamHead).toBe(head);
  });

  it("exposes the projection's lag, checkpoint, consumer and dead letters at /metrics", async () => {
    const text = await (await fetch(`${projection.url}/metrics`)).text();
    const value = (name: string) => Number(/ (\S+)$/.exec(text.split('\n').find((l) => l.startsWith(name))!)![1]);
    expect(value(METRICS.projectionLag)).toBe(0);
    expect(value(METRICS.projectionCheckpoint)).toBe(events.length);
    expect(value(METRICS.consumerPending)).toBe(0);
    expect(value(METRICS.deadLetters)).toBe(1);
  });
});
