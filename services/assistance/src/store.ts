import type { Db } from 'mongodb';
import { OUTBOX_INDEXES, createAggregateStore, ensureIndexes, type Relay } from '@passerelle/platform';
import type { Delivery } from './domain.js';
import type { Erasure } from './erasure.js';
import { createKeyring } from './keyring.js';

/**
 * Deliveries with their outbox (state and events in one document), erasures (each a tiny aggregate, so its audit
 * event goes out through the same outbox) and the keyring. The kit's store and relay take the per-aggregate lock,
 * so an edit and the relay's "published" mark never overlap on FerretDB.
 */
export async function createDeliveryStore(db: Db, relay?: Relay) {
  const onWrite = relay ? { onWrite: (c: unknown, id: string) => relay.kick(c as never, id) } : {};
  const deliveries = createAggregateStore<Delivery>({ db, collection: 'deliveries', what: 'delivery', ...onWrite });
  const erasures = createAggregateStore<Erasure>({ db, collection: 'erasures', what: 'erasure', ...onWrite });
  await ensureIndexes(db, {
    deliveries: [
      ...OUTBOX_INDEXES,
      { key: { country: 1, 'state.date': -1 }, name: 'by_country_date' },
      { key: { 'state.partnerId': 1, 'state.date': -1 }, name: 'by_partner_date' },
      { key: { 'state.context': 1, 'state.date': -1 }, name: 'by_context_date' },
    ],
    erasures: OUTBOX_INDEXES,
  });
  relay?.watch(deliveries.collection as never);
  relay?.watch(erasures.collection as never);
  return { deliveries, erasures, keyring: createKeyring(db), relay };
}
export type DeliveryStore = Awaited<ReturnType<typeof createDeliveryStore>>;
