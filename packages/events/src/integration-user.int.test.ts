import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { eventually, findBinary, freePort } from '@passerelle/testkit';
import { createEnvelope, eventSubject, subscribe, trainingHeld } from './index.js';

// The committed infra/nats/nats.conf (with infra/nats/integration.conf), run by a real nats-server with the passwords
// of .env.example: what the `integration` user may and may not do, and the README's quickstart as that user.
const root = join(import.meta.dirname, '..', '..', '..');
const passwords = Object.fromEntries(
  readFileSync(join(root, '.env.example'), 'utf8')
    .split('\n')
    .filter((l) => /^NATS_\w+_PASSWORD=/.test(l))
    .map((l) => l.split('=') as [string, string]),
);
let server: ChildProcess;
let dir: string;
let url: string;
const open: NatsConnection[] = [];
const as = async (user: string) => {
  // Service users get their replies on their own inbox prefix only (nats.conf); internal apps and admin on _INBOX.
  const inbox = user === 'integration' || user === 'admin' ? {} : { inboxPrefix: `_INBOX_${user}` };
  const nc = await connect({ servers: url, user, pass: passwords[`NATS_${user.toUpperCase()}_PASSWORD`]!, ...inbox });
  open.push(nc);
  return nc;
};
let admin: JetStreamManager;

beforeAll(async () => {
  const port = await freePort();
  dir = mkdtempSync(join(tmpdir(), 'passerelle-nats-integration-'));
  // NATS_SERVER_BIN runs it on another nats-server build (e.g. 2.10 from the Go module proxy).
  const bin = process.env.NATS_SERVER_BIN ?? findBinary('nats-server', ['/usr/sbin', '/usr/local/bin']);
  if (!bin) throw new Error('nats-server is needed for this test (apt-get install nats-server)');
  // The committed files, with only the JetStream folder moved (nats-server refuses -sd beside a store_dir).
  const conf = readFileSync(join(root, 'infra', 'nats', 'nats.conf'), 'utf8').replace(
    /store_dir: .*/,
    `store_dir: ${JSON.stringify(join(dir, 'js'))}`,
  );
  writeFileSync(join(dir, 'nats.conf'), conf);
  copyFileSync(join(root, 'infra', 'nats', 'integration.conf'), join(dir, 'integration.conf'));
  server = spawn(
    bin,
    ['-c', join(dir, 'nats.conf'), '-a', '127.0.0.1', '-p', String(port), '-m', String(await freePort())],
    { env: { ...process.env, ...passwords }, stdio: 'ignore' },
  );
  url = `nats://127.0.0.1:${port}`;
  // Streams are provisioned by the admin user, the only one that may (the provisioning job of compose).
  admin = await eventually(
    async () => jetstreamManager(await as('admin')),
    10_000,
    'nats-server with the committed config',
  );
  await admin.streams.add({ name: 'EVENTS', subjects: ['evt.>'] });
  await admin.streams.add({ name: 'DEADLETTER', subjects: ['evt_dlq.>'] });
  await admin.consumers.add('EVENTS', { durable_name: 'projection', ack_policy: 'explicit' as never });
  const trainings = jetstream(await as('trainings'));
  for (const country of ['MA', 'TN'] as const) {
    const trainingId =
      country === 'MA' ? '0e0b8a5e-31a5-4c53-9d62-5b0c0a4d2b11' : '0e0b8a5e-31a5-4c53-9d62-5b0c0a4d2b12';
    const e = createEnvelope(
      trainingHeld.build({
        subject: trainingId,
        country,
        data: {
          trainingId,
          businessDate: '2020-02-10',
          startDate: '2020-02-10',
          endDate: '2020-02-11',
          durationDays: 2,
          topics: ['border_management'],
          activityLine: '1.1',
          partnerIds: [],
        },
      }),
      { actor: 'a', correlationid: 'c' },
    );
    await trainings.publish(eventSubject('evt', e), JSON.stringify(e), { msgID: e.id });
  }
});
afterAll(async () => {
  for (const nc of open) await nc.close().catch(() => undefined);
  server?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the integration NATS user', () => {
  it('runs the README quickstart: its own durable consumer, typed events of Morocco only', async () => {
    Object.assign(process.env, {
      NATS_URL: url,
      NATS_USER: 'integration',
      NATS_PASSWORD: passwords.NATS_INTEGRATION_PASSWORD,
    });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { sub } = await import('./examples/quickstart.js');
    await eventually(async () => (log.mock.calls.length ? true : undefined));
    expect(log.mock.calls).toEqual([
      ['held', '0e0b8a5e-31a5-4c53-9d62-5b0c0a4d2b11', '2020-02-10', ['border_management']],
    ]);
    await eventually(async () => ((await sub.lag()).pending === 0 ? true : undefined));
    await sub.stop();
    log.mockRestore();
  });

  it('may replay (delete and create again) its own consumer', async () => {
    const nc = await as('integration');
    const seen: string[] = [];
    const sub = await subscribe({
      connection: nc,
      consumer: 'integration_hello',
      filter: { country: 'MA' },
      replay: true,
      onEvent: (e) => {
        seen.push(e.country);
      },
    });
    await eventually(async () => (seen.length ? true : undefined));
    await sub.stop();
    expect(seen).toEqual(['MA']);
  });

  it('may do nothing else: no publishing, no stream edits or purges, no other consumer', async () => {
    const nc = await as('integration');
    const js = jetstream(nc, { timeout: 1000 });
    const refused = async (what: string, p: Promise<unknown>) =>
      expect(
        p.then(
          () => `${what} was allowed`,
          () => 'refused',
        ),
      ).resolves.toBe('refused');
    await refused('publish an event', js.publish('evt.MA.trainings.training.held', '{}'));
    const req = (subject: string, body: unknown = {}) => nc.request(subject, JSON.stringify(body), { timeout: 1000 });
    await refused('purge', req('$JS.API.STREAM.PURGE.EVENTS'));
    await refused(
      'edit the stream',
      req('$JS.API.STREAM.UPDATE.EVENTS', { name: 'EVENTS', subjects: ['evt.>', 'x.>'] }),
    );
    await refused('delete the stream', req('$JS.API.STREAM.DELETE.EVENTS'));
    await refused('read a message by sequence', req('$JS.API.STREAM.MSG.GET.EVENTS', { seq: 1 }));
    await refused(
      'create a consumer of another name',
      req('$JS.API.CONSUMER.CREATE.EVENTS.someone_else', {
        stream_name: 'EVENTS',
        config: { durable_name: 'someone_else', ack_policy: 'explicit' },
      }),
    );
    await refused(
      'pull from the projection consumer',
      req('$JS.API.CONSUMER.MSG.NEXT.EVENTS.projection', { batch: 1 }),
    );
    await refused('delete the projection consumer', req('$JS.API.CONSUMER.DELETE.EVENTS.projection'));
    await refused(
      'look at the dead letters of others',
      req('$JS.API.CONSUMER.CREATE.EVENTS.integration_hello', {
        stream_name: 'DEADLETTER',
        config: { durable_name: 'integration_hello', ack_policy: 'explicit' },
      }).then((m) => {
        if (m.json<{ error?: unknown }>().error) throw new Error('refused');
      }),
    );
    expect((await admin.consumers.info('EVENTS', 'projection')).name).toBe('projection');
    expect((await admin.streams.info('EVENTS')).config.subjects).toEqual(['evt.>']);
  });
});
