import { randomBytes } from 'node:crypto';
import type { Db, Filter } from 'mongodb';
import { isDuplicateKey } from '@passerelle/platform';

/**
 * One person known to the service: `_id` is the HMAC of their normalised case reference (the lookup key, never
 * published), `pseudonym` the random key their records carry. Destroying the entry is the erasure: the pseudonym
 * cannot be derived from anything, so the reference no longer leads to the records.
 */
export interface KeyringEntry {
  _id: string;
  pseudonym: string;
}

export const KEYRING_COLLECTION = 'keyring';

/**
 * 32 random bytes in hex: the shape of the beneficiary key in the contracts (64 hex digits), so events and
 * consumers are unchanged, but drawn at random instead of computed from the reference.
 */
export const newPseudonym = () => randomBytes(32).toString('hex');

/** Id look-ups per query: `$in` lists stay small, and FerretDB reads the collection once per query anyway. */
const CHUNK = 1000;
const chunks = <T>(xs: T[]) =>
  Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

/** The assistance service's keyring: lookup key (HMAC of a reference) → pseudonym, in its own database. */
export function createKeyring(db: Db) {
  const collection = db.collection<KeyringEntry>(KEYRING_COLLECTION);

  async function read(lookups: string[], into: Map<string, string>) {
    for (const ids of chunks(lookups)) {
      for (const e of await collection.find({ _id: { $in: ids } } as Filter<KeyringEntry>).toArray())
        into.set(e._id, e.pseudonym);
    }
  }

  return {
    collection,
    /**
     * The pseudonym of each lookup key, created where the person is new. Race-safe without transactions: a new
     * entry is an insert under the unique `_id`; when another request inserted the same person first, the insert
     * fails with a duplicate key and that request's pseudonym is read back, so one person never gets two.
     */
    async pseudonymsOf(lookups: readonly string[]): Promise<Map<string, string>> {
      const wanted = [...new Set(lookups)];
      const found = new Map<string, string>();
      await read(wanted, found);
      const missing = wanted.filter((k) => !found.has(k));
      if (!missing.length) return found;
      const fresh = missing.map((_id) => ({ _id, pseudonym: newPseudonym() }));
      try {
        await collection.insertMany(fresh, { ordered: false });
        for (const e of fresh) found.set(e._id, e.pseudonym);
      } catch (e) {
        const errors = (e as { writeErrors?: unknown[] | unknown }).writeErrors;
        const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
        if (!isDuplicateKey(e) && !(list.length && list.every(isDuplicateKey))) throw e;
        // Some were inserted, some lost a race: read them all back rather than guess which.
        await read(missing, found);
        const lost = missing.filter((k) => !found.has(k));
        if (lost.length) throw new Error(`keyring: ${lost.length} entries neither inserted nor found`, { cause: e });
      }
      return found;
    },
    /** The pseudonym of one lookup key, or undefined; never creates an entry. */
    async find(lookup: string): Promise<string | undefined> {
      return (await collection.findOne({ _id: lookup } as Filter<KeyringEntry>))?.pseudonym;
    },
    /** Destroys a person's entry; false when there was none (never known, or already erased). */
    async erase(lookup: string): Promise<boolean> {
      return (await collection.deleteOne({ _id: lookup } as Filter<KeyringEntry>)).deletedCount === 1;
    },
  };
}
export type Keyring = ReturnType<typeof createKeyring>;
