import type { Collection, Db } from 'mongodb';
import { OUTBOX_INDEXES, createAggregateStore, ensureIndexes, type AggregateDoc, type Relay } from '@passerelle/platform';
import type { Delivery } from './domain.js';
import { createSerialiser, type Serialiser } from './serial.js';

/** The collection as the relay sees it: its updates of a delivery wait for (and hold off) that delivery's edits. */
function serialisedUpdates<T extends object>(collection: Collection<T>, serial: Serialiser): Collection<T> {
  return new Proxy(collection, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === 'updateOne') {
        return (filter: { _id?: unknown }, ...rest: unknown[]) =>
          serial(String(filter._id), () => (target.updateOne as (...a: unknown[]) => Promise<unknown>)(filter, ...rest));
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Deliveries with their outbox (state and events in one document). */
export async function createDeliveryStore(db: Db, relay?: Relay) {
  const serial = createSerialiser();
  let relayView: Collection<AggregateDoc<Delivery>> | undefined;
  // No onWrite: the kit would hand the relay the raw collection; this store kicks it with the serialised view.
  const store = createAggregateStore<Delivery>({ db, collection: 'deliveries', what: 'delivery' });
  if (relay) {
    relayView = serialisedUpdates(store.collection, serial);
    relay.watch(relayView as never);
  }
  await ensureIndexes(db, {
    deliveries: [
      ...OUTBOX_INDEXES,
      { key: { country: 1, 'state.date': -1 }, name: 'by_country_date' },
      { key: { 'state.partnerId': 1, 'state.date': -1 }, name: 'by_partner_date' },
      { key: { 'state.context': 1, 'state.date': -1 }, name: 'by_context_date' },
    ],
  });
  const kick = (id: string) => { if (relay && relayView) relay.kick(relayView as never, id); };
  const deliveries: typeof store = {
    ...store,
    async create(...args: Parameters<typeof store.create>) {
      const a = await store.create(...args);
      kick(a.id);
      return a;
    },
    append(...args: Parameters<typeof store.append>) {
      return serial(args[0].id, async () => {
        const a = await store.append(...args);
        kick(a.id);
        return a;
      });
    },
  };
  return { deliveries };
}
export type DeliveryStore = Awaited<ReturnType<typeof createDeliveryStore>>;
