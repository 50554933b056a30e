import type { AssistanceEvent } from '@passerelle/contracts';
import { FactKind, type SourceChange } from './fact-model.js';

/**
 * Facts of assistance: one per delivery, and one per beneficiary row (counts mode) or per person (keys mode,
 * with the key, so unique people are counted once). A correction replaces them; a void removes them.
 */
export function assistanceFacts(event: AssistanceEvent): SourceChange[] {
  // An erasure changes no figure: the person stays counted once under their old pseudonym (no facts).
  if (event.type === 'assistance.beneficiary.erased') return [];
  const source = (s: string) => `delivery:${event.data.deliveryId}:${s}`;
  if (event.type === 'assistance.delivery.voided')
    return [
      { source: source('delivery'), facts: [] },
      { source: source('people'), facts: [] },
    ];
  // rekeyed carries complete figures like recorded and corrected.
  const d = event.data;
  const dims = {
    businessDate: d.businessDate,
    what: d.kind,
    emergency: d.context,
    partnerId: d.partnerId,
    activity_line: d.activityLine,
    deliveryId: d.deliveryId,
    ...(d.region ? { region: d.region } : {}),
  };
  const people =
    d.mode === 'keys' && d.beneficiaries
      ? d.beneficiaries.map((b) => ({
          kind: FactKind.Beneficiaries,
          ...dims,
          sex: b.sex,
          age_group: b.ageGroup,
          vulnerability: b.flags,
          key: b.key,
          value: 1,
        }))
      : d.rows.map((r) => ({
          kind: FactKind.Beneficiaries,
          ...dims,
          sex: r.sex,
          age_group: r.ageGroup,
          vulnerability: r.flags,
          value: r.count,
        }));
  return [
    { source: source('delivery'), facts: [{ kind: FactKind.Deliveries, ...dims, value: 1 }] },
    { source: source('people'), facts: people },
  ];
}
