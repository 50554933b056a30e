import { z } from 'zod';
import { defineEvent } from '../registry.js';
import { ActivityLine, IsoCountry, IsoDate } from '../vocabulary.js';

export const PARTNER_TYPES = [
  'ministry',
  'regional_council',
  'national_committee',
  'public_agency',
  'un_agency',
  'cso',
  'migrant_association',
  'academic',
  'foundation',
  'donor',
] as const;
export const PartnerType = z.enum(PARTNER_TYPES);
export type PartnerType = z.infer<typeof PartnerType>;

export const PARTNER_LEVELS = ['national', 'regional', 'local', 'international'] as const;
export const PartnerLevel = z.enum(PARTNER_LEVELS);
export type PartnerLevel = z.infer<typeof PartnerLevel>;

export const PARTNER_AGREEMENT_KINDS = ['mou', 'grant', 'service_contract', 'letter_of_agreement'] as const;
export const PartnerAgreementKind = z.enum(PARTNER_AGREEMENT_KINDS);
export type PartnerAgreementKind = z.infer<typeof PartnerAgreementKind>;

export const PARTNER_SUPPORT_KINDS = [
  'technical_assistance',
  'training',
  'equipment_refurbishment',
  'funding',
  'networking',
  'data_management',
  'policy_support',
] as const;
export const PartnerSupportKind = z.enum(PARTNER_SUPPORT_KINDS);
export type PartnerSupportKind = z.infer<typeof PartnerSupportKind>;

const label = z.string().trim().min(1).max(300);

/** An organisation's name in French and English, and in Arabic where it has one. */
export const PartnerName = z.strictObject({ fr: label, en: label, ar: label.optional() });
export type PartnerName = z.infer<typeof PartnerName>;

/** A free tag in kebab-case, e.g. `migrant-led`. */
export const PartnerTag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a tag is kebab-case, e.g. migrant-led')
  .max(40);

/** ISO 4217 currency code. */
export const AgreementCurrency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'a currency is an ISO 4217 code such as MAD, EUR or USD');

/**
 * What every partner event carries so that other services and the projection can show a partner
 * (names, kind, place in the hierarchy) without calling the partners service.
 */
export const PartnerSnapshot = {
  partnerId: z.uuid(),
  businessDate: IsoDate,
  name: PartnerName,
  acronym: z.string().trim().min(1).max(30).optional(),
  type: PartnerType,
  level: PartnerLevel,
  country: IsoCountry,
  region: z.string().trim().min(1).max(120).optional(),
  parentId: z.uuid().optional(),
  tags: z.array(PartnerTag).max(20),
  active: z.boolean(),
};

export const PartnerRegisteredData = z.strictObject(PartnerSnapshot);
export const PARTNER_FIELDS = ['name', 'acronym', 'type', 'level', 'region', 'parentId', 'tags'] as const;

export const partnerRegistered = defineEvent({
  type: 'partners.partner.registered',
  version: '1',
  description:
    'A partner organisation was registered. businessDate is the registration date (the day it was recorded unless given).',
  data: PartnerRegisteredData,
  businessDate: (d) => d.businessDate,
});

export const partnerUpdated = defineEvent({
  type: 'partners.partner.updated',
  version: '1',
  description:
    "A partner's description changed (a rename among others). Carries the whole new description; `changed` lists the fields that differ, `previousName` is set on a rename.",
  data: z.strictObject({
    ...PartnerSnapshot,
    changed: z.array(z.enum(PARTNER_FIELDS)).min(1),
    previousName: PartnerName.optional(),
  }),
  businessDate: (d) => d.businessDate,
});

export const partnerDeactivated = defineEvent({
  type: 'partners.partner.deactivated',
  version: '1',
  description:
    'The programme no longer works with this partner (it stays in past reports). businessDate is when that took effect.',
  data: z.strictObject({ ...PartnerSnapshot, reason: z.string().trim().min(1).max(500).optional() }),
  businessDate: (d) => d.businessDate,
});

export const partnerReactivated = defineEvent({
  type: 'partners.partner.reactivated',
  version: '1',
  description: 'A deactivated partner is active again. businessDate is when that took effect.',
  data: z.strictObject(PartnerSnapshot),
  businessDate: (d) => d.businessDate,
});

export const PartnerAgreementSignedData = z.strictObject({
  ...PartnerSnapshot,
  agreementId: z.uuid(),
  kind: PartnerAgreementKind,
  reference: z.string().trim().min(1).max(100).optional(),
  startDate: IsoDate,
  endDate: IsoDate.optional(),
  amount: z.number().positive().optional(),
  currency: AgreementCurrency.optional(),
  activityLines: z.array(ActivityLine).max(20),
});

export const partnerAgreementSigned = defineEvent({
  type: 'partners.partner.agreement_signed',
  version: '1',
  description:
    'An agreement (MoU, grant, service contract, letter of agreement) with a partner. businessDate is its start date.',
  data: PartnerAgreementSignedData,
  businessDate: (d) => d.businessDate,
});

export const PartnerSupportProvidedData = z.strictObject({
  ...PartnerSnapshot,
  supportId: z.uuid(),
  kind: PartnerSupportKind,
  date: IsoDate,
  description: z.string().trim().min(1).max(1000),
  activityLine: ActivityLine,
  agreementId: z.uuid().optional(),
});

export const partnerSupportProvided = defineEvent({
  type: 'partners.partner.support_provided',
  version: '1',
  description:
    'Support the programme gave a partner (who was supported, with what, where: the 3W). businessDate is the support date.',
  data: PartnerSupportProvidedData,
  businessDate: (d) => d.businessDate,
});

/** Events of the partners service. */
export const partnersEvents = [
  partnerRegistered,
  partnerUpdated,
  partnerDeactivated,
  partnerReactivated,
  partnerAgreementSigned,
  partnerSupportProvided,
] as const;
