import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { Envelope } from '@passerelle/contracts';
import type { Logger } from '@passerelle/platform';
import { eventually, httpClient, isolatedEnv, testToken } from '@passerelle/testkit';
export type { Reply } from '@passerelle/testkit';
import { start } from '../main.js';

/** The partners service on the real servers, with an HTTP client and a reader of its event stream. */
export async function startPartners(label: string, opts: { logger?: Logger } = {}) {
  const env = isolatedEnv(label);
  const svc = await start(env.env('partners'), opts);
  const nc: NatsConnection = await connect({ servers: env.infra.natsUrl });
  const jsm: JetStreamManager = await jetstreamManager(nc);
  const writer = await testToken(['partners:write', 'partners:read']);
  const reader = await testToken(['partners:read']);

  const call = httpClient(
    () => svc.url,
    () => writer,
  );

  /** Waits until the outbox is empty, then returns the number of messages in the stream. */
  async function published(): Promise<number> {
    await eventually(async () => ((await svc.rt.relay.backlog()) === 0 ? true : undefined), 10_000, 'an empty outbox');
    return (await jsm.streams.info(env.stream)).state.messages;
  }

  /** Every message of the stream, decoded, with its subject. */
  async function streamEvents(): Promise<
    Array<{ subject: string; raw: string; event: Envelope<Record<string, unknown>> }>
  > {
    await published();
    const last = (await jsm.streams.info(env.stream)).state.last_seq;
    const out = [];
    for (let seq = 1; seq <= last; seq++) {
      const m = await jsm.streams.getMessage(env.stream, { seq });
      if (!m) continue;
      const raw = m.string();
      out.push({ subject: m.subject, raw, event: JSON.parse(raw) as Envelope<Record<string, unknown>> });
    }
    return out;
  }

  /** State documents in the database (partners, name claims), to prove a refused command wrote nothing. */
  async function documents() {
    const db = svc.rt.db;
    return {
      partners: await db.collection('partners').countDocuments(),
      names: await db.collection('partner_names').countDocuments(),
    };
  }

  return {
    env,
    svc,
    writer,
    reader,
    call,
    published,
    streamEvents,
    documents,
    async stop() {
      await svc.rt.shutdown();
      await nc.close();
    },
  };
}
export type PartnersHarness = Awaited<ReturnType<typeof startPartners>>;

/** A minimal valid registration body. */
export const partnerBody = (fr: string, extra: Record<string, unknown> = {}) => ({
  name: { fr, en: fr },
  type: 'cso',
  level: 'national',
  country: 'MA',
  tags: [],
  ...extra,
});
