import type { Db, IndexDescription } from 'mongodb';
import type { PartnerName } from '@passerelle/contracts';
import { ConflictError, isDuplicateKey, type AggregateStore } from '@passerelle/platform';
import type { Partner } from './domain.js';

/**
 * One document per (country, normalised name): its unique `_id` is what makes two registrations of the same
 * name, even at the same instant on two replicas, end with one winner. A claim is written before the partner.
 */
export interface NameClaim {
  _id: string;
  country: string;
  nameKey: string;
  partnerId: string;
  name: PartnerName;
  claimedAt: Date;
}

export const NAME_CLAIMS = 'partner_names';

export const NAME_CLAIM_INDEXES: Record<string, IndexDescription[]> = {
  [NAME_CLAIMS]: [
    { key: { country: 1, nameKey: 1 }, name: 'unique_name_per_country', unique: true },
    { key: { partnerId: 1 }, name: 'by_partner' },
  ],
};

/**
 * A claim younger than this may belong to a registration still in flight. Older, it counts only if its partner
 * exists and still bears the name; otherwise a crash left it behind and it can be taken over.
 */
export const CLAIM_GRACE_MS = 30_000;

export const DUPLICATE_NAME = 'DUPLICATE_PARTNER_NAME';

const claimId = (country: string, key: string) => `${country}:${key}`;

/** Claims and releases partner names within a country. */
export function createNameClaims(db: Db, partners: AggregateStore<Partner>, opts: { graceMs?: number } = {}) {
  const claims = db.collection<NameClaim>(NAME_CLAIMS);
  const grace = opts.graceMs ?? CLAIM_GRACE_MS;

  async function isLive(claim: NameClaim): Promise<boolean> {
    if (Date.now() - claim.claimedAt.getTime() < grace) return true;
    const owner = await partners.find(claim.partnerId);
    return owner !== undefined && owner.state.nameKeys.includes(claim.nameKey);
  }

  /** Claims one key: true if newly claimed, false if the partner already held it; throws the 409 otherwise. */
  async function claimOne(country: string, partnerId: string, name: PartnerName, key: string): Promise<boolean> {
    const _id = claimId(country, key);
    for (let attempt = 0; attempt < 5; attempt++) {
      const claimedAt = new Date();
      try {
        await claims.insertOne({ _id, country, nameKey: key, partnerId, name, claimedAt });
        return true;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
      }
      const existing = await claims.findOne({ _id });
      if (!existing) continue;
      if (existing.partnerId === partnerId) return false;
      if (await isLive(existing)) {
        const shown =
          existing.name.fr === existing.name.en ? existing.name.fr : `${existing.name.fr} / ${existing.name.en}`;
        throw new ConflictError(
          `a partner with this name already exists in ${country}: "${shown}" (id ${existing.partnerId})`,
          { existingPartner: { id: existing.partnerId, name: existing.name } },
          DUPLICATE_NAME,
        );
      }
      // Stale: take it over only if nobody else did since we read it.
      const r = await claims.updateOne(
        { _id, partnerId: existing.partnerId, claimedAt: existing.claimedAt },
        { $set: { partnerId, name, claimedAt } },
      );
      if (r.modifiedCount === 1) return true;
    }
    throw new ConflictError(`the name "${key}" is being claimed by another request; try again`, {}, DUPLICATE_NAME);
  }

  return {
    collection: claims,
    /**
     * Claims every key for the partner, in sorted order so concurrent claimants meet on the same first key.
     * Returns the keys newly claimed (to release if the partner write then fails); on a 409 releases them itself.
     */
    async claim(country: string, partnerId: string, name: PartnerName, keys: string[]): Promise<string[]> {
      const claimed: string[] = [];
      try {
        for (const key of [...keys].sort()) {
          if (await claimOne(country, partnerId, name, key)) claimed.push(key);
        }
      } catch (e) {
        await this.release(country, partnerId, claimed);
        throw e;
      }
      return claimed;
    },
    /** Gives up keys the partner holds (never another partner's). */
    async release(country: string, partnerId: string, keys: string[]): Promise<void> {
      if (keys.length) await claims.deleteMany({ _id: { $in: keys.map((k) => claimId(country, k)) }, partnerId });
    },
    /** Records the partner's current name on the claims it keeps, so a later 409 shows the right name. */
    async rename(partnerId: string, name: PartnerName): Promise<void> {
      await claims.updateMany({ partnerId }, { $set: { name } });
    },
  };
}
export type NameClaims = ReturnType<typeof createNameClaims>;
