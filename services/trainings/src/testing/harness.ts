import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { registry, type Envelope } from '@passerelle/contracts';
import { eventually, httpClient, isolatedEnv, testToken } from '@passerelle/testkit';
import { start } from '../main.js';

export type { Reply } from '@passerelle/testkit';

/** A planned Moroccan training, valid as it stands; tests override what they check. */
export const moroccoTraining = {
  title: { fr: 'Exploitation et abus sexuels', en: 'Sexual exploitation and abuse' },
  topics: ['sexual_exploitation_abuse'],
  startDate: '2020-02-10',
  endDate: '2020-02-11',
  place: { country: 'MA', region: 'Rabat-Salé-Kénitra', city: 'Rabat' },
  modality: 'in_person',
  organiser: 'IOM Morocco',
  partnerIds: [],
  activityLine: '1.1',
  plannedParticipants: 20,
};

/** A date `years` from today, as YYYY-MM-DD. */
export const yearsFromNow = (years: number) =>
  new Date(Date.now() + years * 365 * 86_400_000).toISOString().slice(0, 10);

/** One trainings service on the real servers, in its own stream and database, with helpers to call it and read its events. */
export async function startHarness(label: string) {
  const env = isolatedEnv(label);
  const svc = await start(env.env('trainings'));
  const nc: NatsConnection = await connect({ servers: env.infra.natsUrl });
  const jsm: JetStreamManager = await jetstreamManager(nc);
  const tokens = {
    writer: await testToken(['trainings:write', 'trainings:read']),
    reader: await testToken(['trainings:read']),
    admin: await testToken(['trainings:admin', 'trainings:read'], ['MA'], { subject: 'admin-1' }),
  };

  /** Resolves once the relay has published everything written so far. */
  const outboxEmpty = () =>
    eventually(async () => ((await svc.rt.relay.backlog()) === 0 ? true : undefined), 10_000, 'an empty outbox');

  /** Calls the service as the writer unless told; strings and Buffers are sent as they are (set their content-type). */
  const call = httpClient(
    () => svc.url,
    () => tokens.writer,
  );

  /** Calls and fails the test with the problem document unless the status is 2xx. */
  async function ok(
    method: string,
    path: string,
    body?: unknown,
    opts: { token?: string; headers?: Record<string, string> } = {},
  ) {
    const r = await call(method, path, body, opts);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  const streamCount = async () => (await jsm.streams.info(env.stream)).state.messages;

  /** Every event in this file's stream, validated against the contracts registry. */
  async function streamEvents(): Promise<Envelope[]> {
    const { state } = await jsm.streams.info(env.stream);
    const events: Envelope[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(env.stream, { seq });
      if (m) events.push(registry.parse(m.data, m.subject));
    }
    return events;
  }

  return {
    env,
    svc,
    tokens,
    call,
    ok,
    streamCount,
    streamEvents,
    /** Plans a training (overrides merged in) and returns its view. */
    plan: (overrides: Record<string, unknown> = {}) => ok('POST', '/trainings', { ...moroccoTraining, ...overrides }),
    /** Plans and holds a training; returns its view at version 2. */
    async held(overrides: Record<string, unknown> = {}) {
      const t = await this.plan(overrides);
      return ok('POST', `/trainings/${t.id}/held`, { version: t.version });
    },
    /** Waits until the stream holds exactly n events (the relay publishes after the write). */
    waitForStream: (n: number) =>
      eventually(async () => ((await streamCount()) === n ? true : undefined), 10_000, `${n} events in the stream`),
    /** Waits until everything written so far is published, and returns the stream count. */
    async settled() {
      await outboxEmpty();
      return streamCount();
    },
    async stop() {
      await nc.close();
      await svc.rt.shutdown();
    },
  };
}
export type Harness = Awaited<ReturnType<typeof startHarness>>;
