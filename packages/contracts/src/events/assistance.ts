import { z } from 'zod';
import { defineEvent } from '../registry.js';
import { ActivityLine, AgeGroup, IsoDate, Place, Sex } from '../vocabulary.js';

/** What was delivered. */
export const ASSISTANCE_KINDS = [
  'food',
  'hygiene_dignity_kit',
  'cash_voucher',
  'medical',
  'shelter',
  'psychosocial',
  'transport',
  'legal_aid',
  'other',
] as const;
export const AssistanceKind = z.enum(ASSISTANCE_KINDS);
export type AssistanceKind = z.infer<typeof AssistanceKind>;

/**
 * Vulnerabilities a beneficiary may have; `none` stands alone. `victim_of_trafficking` covers victims and
 * potential (presumed, not yet identified) victims; `unaccompanied_separated_child` only makes sense under 18.
 */
export const VULNERABILITIES = [
  'victim_of_trafficking',
  'unaccompanied_separated_child',
  'pregnant_lactating',
  'disability',
  'serious_medical_condition',
  'none',
] as const;
export const Vulnerability = z.enum(VULNERABILITIES);
export type Vulnerability = z.infer<typeof Vulnerability>;

/** Age groups an unaccompanied or separated child cannot be in. */
export const ADULT_AGE_GROUPS: readonly string[] = ['18-59', '60+'];

/** Vulnerability flags in canonical order (the order of VULNERABILITIES), without duplicates, `none` alone. */
export const VulnerabilityFlags = z
  .array(Vulnerability)
  .min(1)
  .max(VULNERABILITIES.length)
  .superRefine((flags, ctx) => {
    if (new Set(flags).size !== flags.length) ctx.addIssue({ code: 'custom', message: 'a flag is listed twice' });
    if (flags.includes('none') && flags.length > 1)
      ctx.addIssue({ code: 'custom', message: '"none" cannot be combined with other flags' });
  });

/** Sorts flags into canonical order, so one set of flags always reads the same. */
export const canonicalFlags = (flags: readonly Vulnerability[]): Vulnerability[] =>
  VULNERABILITIES.filter((v) => flags.includes(v));

/** Programme or emergency a delivery belongs to: `programme`, `covid19`, or another lower_snake code. */
export const AssistanceContext = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, 'a context is a lower_snake_case code such as programme or covid19');

/** ISO 4217 currency code. */
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as MAD or EUR');

/**
 * Pseudonymous beneficiary key: 64 hex digits. Since the keyring (issue 14) it is a random pseudonym the assistance
 * service keeps per person and can destroy (right to erasure); events recorded before the keyring migration carry
 * the older form, an HMAC-SHA-256 of the case reference. Both look alike on purpose: consumers need not tell them apart.
 */
export const BeneficiaryKey = z.string().regex(/^[0-9a-f]{64}$/, 'a beneficiary key is 64 hex digits');

export const PartnerId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'a partner id: letters, digits and . _ : - (at most 64)');

/** Beneficiaries of one sex × age group × set of flags. */
export const BeneficiaryCountRow = z.strictObject({
  sex: Sex,
  ageGroup: AgeGroup,
  flags: VulnerabilityFlags,
  count: z.number().int().nonnegative(),
});
export type BeneficiaryCountRow = z.infer<typeof BeneficiaryCountRow>;

/** One person reached, known only by a pseudonym: the same person has the same key in every delivery until erased. */
export const KeyedBeneficiary = z.strictObject({
  key: BeneficiaryKey,
  sex: Sex,
  ageGroup: AgeGroup,
  flags: VulnerabilityFlags,
});
export type KeyedBeneficiary = z.infer<typeof KeyedBeneficiary>;

/** `counts`: only counts were given (report totals); `keys`: one entry per person (reports can count unique people). */
export const BeneficiaryMode = z.enum(['counts', 'keys']);
export type BeneficiaryMode = z.infer<typeof BeneficiaryMode>;

const DeliveryRef = { deliveryId: z.uuid(), businessDate: IsoDate };

/** Everything reports group or sum a delivery by; recorded and corrected carry all of it. */
const DeliveryFigures = {
  ...DeliveryRef,
  kind: AssistanceKind,
  context: AssistanceContext,
  partnerId: PartnerId,
  place: Place,
  region: z.string().optional(),
  activityLine: ActivityLine,
  quantity: z.number().positive(),
  unit: z.string().trim().min(1).max(40),
  /** Total value delivered, for cash or vouchers. */
  amount: z.number().nonnegative().optional(),
  currency: Currency.optional(),
  mode: BeneficiaryMode,
  rows: z.array(BeneficiaryCountRow).min(1),
  total: z.number().int().nonnegative(),
  /** Only in `keys` mode: one entry per person, keys distinct within the delivery. */
  beneficiaries: z.array(KeyedBeneficiary).optional(),
};
export type DeliveryFigures = z.infer<z.ZodObject<typeof DeliveryFigures>>;

const figuresAgree = (
  d: { mode: BeneficiaryMode; beneficiaries?: unknown[] | undefined; rows: Array<{ count: number }>; total: number },
  ctx: z.RefinementCtx,
) => {
  if ((d.mode === 'keys') !== (d.beneficiaries !== undefined))
    ctx.addIssue({ code: 'custom', path: ['beneficiaries'], message: 'beneficiaries are given exactly in keys mode' });
  if (d.rows.reduce((n, r) => n + r.count, 0) !== d.total)
    ctx.addIssue({ code: 'custom', path: ['total'], message: 'total is the sum of the rows' });
  if (d.beneficiaries && d.beneficiaries.length !== d.total)
    ctx.addIssue({ code: 'custom', path: ['total'], message: 'in keys mode total is the number of beneficiaries' });
};

export const DeliveryRecordedData = z.strictObject(DeliveryFigures).superRefine(figuresAgree);
export const DeliveryCorrectedData = z
  .strictObject({
    ...DeliveryFigures,
    previousTotal: z.number().int().nonnegative(),
    previousBusinessDate: IsoDate,
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .superRefine(figuresAgree);
export const DeliveryVoidedData = z.strictObject({
  ...DeliveryRef,
  reason: z.string().trim().min(1).max(500),
  kind: AssistanceKind,
  context: AssistanceContext,
  partnerId: PartnerId,
  activityLine: ActivityLine,
  region: z.string().optional(),
  previousTotal: z.number().int().nonnegative(),
});

export const deliveryRecorded = defineEvent({
  type: 'assistance.delivery.recorded',
  version: '1',
  description:
    'Assistance was delivered (businessDate is the delivery date). rows/total are counts by sex × age group × flags; ' +
    'in keys mode beneficiaries lists one pseudonymous key per person, so reports can count unique people across deliveries.',
  data: DeliveryRecordedData,
  businessDate: (d) => d.businessDate,
});

export const deliveryCorrected = defineEvent({
  type: 'assistance.delivery.corrected',
  version: '1',
  description:
    'New figures replace every figure of the delivery (the data is complete, not a difference). ' +
    'businessDate may have moved: previousBusinessDate is the date the replaced figures were attributed to.',
  data: DeliveryCorrectedData,
  businessDate: (d) => d.businessDate,
});

export const deliveryVoided = defineEvent({
  type: 'assistance.delivery.voided',
  version: '1',
  description:
    'The delivery was recorded in error: reports drop all its figures. businessDate is its last delivery date.',
  data: DeliveryVoidedData,
  businessDate: (d) => d.businessDate,
});

export const DeliveryRekeyedData = z.strictObject(DeliveryFigures).superRefine(figuresAgree);

export const deliveryRekeyed = defineEvent({
  type: 'assistance.delivery.rekeyed',
  version: '1',
  description:
    'The beneficiary keys of the delivery were replaced by keyring pseudonyms (a one-off migration); the same people, ' +
    'the figures otherwise unchanged. The data is complete, as in recorded: it replaces every figure of the delivery.',
  data: DeliveryRekeyedData,
  businessDate: (d) => d.businessDate,
});

/**
 * The audit record of an erasure. It carries neither the case reference nor the pseudonym (that would defeat
 * the erasure); the actor and the country of the request are in the envelope.
 */
export const BeneficiaryErasedData = z.strictObject({
  erasureId: z.uuid(),
  /** The day of the erasure (UTC), the business date of the event. */
  date: IsoDate,
});

export const beneficiaryErased = defineEvent({
  type: 'assistance.beneficiary.erased',
  version: '1',
  description:
    'A person was forgotten (right to erasure): the assistance service destroyed the keyring entry that linked their ' +
    'case reference to their pseudonym. Their past records stay, counted once under the old pseudonym; a later delivery to the ' +
    'same reference counts them as a new person. No figure changes: reports need do nothing.',
  data: BeneficiaryErasedData,
  businessDate: (d) => d.date,
});

/** Events of the assistance service. */
export const assistanceEvents = [
  deliveryRecorded,
  deliveryCorrected,
  deliveryVoided,
  deliveryRekeyed,
  beneficiaryErased,
] as const;
