import type { PartnerEvent } from '@passerelle/contracts';
import { FactKind, type SourceChange } from './fact-model.js';

/**
 * Facts of partners: the partner itself (its latest names, so a rename shows everywhere), each agreement and
 * each support given. Support and agreement facts carry the partner type for rules filtering on it.
 */
export function partnerFacts(event: PartnerEvent): SourceChange[] {
  const d = event.data;
  const partner = {
    source: `partner:${d.partnerId}`,
    facts: [
      {
        kind: FactKind.Partner,
        businessDate: d.businessDate,
        partnerId: d.partnerId,
        name: d.name,
        acronym: d.acronym ?? null,
        partner_type: d.type,
        level: d.level,
        active: d.active,
        parentId: d.parentId ?? null,
        ...(d.region ? { region: d.region } : {}),
        value: 1,
      },
    ],
  };
  const common = { partnerId: d.partnerId, partner_type: d.type, ...(d.region ? { region: d.region } : {}) };
  switch (event.type) {
    case 'partners.partner.agreement_signed': {
      const a = event.data;
      return [
        partner,
        {
          source: `agreement:${a.agreementId}`,
          // One fact per activity line served, so rules filter on activity_line without arrays.
          facts: (a.activityLines.length ? a.activityLines : [null]).map((line) => ({
            kind: FactKind.Agreements,
            businessDate: d.businessDate,
            ...common,
            what: a.kind,
            ...(line ? { activity_line: line } : {}),
            ...(a.amount !== undefined ? { amount: a.amount, currency: a.currency } : {}),
            value: 1,
          })),
        },
      ];
    }
    case 'partners.partner.support_provided': {
      const s = event.data;
      return [
        partner,
        {
          source: `support:${s.supportId}`,
          facts: [
            {
              kind: FactKind.PartnersSupported,
              businessDate: d.businessDate,
              ...common,
              what: s.kind,
              activity_line: s.activityLine,
              value: 1,
            },
          ],
        },
      ];
    }
    case 'partners.partner.registered':
    case 'partners.partner.updated':
    case 'partners.partner.deactivated':
    case 'partners.partner.reactivated':
      return [partner];
  }
}
