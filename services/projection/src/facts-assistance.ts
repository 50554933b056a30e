import type { Envelope } from '@passerelle/contracts';
import { FactKind, type SourceChange } from './facts.js';

interface Delivery {
  deliveryId: string;
  businessDate: string;
  kind: string;
  context: string;
  partnerId: string;
  region?: string;
  activityLine: string;
  mode: 'counts' | 'keys';
  rows: Array<{ sex: string; ageGroup: string; flags: string[]; count: number }>;
  beneficiaries?: Array<{ key: string; sex: string; ageGroup: string; flags: string[] }>;
}

const FIGURES_EVENTS = new Set(['assistance.delivery.recorded', 'assistance.delivery.corrected', 'assistance.delivery.rekeyed']);

/**
 * Facts of assistance: one per delivery, and one per beneficiary row (counts mode) or per person (keys mode,
 * with the key, so unique people are counted once). A correction replaces them; a void removes them.
 */
export function assistanceFacts(event: Envelope): SourceChange[] {
  const d = event.data as Delivery;
  const source = (s: string) => `delivery:${d.deliveryId}:${s}`;
  if (event.type === 'assistance.delivery.voided') return [{ source: source('delivery'), facts: [] }, { source: source('people'), facts: [] }];
  // rekeyed carries complete figures like recorded and corrected; beneficiary.erased changes no figure (no facts).
  if (!FIGURES_EVENTS.has(event.type)) return [];
  const dims = {
    businessDate: d.businessDate, what: d.kind, emergency: d.context, partnerId: d.partnerId, activity_line: d.activityLine, deliveryId: d.deliveryId,
    ...(d.region ? { region: d.region } : {}),
  };
  const people = d.mode === 'keys' && d.beneficiaries
    ? d.beneficiaries.map((b) => ({ kind: FactKind.Beneficiaries, ...dims, sex: b.sex, age_group: b.ageGroup, vulnerability: b.flags, key: b.key, value: 1 }))
    : d.rows.map((r) => ({ kind: FactKind.Beneficiaries, ...dims, sex: r.sex, age_group: r.ageGroup, vulnerability: r.flags, value: r.count }));
  return [
    { source: source('delivery'), facts: [{ kind: FactKind.Deliveries, ...dims, value: 1 }] },
    { source: source('people'), facts: people },
  ];
}
