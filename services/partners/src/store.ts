import type { Db } from 'mongodb';
import { createSerialiser, ensureIndexes, openAggregateStore, type Relay } from '@passerelle/platform';
import type { Partner } from './domain.js';
import { NAME_CLAIM_INDEXES, createNameClaims } from './name-claims.js';
import type { Contact } from './schemas.js';

interface ContactsDoc {
  _id: string;
  country: string;
  contacts: Contact[];
  updatedAt: Date;
}

/** Partners with their outbox, the name claims that keep names unique, and contact people kept apart from both. */
export async function createPartnerStore(db: Db, relay?: Relay) {
  const partners = await openAggregateStore<Partner>({
    db,
    collection: 'partners',
    what: 'partner',
    relay,
    indexes: [
      { key: { country: 1, 'state.sortKey': 1 }, name: 'by_country_name' },
      { key: { 'state.searchKeys': 1 }, name: 'by_search_key' },
      { key: { 'state.tags': 1 }, name: 'by_tag' },
      { key: { 'state.parentId': 1 }, name: 'by_parent' },
    ],
  });
  const nameCommands = createSerialiser();
  const contactsCollection = db.collection<ContactsDoc>('partner_contacts');
  await ensureIndexes(db, NAME_CLAIM_INDEXES);
  return {
    partners,
    /**
     * Runs a command that changes a partner's names after the previous such command on that partner in this
     * process. The kit's aggregate lock covers one document; a rename spans two (the partner and its name
     * claims) and releases dropped claims by reading the partner: without this queue, a rename back to an old
     * name could see its claim as already held while the previous rename, still running, deletes it.
     * Across replicas this is not enough: the same limit as the kit's lock on FerretDB (one replica per service).
     */
    renaming<T>(partnerId: string, command: () => Promise<T>): Promise<T> {
      return nameCommands(partnerId, command);
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
        await contactsCollection.updateOne(
          { _id: partnerId },
          { $set: { country, contacts, updatedAt: new Date() } },
          { upsert: true },
        );
      },
    },
  };
}
export type PartnerStore = Awaited<ReturnType<typeof createPartnerStore>>;
