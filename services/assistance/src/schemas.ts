import { z } from 'zod';
import {
  ActivityLine,
  AgeGroup,
  AssistanceContext,
  AssistanceKind,
  BeneficiaryCountRow,
  Country,
  Currency,
  IsoDate,
  PartnerId,
  Place,
  Sex,
  VulnerabilityFlags,
} from '@passerelle/contracts';
import { PageQuery } from '@passerelle/platform';

/** Caps that keep one delivery (state, and every event that repeats its figures) well inside a 16 MB document. */
export const MAX_LIST = 2000;
export const MAX_COUNT_ROWS = 500;
export const MAX_AGE = 120;

/** A partner's local case number; hashed at once, never stored, logged or echoed. */
export const CaseReference = z
  .string()
  .trim()
  .min(1, 'a case reference cannot be empty')
  .max(64, 'a case reference has at most 64 characters')
  .regex(/^[^\p{Cc}]+$/u, 'a case reference cannot contain control characters');

/** Age in whole years, for lists that carry ages rather than age groups. */
export const Age = z.number().int().min(0, 'an age is 0 or more').max(MAX_AGE, `an age is at most ${MAX_AGE}`);

export const ListedBeneficiary = z
  .strictObject({
    caseReference: CaseReference,
    sex: Sex,
    ageGroup: AgeGroup.optional(),
    age: Age.optional(),
    flags: VulnerabilityFlags,
  })
  .refine((b) => (b.ageGroup === undefined) !== (b.age === undefined), {
    message: 'give either ageGroup or age',
    path: ['ageGroup'],
  });
export type ListedBeneficiary = z.infer<typeof ListedBeneficiary>;

export const CountRowInput = BeneficiaryCountRow.extend({ count: z.number().int().nonnegative().max(1_000_000) });

/** Beneficiaries as counts (mode `counts`) or as a list of case references (mode `list`). */
export const BeneficiariesInput = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('counts'), rows: z.array(CountRowInput).min(1).max(MAX_COUNT_ROWS) }),
  z.strictObject({ mode: z.literal('list'), list: z.array(ListedBeneficiary).min(1).max(MAX_LIST) }),
]);
export type BeneficiariesInput = z.infer<typeof BeneficiariesInput>;

const DeliveryFields = {
  date: IsoDate,
  kind: AssistanceKind,
  context: AssistanceContext,
  partnerId: PartnerId,
  place: Place,
  activityLine: ActivityLine,
  quantity: z.number().positive().max(1_000_000_000),
  unit: z.string().trim().min(1).max(40),
  amount: z.number().positive().max(1_000_000_000_000).optional(),
  currency: Currency.optional(),
  beneficiaries: BeneficiariesInput,
};

export const RecordDeliveryBody = z.strictObject(DeliveryFields);
export type RecordDeliveryBody = z.infer<typeof RecordDeliveryBody>;

export const Version = z.number().int().nonnegative();
export const Reason = z.string().trim().min(1).max(500);

/** A correction: the fields given replace the current ones; omitted fields (beneficiaries included) stay as they are. */
export const CorrectDeliveryBody = z
  .strictObject(DeliveryFields)
  .partial()
  .extend({ version: Version, reason: Reason.optional() });
export type CorrectDeliveryBody = z.infer<typeof CorrectDeliveryBody>;

export const VoidDeliveryBody = z.strictObject({ version: Version, reason: Reason });
export const IdParams = z.strictObject({ id: z.uuid() });

export const ListQuery = z
  .strictObject({
    ...PageQuery,
    country: Country.optional(),
    region: z.string().trim().min(1).max(120).optional(),
    kind: AssistanceKind.optional(),
    partnerId: PartnerId.optional(),
    context: AssistanceContext.optional(),
    status: z.enum(['recorded', 'voided']).optional(),
    from: IsoDate.optional(),
    to: IsoDate.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from is after to', path: ['from'] });
export type ListQuery = z.infer<typeof ListQuery>;
