import type { Aggregate } from '@passerelle/platform';
import type { Partner } from './domain.js';

/** A partner as the API shows it: without the keys kept for uniqueness, search and sorting. */
export function partnerView(a: Aggregate<Partner>, warnings: string[] = []) {
  const { nameKeys: _n, searchKeys: _s, sortKey: _k, ...state } = a.state;
  return { id: a.id, version: a.version, ...state, ...(warnings.length ? { warnings } : {}) };
}

/** A partner in a list: its description and how much was done with it, without the detail. */
export function partnerSummary(a: Aggregate<Partner>) {
  const { agreements, support, ...rest } = partnerView(a);
  return {
    ...rest,
    agreementCount: agreements.length,
    supportCount: support.length,
    lastSupportDate: support
      .map((s) => s.date)
      .sort()
      .at(-1),
  };
}

/** How other partners refer to this one (parent, children). */
export const partnerRef = (a: Aggregate<Partner>) => ({
  id: a.id,
  name: a.state.name,
  acronym: a.state.acronym,
  type: a.state.type,
  active: a.state.active,
});
