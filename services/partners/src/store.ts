import type { Db } from 'mongodb';
import { OUTBOX_INDEXES, createAggregateStore, ensureIndexes, type Relay } from '@passerelle/platform';
import type { Partner } from './domain.js';
import { NAME_CLAIM_INDEXES, createNameClaims } from './name-claims.js';
import { createKeyedQueue, createOutboxPublisher, type PublishTarget } from './outbox.js';
import type { Contact } from './schemas.js';

interface ContactsDoc {
  _id: string;
  country: string;
  contacts: Contact[];
  updatedAt: Date;
}

/**
 * Partners with their outbox, the name claims that keep names unique, and contact people kept apart from both.
 * Without a publish target nothing is published at once (the relay's sweeper, if any, still publishes).
 */
export async function createPartnerStore(db: Db, relay?: Relay, publish?: PublishTarget) {
  // No onWrite kick: the kit relay's write-back could race a command on FerretDB; see outbox.ts.
  const partners = createAggregateStore<Partner>({ db, collection: 'partners', what: 'partner' });
  const publishPending = publish ? createOutboxPublisher(partners.collection, publish) : async () => undefined;
  const enqueue = createKeyedQueue();
  const contactsCollection = db.collection<ContactsDoc>('partner_contacts');
  await ensureIndexes(db, {
    partners: [
      ...OUTBOX_INDEXES,
      { key: { country: 1, 'state.sortKey': 1 }, name: 'by_country_name' },
      { key: { 'state.searchKeys': 1 }, name: 'by_search_key' },
      { key: { 'state.tags': 1 }, name: 'by_tag' },
      { key: { 'state.parentId': 1 }, name: 'by_parent' },
    ],
    ...NAME_CLAIM_INDEXES,
  });
  relay?.watch(partners.collection as never);
  return {
    partners,
    /** Runs a command on one partner after the previous ones of this process, then publishes what it wrote. */
    exclusive<T>(partnerId: string, command: () => Promise<T>): Promise<T> {
      return enqueue(partnerId, async () => {
        try {
          return await command();
        } finally {
          await publishPending(partnerId);
        }
      });
    },
    names: createNameClaims(db, partners),
    contacts: {
      /** The contact people of a partner (personal data: never copied into events or logs). */
      async get(partnerId: string): Promise<Contact[]> {
        return (await contactsCollection.findOne({ _id: partnerId }))?.contacts ?? [];
      },
      /** Replaces the contact people of a partner; an empty list erases them. */
      async put(partnerId: string, country: string, contacts: Contact[]): Promise<void> {
        if (!contacts.length) {
          await contactsCollection.deleteOne({ _id: partnerId });
          return;
        }
        await contactsCollection.updateOne({ _id: partnerId }, { $set: { country, contacts, updatedAt: new Date() } }, { upsert: true });
      },
    },
  };
}
export type PartnerStore = Awaited<ReturnType<typeof createPartnerStore>>;
