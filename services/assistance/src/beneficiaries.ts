import { canonicalFlags, type AgeGroup } from '@passerelle/contracts';
import { RuleViolation } from '@passerelle/platform';
import type { Beneficiaries } from './domain.js';
import type { KeyMaker } from './keys.js';
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
  if (!keyOf) throw new RuleViolation('LIST_MODE_DISABLED', 'this deployment accepts beneficiary counts only (BENEFICIARY_LISTS=disabled); send counts');
  return keyOf;
}

/** One listed person as the domain sees them: a key instead of the reference, an age group instead of the age. */
export const keyed = (p: ListedBeneficiary, keyOf: KeyMaker) => ({
  key: keyOf(p.caseReference), sex: p.sex, ageGroup: p.ageGroup ?? ageGroupOf(p.age!), flags: canonicalFlags(p.flags),
});

/** Replaces every case reference with its key; from here on no reference travels further. */
export function toBeneficiaries(input: BeneficiariesInput, keyOf: KeyMaker | undefined): Beneficiaries {
  if (input.mode === 'counts') return { mode: 'counts', rows: input.rows };
  const make = requireKeyMaker(keyOf);
  return { mode: 'keys', list: input.list.map((p) => keyed(p, make)) };
}
