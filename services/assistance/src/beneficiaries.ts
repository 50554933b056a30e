import { canonicalFlags, type AgeGroup } from '@passerelle/contracts';
import { RuleViolation } from '@passerelle/platform';
import type { Beneficiaries } from './domain.js';
import type { KeyMaker } from './keys.js';
import type { Keyring } from './keyring.js';
import type { BeneficiariesInput, ListedBeneficiary } from './schemas.js';

/** The age group of an age in years. */
export function ageGroupOf(age: number): AgeGroup {
  if (age <= 4) return '0-4';
  if (age <= 11) return '5-11';
  if (age <= 17) return '12-17';
  if (age <= 59) return '18-59';
  return '60+';
}

/** Refuses list mode where the deployment turned it off (no secret to make keys with). */
export function requireKeyMaker(keyOf: KeyMaker | undefined): KeyMaker {
  if (!keyOf)
    throw new RuleViolation(
      'LIST_MODE_DISABLED',
      'this deployment accepts beneficiary counts only (BENEFICIARY_LISTS=disabled); send counts',
    );
  return keyOf;
}

/**
 * One listed person with their lookup key (the HMAC of the reference) instead of the reference, an age group
 * instead of the age. The lookup key stays inside the service: `pseudonymise` swaps it for the keyring's pseudonym.
 */
export const keyed = (p: ListedBeneficiary, keyOf: KeyMaker) => ({
  key: keyOf(p.caseReference),
  sex: p.sex,
  ageGroup: p.ageGroup ?? ageGroupOf(p.age!),
  flags: canonicalFlags(p.flags),
});

/** Replaces every case reference with its lookup key; from here on no reference travels further. */
export function toBeneficiaries(input: BeneficiariesInput, keyOf: KeyMaker | undefined): Beneficiaries {
  if (input.mode === 'counts') return { mode: 'counts', rows: input.rows };
  const make = requireKeyMaker(keyOf);
  return { mode: 'keys', list: input.list.map((p) => keyed(p, make)) };
}

/** Lookup keys of listed people (none in counts mode). */
export const lookupsOf = (b: Beneficiaries): string[] => (b.mode === 'keys' ? b.list.map((p) => p.key) : []);

/** Swaps lookup keys for pseudonyms, given the keyring's answer for them. */
export function withPseudonyms(b: Beneficiaries, pseudonyms: ReadonlyMap<string, string>): Beneficiaries {
  if (b.mode === 'counts') return b;
  return { mode: 'keys', list: b.list.map((p) => ({ ...p, key: pseudonyms.get(p.key)! })) };
}

/** Swaps lookup keys for pseudonyms, creating keyring entries for people not seen before. */
export async function pseudonymise(b: Beneficiaries, keyring: Keyring): Promise<Beneficiaries> {
  if (b.mode === 'counts') return b;
  return withPseudonyms(b, await keyring.pseudonymsOf(lookupsOf(b)));
}
