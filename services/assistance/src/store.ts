import type { Db } from 'mongodb';
import { createPartnerDirectory, openAggregateStore, type Relay } from '@passerelle/platform';
import type { Delivery, Erasure } from './domain.js';
import { createKeyring } from './keyring.js';

/**
 * Deliveries with their outbox (state and unpublished events in one document), erasures (each a tiny aggregate, so
 * its audit event goes out through the same outbox) and the keyring. On FerretDB the kit's store takes the
 * per-aggregate lock for commands and the relay alike, so an edit and the relay's "published" mark never overlap.
 */
export async function createDeliveryStore(db: Db, relay?: Relay) {
  const deliveries = await openAggregateStore<Delivery>({
    db,
    collection: 'deliveries',
    what: 'delivery',
    relay,
    indexes: [
      { key: { country: 1, 'state.date': -1 }, name: 'by_country_date' },
      { key: { 'state.partnerId': 1, 'state.date': -1 }, name: 'by_partner_date' },
      { key: { 'state.context': 1, 'state.date': -1 }, name: 'by_context_date' },
    ],
  });
  const erasures = await openAggregateStore<Erasure>({ db, collection: 'erasures', what: 'erasure', relay });
  return { deliveries, erasures, keyring: createKeyring(db), relay, partners: createPartnerDirectory(db) };
}
export type DeliveryStore = Awaited<ReturnType<typeof createDeliveryStore>>;
