import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { Envelope } from '@passerelle/contracts';
import type { Loose } from '@passerelle/testkit';

// Helpers shared by the integration tests (excluded from the build).

export type { Loose } from '@passerelle/testkit';

/** The beneficiary key secret the test services use. */
export const TEST_KEY_SECRET = 'test-beneficiary-key-secret-0123456789-abcdef';
export const OTHER_KEY_SECRET = 'another-beneficiary-key-secret-9876543210-zyx';

/** Reads a test file's own event stream. */
export async function openStream(natsUrl: string, stream: string) {
  const nc: NatsConnection = await connect({ servers: natsUrl });
  const jsm: JetStreamManager = await jetstreamManager(nc);
  return {
    /** Messages in the stream. */
    count: async () => (await jsm.streams.info(stream)).state.messages,
    /** Every event in the stream, oldest first, with its subject. */
    async events(): Promise<Array<Envelope<Loose> & { natsSubject: string; raw: string }>> {
      const { first_seq, last_seq, messages } = (await jsm.streams.info(stream)).state;
      const out: Array<Envelope<Loose> & { natsSubject: string; raw: string }> = [];
      if (!messages) return out;
      for (let seq = first_seq; seq <= last_seq; seq++) {
        const m = await jsm.streams.getMessage(stream, { seq });
        if (m) out.push({ ...(m.json() as Envelope<Loose>), natsSubject: m.subject, raw: m.string() });
      }
      return out;
    },
    close: () => nc.close(),
  };
}

/** A COVID-19 food delivery in Rabat, counts mode; override what a test needs. */
export const countsDelivery = (over: Record<string, unknown> = {}) => ({
  date: '2020-05-12',
  kind: 'food',
  context: 'covid19',
  partnerId: 'fondation-orient-occident',
  place: { country: 'MA', region: 'Rabat-Salé-Kénitra', city: 'Rabat' },
  activityLine: '1.4',
  quantity: 10,
  unit: 'food_parcel',
  beneficiaries: {
    mode: 'counts',
    rows: [
      { sex: 'female', ageGroup: '18-59', flags: ['none'], count: 6 },
      { sex: 'male', ageGroup: '18-59', flags: ['victim_of_trafficking'], count: 4 },
    ],
  },
  ...over,
});

/** The same delivery with a list of case references. */
export const listDelivery = (refs: string[], over: Record<string, unknown> = {}) =>
  countsDelivery({
    beneficiaries: {
      mode: 'list',
      list: refs.map((caseReference, i) => ({
        caseReference,
        sex: i % 2 ? 'male' : 'female',
        ageGroup: '18-59',
        flags: ['none'],
      })),
    },
    ...over,
  });
