import {
  ADULT_AGE_GROUPS,
  AGE_GROUPS,
  SEXES,
  canonicalFlags,
  type AssistanceKind,
  type BeneficiaryCountRow,
  type BeneficiaryMode,
  type KeyedBeneficiary,
  deliveryCorrected,
  deliveryRecorded,
  deliveryVoided,
  type Place,
} from '@passerelle/contracts';
import { RuleViolation, type Decision as KitDecision } from '@passerelle/platform';

export const DeliveryStatus = { Recorded: 'recorded', Voided: 'voided' } as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

/** What was delivered, when, where, by whom and for what. */
export interface DeliveryDetails {
  date: string;
  kind: AssistanceKind;
  context: string;
  partnerId: string;
  place: Place;
  activityLine: string;
  quantity: number;
  unit: string;
  amount?: number | undefined;
  currency?: string | undefined;
}

/** Beneficiaries once case references became keys: the domain never sees a reference. */
export type Beneficiaries =
  { mode: 'counts'; rows: BeneficiaryCountRow[] } | { mode: 'keys'; list: KeyedBeneficiary[] };

/** Who was reached, as reports read it. */
export interface Figures {
  mode: BeneficiaryMode;
  rows: BeneficiaryCountRow[];
  total: number;
  beneficiaries?: KeyedBeneficiary[] | undefined;
}

/** How the beneficiary keys of a stored delivery were made: `keyring` pseudonyms; absent on deliveries not yet migrated. */
export const KEY_SCHEME = 'keyring';

export interface Delivery extends DeliveryDetails, Figures {
  status: DeliveryStatus;
  corrections: number;
  voidReason?: string | undefined;
  /** Bookkeeping of the key migration (never shown in the API): set on every delivery whose keys are pseudonyms. */
  keyScheme?: typeof KEY_SCHEME | undefined;
}

/** What the deciders return: the kit's decision over a delivery. */
export type Decision = KitDecision<Delivery>;

/** One broken rule, located by field (and by position in the rows or list) so imports can name the sheet row. */
export interface Problem {
  code: string;
  field: string;
  index?: number;
  message: string;
}

/**
 * The latest calendar day anywhere on Earth (UTC+14): a delivery dated "today" in its field office is never
 * refused because the server's clock is in another time zone.
 */
export const latestToday = (now = Date.now()) => new Date(now + 14 * 3_600_000).toISOString().slice(0, 10);

/** Rules on the delivery itself. */
export function detailProblems(d: DeliveryDetails, today: string): Problem[] {
  const problems: Problem[] = [];
  if (d.date > today)
    problems.push({ code: 'FUTURE_DATE', field: 'date', message: `the delivery date ${d.date} is in the future` });
  if (d.kind === 'cash_voucher' && (d.amount === undefined || d.currency === undefined)) {
    problems.push({
      code: 'AMOUNT_REQUIRED',
      field: 'amount',
      message: 'cash or voucher assistance needs its amount and currency',
    });
  } else if ((d.amount === undefined) !== (d.currency === undefined)) {
    problems.push({
      code: 'AMOUNT_INCOMPLETE',
      field: d.amount === undefined ? 'amount' : 'currency',
      message: 'an amount needs its currency, and a currency its amount',
    });
  }
  return problems;
}

const flagProblem = (b: { ageGroup: string; flags: readonly string[] }, field: string, index: number): Problem[] =>
  b.flags.includes('unaccompanied_separated_child') && ADULT_AGE_GROUPS.includes(b.ageGroup)
    ? [
        {
          code: 'INCONSISTENT_VULNERABILITY',
          field,
          index,
          message: `an unaccompanied or separated child cannot be in age group ${b.ageGroup}`,
        },
      ]
    : [];

const rowKey = (r: { sex: string; ageGroup: string; flags: readonly string[] }) =>
  `${r.sex} / ${r.ageGroup} / ${r.flags.join('+')}`;
const order = (r: BeneficiaryCountRow) =>
  [SEXES.indexOf(r.sex), AGE_GROUPS.indexOf(r.ageGroup), r.flags.join('+')] as const;
const byDimensions = (a: BeneficiaryCountRow, b: BeneficiaryCountRow) => {
  const [x, y] = [order(a), order(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2].localeCompare(y[2]);
};

/** Turns beneficiaries into the figures reports use, or lists every rule they break. */
export function figuresOf(b: Beneficiaries): { figures: Figures; problems: Problem[] } {
  const problems: Problem[] = [];
  let figures: Figures;
  if (b.mode === 'counts') {
    const seen = new Map<string, number>();
    const rows = b.rows.map((r, i) => {
      const row = { ...r, flags: canonicalFlags(r.flags) };
      const key = rowKey(row);
      if (seen.has(key))
        problems.push({
          code: 'DUPLICATE_ROW',
          field: 'rows',
          index: i,
          message: `rows ${seen.get(key)! + 1} and ${i + 1} are both ${key}`,
        });
      seen.set(key, i);
      problems.push(...flagProblem(row, 'rows', i));
      return row;
    });
    const kept = rows.filter((r) => r.count > 0).sort(byDimensions);
    figures = { mode: 'counts', rows: kept, total: kept.reduce((n, r) => n + r.count, 0) };
  } else {
    const seen = new Map<string, number>();
    const list = b.list.map((p, i) => {
      if (seen.has(p.key))
        problems.push({
          code: 'DUPLICATE_BENEFICIARY',
          field: 'list',
          index: i,
          message: `beneficiaries ${seen.get(p.key)! + 1} and ${i + 1} have the same case reference`,
        });
      seen.set(p.key, i);
      problems.push(...flagProblem(p, 'list', i));
      return { ...p, flags: canonicalFlags(p.flags) };
    });
    const counts = new Map<string, BeneficiaryCountRow>();
    for (const p of list) {
      const row = counts.get(rowKey(p)) ?? { sex: p.sex, ageGroup: p.ageGroup, flags: p.flags, count: 0 };
      row.count++;
      counts.set(rowKey(p), row);
    }
    figures = { mode: 'keys', rows: [...counts.values()].sort(byDimensions), total: list.length, beneficiaries: list };
  }
  if (figures.total === 0)
    problems.push({
      code: 'NO_BENEFICIARIES',
      field: 'rows',
      message: 'a delivery reaches at least one person; void it instead of recording zero',
    });
  return { figures, problems };
}

/** Throws one 422 for every problem found, coded by the first; each problem keeps its own code and path. */
export function refuse(problems: Problem[]): void {
  const first = problems[0];
  if (!first) return;
  const errors = problems.map((p) => ({
    path: p.index === undefined ? p.field : `beneficiaries.${p.field}.${p.index}`,
    code: p.code,
    message: p.message,
  }));
  throw new RuleViolation(first.code, problems.map((p) => p.message).join('; '), { errors });
}

const regionOf = (place: Place) => (place.region ? { region: place.region } : {});

/** The full figures of a delivery, as recorded and corrected events carry them. */
export function figuresData(id: string, d: Delivery) {
  return {
    deliveryId: id,
    businessDate: d.date,
    kind: d.kind,
    context: d.context,
    partnerId: d.partnerId,
    place: d.place,
    ...regionOf(d.place),
    activityLine: d.activityLine,
    quantity: d.quantity,
    unit: d.unit,
    ...(d.amount !== undefined ? { amount: d.amount } : {}),
    ...(d.currency !== undefined ? { currency: d.currency } : {}),
    mode: d.mode,
    rows: d.rows,
    total: d.total,
    ...(d.beneficiaries ? { beneficiaries: d.beneficiaries } : {}),
  };
}

const routing = (id: string, d: Delivery) => ({ subject: id, country: d.place.country });

const details = (d: DeliveryDetails): DeliveryDetails => ({
  date: d.date,
  kind: d.kind,
  context: d.context,
  partnerId: d.partnerId,
  place: d.place,
  activityLine: d.activityLine,
  quantity: d.quantity,
  unit: d.unit,
  ...(d.amount !== undefined ? { amount: d.amount } : {}),
  ...(d.currency !== undefined ? { currency: d.currency } : {}),
});

/** Records a delivery. */
export function record(
  id: string,
  cmd: DeliveryDetails,
  beneficiaries: Beneficiaries,
  ctx: { today: string },
): Decision {
  const { figures, problems } = figuresOf(beneficiaries);
  refuse([...detailProblems(cmd, ctx.today), ...problems]);
  const state: Delivery = {
    ...details(cmd),
    ...figures,
    status: DeliveryStatus.Recorded,
    corrections: 0,
    keyScheme: KEY_SCHEME,
  };
  return { state, events: [deliveryRecorded.build({ ...routing(id, state), data: figuresData(id, state) })] };
}

/** Replaces a delivery's figures: fields given replace the current ones, beneficiaries too when given. */
export function correct(
  id: string,
  d: Delivery,
  changes: Partial<DeliveryDetails>,
  beneficiaries: Beneficiaries | undefined,
  reason: string | undefined,
  ctx: { today: string },
): Decision {
  if (d.status === DeliveryStatus.Voided)
    throw new RuleViolation('DELIVERY_VOIDED', 'this delivery was voided; record a new one instead of correcting it');
  if (changes.place && changes.place.country !== d.place.country) {
    throw new RuleViolation(
      'COUNTRY_CHANGE',
      `a delivery stays in its country (${d.place.country}); void it and record it in ${changes.place.country}`,
    );
  }
  const next = details({
    ...details(d),
    ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
  });
  const { figures, problems } = beneficiaries
    ? figuresOf(beneficiaries)
    : { figures: { mode: d.mode, rows: d.rows, total: d.total, beneficiaries: d.beneficiaries }, problems: [] };
  refuse([...detailProblems(next, ctx.today), ...problems]);
  const state: Delivery = {
    ...next,
    ...figures,
    ...(figures.beneficiaries ? {} : { beneficiaries: undefined }),
    status: d.status,
    corrections: d.corrections + 1,
    keyScheme: d.keyScheme,
  };
  if (JSON.stringify(figuresData(id, state)) === JSON.stringify(figuresData(id, d))) {
    throw new RuleViolation('NOTHING_CHANGED', 'the correction gives the same figures as the delivery already has');
  }
  const data = {
    ...figuresData(id, state),
    previousTotal: d.total,
    previousBusinessDate: d.date,
    ...(reason ? { reason } : {}),
  };
  return { state: strip(state), events: [deliveryCorrected.build({ ...routing(id, state), data })] };
}

/** Voids a delivery recorded in error; reports drop its figures. */
export function voidDelivery(id: string, d: Delivery, reason: string): Decision {
  if (d.status === DeliveryStatus.Voided) throw new RuleViolation('ALREADY_VOIDED', 'this delivery is already voided');
  const state: Delivery = { ...d, status: DeliveryStatus.Voided, voidReason: reason };
  const data = {
    deliveryId: id,
    businessDate: d.date,
    reason,
    kind: d.kind,
    context: d.context,
    partnerId: d.partnerId,
    activityLine: d.activityLine,
    ...regionOf(d.place),
    previousTotal: d.total,
  };
  return { state, events: [deliveryVoided.build({ ...routing(id, state), data })] };
}

/** Drops undefined fields so stored state and JSON views stay tidy. */
function strip(d: Delivery): Delivery {
  return Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) as unknown as Delivery;
}

/** An erasure, kept as an aggregate of its own so its audit event leaves through the outbox like any other. */
export interface Erasure {
  status: 'erased';
  date: string;
}
