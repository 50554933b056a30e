import { z } from 'zod';
import {
  Envelope,
  IsoDate,
  PartnerAgreementKind,
  PartnerLevel,
  PartnerName,
  PartnerSupportKind,
  PartnerType,
} from '@passerelle/contracts';
import { pageOf } from '@passerelle/platform';
import { Contact } from './schemas.js';

// What the routes answer, for the OpenAPI document and for the tests that check real answers against it (views.ts
// and read.ts make them).

const Agreement = z.object({
  id: z.uuid(),
  kind: PartnerAgreementKind,
  reference: z.string().optional(),
  startDate: IsoDate,
  endDate: IsoDate.optional(),
  amount: z.number().optional(),
  currency: z.string().optional(),
  activityLines: z.array(z.string()),
});
const Support = z.object({
  id: z.uuid(),
  kind: PartnerSupportKind,
  date: IsoDate,
  description: z.string(),
  activityLine: z.string(),
  agreementId: z.uuid().optional(),
});

const Profile = {
  id: z.uuid(),
  version: z.number().int().min(1).describe('send it back with a change'),
  name: PartnerName,
  acronym: z.string().optional(),
  type: PartnerType,
  level: PartnerLevel,
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .describe('ISO 3166-1 alpha-2'),
  region: z.string().optional(),
  parentId: z.uuid().optional(),
  tags: z.array(z.string()),
  active: z.boolean(),
  registeredOn: IsoDate,
  deactivatedOn: IsoDate.optional(),
  deactivationReason: z.string().optional(),
};

/** A partner as a command answers it; `warnings` when the hierarchy looks odd (the change is made anyway). */
export const PartnerView = z.object({
  ...Profile,
  agreements: z.array(Agreement),
  support: z.array(Support),
  warnings: z.array(z.string()).optional(),
});
export const AgreementRecorded = PartnerView.extend({ agreementId: z.uuid() });
export const SupportRecorded = PartnerView.extend({ supportId: z.uuid() });

/** A partner in a list: counts instead of the agreements and support themselves. */
export const PartnerPage = pageOf(
  z.object({
    ...Profile,
    agreementCount: z.number().int().nonnegative(),
    supportCount: z.number().int().nonnegative(),
    lastSupportDate: IsoDate.optional(),
  }),
);

const PartnerRef = z.object({
  id: z.uuid(),
  name: PartnerName,
  acronym: z.string().optional(),
  type: PartnerType,
  active: z.boolean(),
});

/** One partner with its place in the hierarchy, its contacts and every event, oldest first. */
export const PartnerDetail = PartnerView.extend({
  parent: PartnerRef.optional(),
  children: z.array(PartnerRef),
  contacts: z.array(Contact),
  history: z.array(Envelope),
});

export const ContactsView = z.object({ id: z.uuid(), contacts: z.array(Contact) });
