import { z } from 'zod';
import {
  ActivityLine,
  AgeGroup,
  AssistanceContext,
  AssistanceKind,
  BeneficiaryCountRow,
  BeneficiaryKey,
  BeneficiaryMode,
  Currency,
  IsoDate,
  PartnerId,
  Place,
  Sex,
  VulnerabilityFlags,
} from '@passerelle/contracts';
import { pageOf } from '@passerelle/platform';

// What the routes answer, for the OpenAPI document and for the tests that check real answers against it (views.ts,
// list.ts, import.ts and erasure.ts make them).

/** One person of a list-mode delivery; the pseudonym (`key`) only for assistance:admin. */
const ShownBeneficiary = z.object({
  key: BeneficiaryKey.optional().describe('pseudonym, shown to assistance:admin only'),
  sex: Sex,
  ageGroup: AgeGroup,
  flags: VulnerabilityFlags,
});

const DeliveryFields = {
  id: z.uuid(),
  version: z.number().int().min(1).describe('send it back with a change'),
  date: IsoDate,
  kind: AssistanceKind,
  context: AssistanceContext,
  partnerId: PartnerId,
  place: Place,
  activityLine: ActivityLine,
  quantity: z.number(),
  unit: z.string(),
  amount: z.number().optional(),
  currency: Currency.optional(),
  mode: BeneficiaryMode.describe('counts, or keys when recorded as a list of people'),
  rows: z.array(BeneficiaryCountRow).describe('people reached by sex × age group × vulnerability'),
  total: z.number().int().nonnegative(),
  status: z.enum(['recorded', 'voided']),
  corrections: z.number().int().nonnegative(),
  voidReason: z.string().optional(),
};

/** A delivery as a list shows it: figures, not people. */
export const DeliverySummary = z.object(DeliveryFields);
/** A delivery as a command answers it. */
export const DeliveryView = z.object({
  ...DeliveryFields,
  beneficiaries: z.array(ShownBeneficiary).optional().describe('list mode only'),
});
export const DeliveryPage = pageOf(DeliverySummary);

/** One delivery with its events, oldest first. */
export const DeliveryDetail = DeliveryView.extend({
  history: z.array(
    z.object({
      version: z.number().int().min(1),
      type: z.string(),
      time: z.iso.datetime(),
      actor: z.string(),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
});

export const ImportResult = z.object({
  importId: z.string().describe('digest of the list: the same list imported again creates nothing'),
  created: z.number().int().nonnegative(),
  alreadyImported: z.number().int().nonnegative(),
  ignoredColumns: z.array(z.string()),
  deliveries: z.array(
    z.object({
      deliveryRef: z.string(),
      id: z.uuid(),
      rows: z.array(z.number().int()).describe('the sheet rows of this delivery'),
      mode: BeneficiaryMode,
      total: z.number().int().nonnegative(),
      status: z.enum(['created', 'already_imported']),
    }),
  ),
});

export const ErasureResult = z.object({ erasureId: z.uuid(), date: IsoDate });
