import type { Envelope } from '@passerelle/contracts';
import type { Aggregate, Principal } from '@passerelle/platform';
import type { Delivery } from './domain.js';

/** The scope that sees beneficiary pseudonyms and may erase a person. */
export const ADMIN_SCOPE = 'assistance:admin';

type Person = { key?: string };

/**
 * Pseudonyms link one person's deliveries together. Someone who records a delivery knows the references in it;
 * shown the pseudonyms, they could follow those people through every other delivery. So only `assistance:admin`
 * sees them; others get each person's sex, age group and flags, in the same order.
 */
const seesPseudonyms = (p: Principal) => p.scopes.has(ADMIN_SCOPE);
const withoutKeys = (list: Person[]) => list.map(({ key: _key, ...rest }) => rest);

/** A delivery as the API shows it to this caller (migration bookkeeping never shown). */
export function deliveryView(a: Aggregate<Delivery>, p: Principal) {
  const { keyScheme: _scheme, beneficiaries, ...state } = a.state;
  return {
    id: a.id,
    version: a.version,
    ...state,
    ...(beneficiaries ? { beneficiaries: seesPseudonyms(p) ? beneficiaries : withoutKeys(beneficiaries) } : {}),
  };
}

/** A delivery's events as the API shows them to this caller. */
export function historyView(events: Envelope[], p: Principal) {
  return events.map((e, i) => {
    const data = e.data as { beneficiaries?: Person[] };
    const shown =
      data.beneficiaries && !seesPseudonyms(p) ? { ...data, beneficiaries: withoutKeys(data.beneficiaries) } : data;
    return { version: i + 1, type: e.type, time: e.time, actor: e.actor, data: shown };
  });
}
