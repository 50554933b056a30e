import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckPolicy, DeliverPolicy, RetentionPolicy } from '@nats-io/jetstream';
import {
  connectNats,
  createLogger,
  deadLetter,
  jetstream,
  jetstreamManager,
  awaitEventStreams,
  publishEvent,
  provisionStreams,
  loadProvisionConfig,
  type NatsConnection,
} from '@passerelle/platform';
import { NATS_PASSWORDS, natsServers, root, startFromConfig } from './nats-servers.js';

// The committed infra/nats/nats.conf, on a real nats-server of each version we run: what each user may do, and
// what it is refused. "Refused" means the server said "Permissions Violation", not that something merely failed.
const logger = createLogger({ service: 'nats-permissions', level: 'silent' });
/** Services that keep their own copy of the partners (packages/platform/src/partners.ts). */
const FEEDS_PARTNERS: string[] = ['trainings', 'assistance'];
const streams = { stream: 'EVENTS', prefix: 'evt', deadLetter: 'DEADLETTER' };
const event = (service: string, country = 'MA') => ({
  id: `0190${Math.random().toString(16).slice(2, 10)}-0000-7000-8000-000000000000`,
  source: service,
  type: `${service}.training.held`,
  specversion: '1.0' as const,
  time: new Date().toISOString(),
  subject: 'agg-1',
  datacontenttype: 'application/json' as const,
  data: {},
  country,
  actor: 'u',
  dataversion: '1',
});

async function refused(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err, 'the operation should have been refused').toBeInstanceOf(Error);
  const text = `${err!.message} ${String((err as { cause?: Error }).cause?.message ?? '')}`;
  expect(text).toMatch(/permissions? violation/i);
  return text;
}

/** Messages a user's subscription receives while admin publishes one to the subject. */
async function overhears(nc: NatsConnection, admin: NatsConnection, subject: string): Promise<number> {
  let got = 0;
  const sub = nc.subscribe(subject, {
    callback: (err) => {
      if (!err) got++;
    },
  });
  await nc.flush().catch(() => undefined);
  admin.publish(subject.replace('>', 'x').replace('*', 'x'), 'secret');
  await admin.flush();
  await new Promise((r) => setTimeout(r, 300));
  sub.unsubscribe();
  return got;
}

describe.each(natsServers())('infra/nats/nats.conf on nats-server $version', ({ bin, version }) => {
  let server: Awaited<ReturnType<typeof startFromConfig>>;
  const conns: NatsConnection[] = [];
  const as = async (user: string) => {
    const nc = await connectNats({
      url: server.url,
      name: `t-${user}`,
      user,
      password: NATS_PASSWORDS[`NATS_${user.toUpperCase()}_PASSWORD`],
      logger,
      attempts: 1,
    });
    conns.push(nc);
    return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
  };

  beforeAll(async () => {
    server = await startFromConfig(bin, join(root, 'infra', 'nats', 'nats.conf'));
    await provisionStreams(
      loadProvisionConfig({
        NATS_URL: server.url,
        NATS_USER: 'admin',
        NATS_PASSWORD: NATS_PASSWORDS.NATS_ADMIN_PASSWORD,
        EVENTS_MAX_BYTES: '64MB',
      }),
      logger,
    );
  });
  afterAll(async () => {
    await Promise.all(conns.map((c) => c.close().catch(() => undefined)));
    await server.stop();
  });

  it('a wrong password is refused', async () => {
    await expect(
      connectNats({ url: server.url, name: 'x', user: 'trainings', password: 'wrong', logger, attempts: 1 }),
    ).rejects.toThrow(/authorization/i);
  });

  it('admin provisioned both streams with limits: the event stream refuses rather than forgets', async () => {
    const { jsm } = await as('admin');
    const info = await jsm.streams.info('EVENTS');
    expect(info.config).toMatchObject({ retention: RetentionPolicy.Limits, max_bytes: 64 * 1024 ** 2, discard: 'new' });
    expect((await jsm.streams.info('DEADLETTER')).config.max_age).toBeGreaterThan(0);
  });

  it('a command service publishes its own subjects in every country, and nothing else', async () => {
    const { nc, js, jsm } = await as('trainings');
    const admin = (await as('admin')).nc;
    await awaitEventStreams(jsm, streams, { attempts: 1 });
    expect((await publishEvent(js, 'evt', { ...event('trainings', 'TN') } as never)).stream).toBe('EVENTS');
    // Its subjects are evt.<country>.trainings.…: another service's subject is refused.
    await refused(js.publish('evt.MA.assistance.delivery.recorded', '{}', { timeout: 2000 }));
    await refused(js.publish('evt_dlq.projection', '{}', { timeout: 2000 }));
    expect(await overhears(nc, admin, 'evt.>')).toBe(0);
    expect(await overhears(nc, admin, '_INBOX_projection.>')).toBe(0);
  });

  it.each(['trainings', 'assistance', 'partners', 'indicators'])(
    '%s cannot purge, delete or reconfigure the streams, nor touch consumers not its own',
    async (user) => {
      const { jsm } = await as(user);
      // trainings and assistance read a message by sequence to dead-letter a partner event they cannot apply.
      if (!FEEDS_PARTNERS.includes(user)) await refused(jsm.streams.getMessage('EVENTS', { seq: 1 }));
      await refused(jsm.streams.purge('EVENTS'));
      await refused(jsm.streams.delete('DEADLETTER'));
      await refused(jsm.streams.update('EVENTS', { max_age: 60e9 }));
      await refused(jsm.streams.add({ name: 'MINE', subjects: ['mine.>'] }));
      await refused(jsm.consumers.add('EVENTS', { durable_name: user, ack_policy: AckPolicy.Explicit }));
      await refused(jsm.consumers.delete('EVENTS', 'projection'));
    },
  );

  it.each(FEEDS_PARTNERS)(
    '%s keeps its copy of the partners through one consumer of its own, which it cannot delete',
    async (user) => {
      const { js, jsm } = await as(user);
      await jsm.consumers.add('EVENTS', {
        durable_name: `${user}_partners`,
        ack_policy: AckPolicy.Explicit,
        filter_subject: 'evt.*.partners.>',
      });
      const consumer = await js.consumers.get('EVENTS', `${user}_partners`);
      expect(await consumer.next({ expires: 1000 })).toBeNull();
      await refused(jsm.consumers.delete('EVENTS', `${user}_partners`));
      await refused(jsm.consumers.add('EVENTS', { durable_name: 'projection_r0', ack_policy: AckPolicy.Explicit }));
    },
  );

  it('the projection creates, pulls and acks its own consumer, and dead-letters under its own name', async () => {
    const { js, jsm } = await as('projection');
    await jsm.consumers.add('EVENTS', {
      durable_name: 'projection',
      ack_policy: AckPolicy.Explicit,
      filter_subject: 'evt.>',
      max_ack_pending: 10,
    });
    await jsm.consumers.update('EVENTS', 'projection', { max_ack_pending: 20 });
    const consumer = await js.consumers.get('EVENTS', 'projection');
    const m = await consumer.next({ expires: 2000 });
    expect(m?.subject).toMatch(/^evt\.TN\.trainings\./);
    await m!.ackAck();
    expect((await jsm.streams.getMessage('EVENTS', { seq: 1 }))?.subject).toBe(m!.subject);
    await deadLetter(js, streams, 'projection', { subject: m!.subject, seq: 1, data: m!.data, deliveries: 1 }, 'test');
    expect((await jsm.streams.info('DEADLETTER')).state.messages).toBe(1);
  });

  it('a partition worker creates and pulls its own slot, filtered to its countries, and no slot beyond those granted', async () => {
    const { js, jsm } = await as('projection');
    await jsm.consumers.add('EVENTS', {
      durable_name: 'projection_p1',
      ack_policy: AckPolicy.Explicit,
      filter_subject: 'evt.TN.>',
      max_ack_pending: 10,
    });
    const m = await (await js.consumers.get('EVENTS', 'projection_p1')).next({ expires: 2000 });
    expect(m?.subject).toMatch(/^evt\.TN\./);
    await m!.ackAck();
    await refused(jsm.consumers.delete('EVENTS', 'projection_p1'));
    await refused(
      jsm.consumers.add('EVENTS', {
        durable_name: 'projection_p4',
        ack_policy: AckPolicy.Explicit,
        filter_subject: 'evt.SN.>',
      }),
    );
  });

  it('the projection replays through its own slots only, each slot held by one replay at a time', async () => {
    const { jsm } = await as('projection');
    const slot = (description: string) => ({
      durable_name: 'projection_r0',
      description,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: 1,
      inactive_threshold: 120e9,
    });
    await jsm.consumers.add('EVENTS', slot('replay a'));
    // 2.10+ refuses to create over it; 2.9 updates it, which replay.ts detects by the description.
    const second = await jsm.consumers.add('EVENTS', slot('replay b')).then(
      () => 'updated',
      (e: Error) => e.message,
    );
    expect(second).toMatch(version.startsWith('2.9.') ? /updated/ : /exist|in use/i);
    await jsm.consumers.delete('EVENTS', 'projection_r0');
    await refused(jsm.consumers.add('EVENTS', { durable_name: 'replay_x', ack_policy: AckPolicy.Explicit }));
  });

  it("the projection cannot purge, delete or reconfigure streams, delete its live consumer, nor touch others' consumers", async () => {
    const { nc, js, jsm } = await as('projection');
    const admin = await as('admin');
    await admin.jsm.consumers.add('EVENTS', { durable_name: 'warehouse', ack_policy: AckPolicy.Explicit });
    const counts = async () => [
      (await admin.jsm.streams.info('EVENTS')).state.messages,
      (await admin.jsm.streams.info('DEADLETTER')).state.messages,
    ];
    const before = await counts();
    await refused(jsm.streams.purge('EVENTS'));
    await refused(jsm.streams.delete('DEADLETTER'));
    await refused(jsm.streams.update('EVENTS', { max_msgs: 1 }));
    await refused(jsm.consumers.delete('EVENTS', 'projection'));
    await refused(jsm.consumers.delete('EVENTS', 'warehouse'));
    await refused(jsm.consumers.update('EVENTS', 'warehouse', { max_ack_pending: 1 }));
    await refused((async () => (await js.consumers.get('EVENTS', 'warehouse')).next({ expires: 1000 }))());
    await refused(js.publish('evt.MA.trainings.training.held', '{}', { timeout: 2000 }));
    await refused(js.publish('evt_dlq.warehouse', '{}', { timeout: 2000 }));
    expect(await overhears(nc, admin.nc, '_INBOX_trainings.>')).toBe(0);
    expect(await counts()).toEqual(before);
    expect((await admin.jsm.consumers.info('EVENTS', 'warehouse')).config.max_ack_pending).not.toBe(1);
  });
});
