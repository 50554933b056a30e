import { z } from 'zod';
import {
  ActivityLine,
  AgreementCurrency,
  Country,
  IsoDate,
  PartnerAgreementKind,
  PartnerLevel,
  PartnerName,
  PartnerSupportKind,
  PartnerTag,
  PartnerType,
} from '@passerelle/contracts';
import { PageQuery } from '@passerelle/platform';

const Acronym = z.string().trim().min(1).max(30);
const Region = z.string().trim().min(1).max(120);
const Id = z.uuid();
export const Version = z.number().int().nonnegative();

/** Optional personal data: a role and a work e-mail, nothing else; never published in events, redacted from logs. */
export const Contact = z.strictObject({ role: z.string().trim().min(1).max(100), workEmail: z.email().max(254) });
export const Contacts = z.array(Contact).max(10);
export type Contact = z.infer<typeof Contact>;

export const RegisterPartnerBody = z.strictObject({
  name: PartnerName,
  acronym: Acronym.optional(),
  type: PartnerType,
  level: PartnerLevel,
  country: Country,
  region: Region.optional(),
  parentId: Id.optional(),
  tags: z.array(PartnerTag).max(20).default([]),
  registeredOn: IsoDate.optional().describe('registration date; the day it is recorded unless given'),
  contacts: Contacts.optional(),
});
export type RegisterPartnerBody = z.infer<typeof RegisterPartnerBody>;

export const UpdatePartnerBody = z.strictObject({
  version: Version,
  name: PartnerName.optional().describe('replaces every name: send ar again to keep it'),
  acronym: Acronym.nullable().optional(),
  type: PartnerType.optional(),
  level: PartnerLevel.optional(),
  region: Region.nullable().optional(),
  parentId: Id.nullable().optional(),
  tags: z.array(PartnerTag).max(20).optional(),
  effectiveDate: IsoDate.optional().describe('when the change took effect; today unless given'),
});

export const DeactivateBody = z.strictObject({
  version: Version,
  reason: z.string().trim().min(1).max(500).optional(),
  effectiveDate: IsoDate.optional(),
});
export const ReactivateBody = z.strictObject({ version: Version, effectiveDate: IsoDate.optional() });

export const AgreementBody = z.strictObject({
  version: Version,
  kind: PartnerAgreementKind,
  reference: z.string().trim().min(1).max(100).optional(),
  startDate: IsoDate,
  endDate: IsoDate.optional(),
  amount: z.number().positive().max(1e12).optional(),
  currency: AgreementCurrency.optional(),
  activityLines: z.array(ActivityLine).max(20).default([]),
});

export const SupportBody = z.strictObject({
  version: Version,
  date: IsoDate,
  kind: PartnerSupportKind,
  description: z.string().trim().min(1).max(1000),
  activityLine: ActivityLine,
  agreementId: Id.optional(),
});

export const ContactsBody = z.strictObject({ contacts: Contacts });

export const IdParams = z.strictObject({ id: Id });

const Flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ListQuery = z.strictObject({
  ...PageQuery,
  country: Country.optional(),
  type: PartnerType.optional(),
  level: PartnerLevel.optional(),
  tag: PartnerTag.optional(),
  active: Flag.optional(),
  parentId: Id.optional(),
  q: z.string().trim().min(1).max(100).optional().describe('name or acronym prefix, in any language, accents ignored'),
});
export type ListQuery = z.infer<typeof ListQuery>;
