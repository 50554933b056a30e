import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createEnvelope, eventSubject, type Country } from '@passerelle/contracts';

/**
 * Publishes a partner event (registered by default) to a test file's stream, the way the partners service would,
 * so that services learn the partner through their own consumer. Returns the partner id.
 */
export async function publishPartner(
  env: { infra: { natsUrl: string }; prefix: string },
  opts: { country?: Country; partnerId?: string; event?: 'registered' | 'deactivated' } = {},
): Promise<string> {
  const partnerId = opts.partnerId ?? randomUUID();
  const country = opts.country ?? 'MA';
  const event = opts.event ?? 'registered';
  const data = {
    partnerId,
    businessDate: '2020-01-15',
    name: { fr: 'Ministère de la Justice', en: 'Ministry of Justice' },
    type: 'ministry',
    level: 'national',
    country,
    tags: [],
    active: event !== 'deactivated',
  };
  const envelope = createEnvelope(
    { type: `partners.partner.${event}`, subject: partnerId, country, data },
    { actor: 'test-partners', correlationid: randomUUID() },
  );
  const nc = await connect({ servers: env.infra.natsUrl });
  try {
    await jetstream(nc).publish(eventSubject(env.prefix, envelope), JSON.stringify(envelope), { msgID: envelope.id });
  } finally {
    await nc.close();
  }
  return partnerId;
}
