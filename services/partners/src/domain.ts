import type {
  Country,
  PartnerAgreementKind,
  PartnerLevel,
  PartnerName,
  PartnerSupportKind,
  PartnerType,
  PARTNER_FIELDS,
} from '@passerelle/contracts';
import {
  partnerAgreementSigned,
  partnerDeactivated,
  partnerReactivated,
  partnerRegistered,
  partnerSupportProvided,
  partnerUpdated,
} from '@passerelle/contracts';
import { RuleViolation, type Decision as KitDecision } from '@passerelle/platform';
import { nameKey, nameKeys, searchKey, searchKeys } from './names.js';

export interface Agreement {
  id: string;
  kind: PartnerAgreementKind;
  reference?: string | undefined;
  startDate: string;
  endDate?: string | undefined;
  amount?: number | undefined;
  currency?: string | undefined;
  activityLines: string[];
}

export interface SupportRecord {
  id: string;
  kind: PartnerSupportKind;
  date: string;
  description: string;
  activityLine: string;
  agreementId?: string | undefined;
}

/** The descriptive fields staff edit; the rest of the state follows from commands. */
export interface PartnerProfile {
  name: PartnerName;
  acronym?: string | undefined;
  type: PartnerType;
  level: PartnerLevel;
  country: Country;
  region?: string | undefined;
  parentId?: string | undefined;
  tags: string[];
}

export interface Partner extends PartnerProfile {
  active: boolean;
  registeredOn: string;
  deactivatedOn?: string | undefined;
  deactivationReason?: string | undefined;
  agreements: Agreement[];
  support: SupportRecord[];
  /** Normalised names in every language: each is unique within the country. */
  nameKeys: string[];
  /** Normalised names and acronym, for prefix search. */
  searchKeys: string[];
  /** Normalised French name, the order of lists. */
  sortKey: string;
}

/** What the deciders return: the kit's decision over a partner. */
export type Decision = KitDecision<Partner>;

type Field = (typeof PARTNER_FIELDS)[number];

/** Fields to change; null clears an optional one. The country never changes: it partitions the data. */
export interface ProfilePatch {
  name?: PartnerName | undefined;
  acronym?: string | null | undefined;
  type?: PartnerType | undefined;
  level?: PartnerLevel | undefined;
  region?: string | null | undefined;
  parentId?: string | null | undefined;
  tags?: string[] | undefined;
}

const DAY_MS = 86_400_000;
const addDays = (date: string, n: number) => new Date(Date.parse(date) + n * DAY_MS).toISOString().slice(0, 10);

/** Refuses dates of things that already happened when they lie in the future (one day of slack for time zones). */
function assertNotFuture(date: string, what: string, today: string): void {
  if (date > addDays(today, 1))
    throw new RuleViolation('DATE_IN_FUTURE', `the ${what} ${date} is in the future (today is ${today})`);
}

const withKeys = (p: Omit<Partner, 'nameKeys' | 'searchKeys' | 'sortKey'>): Partner => ({
  ...p,
  nameKeys: nameKeys(p.name),
  searchKeys: searchKeys(p.name, p.acronym),
  sortKey: searchKey(p.name.fr),
});

const compact = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const uniqueTags = (tags: string[]) => [...new Set(tags)].sort();

/** The data every partner event starts with: who the partner is, so consumers never need to ask. */
export function snapshot(id: string, p: Partner, businessDate: string) {
  return compact({
    partnerId: id,
    businessDate,
    name: compact({ ...p.name }),
    acronym: p.acronym,
    type: p.type,
    level: p.level,
    country: p.country,
    region: p.region,
    parentId: p.parentId,
    tags: p.tags,
    active: p.active,
  });
}

const routing = (id: string, p: Partner) => ({ subject: id, country: p.country });

/** Registers a partner; the registration date is today unless given. */
export function register(
  id: string,
  cmd: PartnerProfile & { registeredOn?: string | undefined },
  ctx: { today: string },
): Decision {
  const registeredOn = cmd.registeredOn ?? ctx.today;
  assertNotFuture(registeredOn, 'registration date', ctx.today);
  const { registeredOn: _r, ...profile } = cmd;
  const state = withKeys({
    ...compact(profile),
    tags: uniqueTags(cmd.tags),
    active: true,
    registeredOn,
    agreements: [],
    support: [],
  });
  return {
    state,
    events: [partnerRegistered.build({ ...routing(id, state), data: snapshot(id, state, registeredOn) })],
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Applies a profile patch (null clears an optional field); no event when nothing changes. */
export function update(
  id: string,
  p: Partner,
  patch: ProfilePatch,
  ctx: { today: string; effectiveDate?: string | undefined },
): Decision {
  const businessDate = ctx.effectiveDate ?? ctx.today;
  assertNotFuture(businessDate, 'effective date', ctx.today);
  const next: Partner = { ...p };
  const changed: Field[] = [];
  for (const field of ['name', 'acronym', 'type', 'level', 'region', 'parentId', 'tags'] as const) {
    const given = patch[field];
    if (given === undefined) continue;
    const value =
      field === 'tags'
        ? uniqueTags(patch.tags!)
        : field === 'name'
          ? compact({ ...patch.name! })
          : (given ?? undefined);
    if (same(value, p[field])) continue;
    (next as unknown as Record<string, unknown>)[field] = value;
    changed.push(field);
  }
  if (!changed.length) return { state: p, events: [] };
  const state = withKeys(compact(next));
  const renamed = changed.includes('name');
  const data = {
    ...snapshot(id, state, businessDate),
    changed,
    ...(renamed ? { previousName: compact({ ...p.name }) } : {}),
  };
  return { state, events: [partnerUpdated.build({ ...routing(id, state), data })] };
}

/** Marks a partner inactive: it stays in reports but gets no new support. */
export function deactivate(
  id: string,
  p: Partner,
  cmd: { reason?: string | undefined; effectiveDate?: string | undefined },
  ctx: { today: string },
): Decision {
  if (!p.active)
    throw new RuleViolation('ALREADY_INACTIVE', `partner ${id} is already deactivated (since ${p.deactivatedOn})`);
  const businessDate = cmd.effectiveDate ?? ctx.today;
  assertNotFuture(businessDate, 'effective date', ctx.today);
  if (businessDate < p.registeredOn)
    throw new RuleViolation(
      'BEFORE_REGISTRATION',
      `the partner was registered on ${p.registeredOn}, after ${businessDate}`,
    );
  const state: Partner = compact({ ...p, active: false, deactivatedOn: businessDate, deactivationReason: cmd.reason });
  return {
    state,
    events: [
      partnerDeactivated.build({
        ...routing(id, state),
        data: { ...snapshot(id, state, businessDate), ...compact({ reason: cmd.reason }) },
      }),
    ],
  };
}

/** Makes a deactivated partner active again. */
export function reactivate(
  id: string,
  p: Partner,
  cmd: { effectiveDate?: string | undefined },
  ctx: { today: string },
): Decision {
  if (p.active) throw new RuleViolation('ALREADY_ACTIVE', `partner ${id} is active`);
  const businessDate = cmd.effectiveDate ?? ctx.today;
  assertNotFuture(businessDate, 'effective date', ctx.today);
  const { deactivatedOn: _d, deactivationReason: _r, ...rest } = p;
  const state: Partner = { ...rest, active: true };
  return {
    state,
    events: [partnerReactivated.build({ ...routing(id, state), data: snapshot(id, state, businessDate) })],
  };
}

function assertActive(id: string, p: Partner, what: string): void {
  if (!p.active)
    throw new RuleViolation('PARTNER_INACTIVE', `partner ${id} is deactivated; reactivate it before recording ${what}`);
}

/** Records an agreement; its start date is the event's business date. */
export function signAgreement(id: string, p: Partner, agreement: Agreement): Decision {
  assertActive(id, p, 'an agreement');
  if (agreement.endDate !== undefined && agreement.endDate < agreement.startDate) {
    throw new RuleViolation(
      'END_BEFORE_START',
      `the end date ${agreement.endDate} is before the start date ${agreement.startDate}`,
    );
  }
  if ((agreement.amount === undefined) !== (agreement.currency === undefined)) {
    throw new RuleViolation('AMOUNT_NEEDS_CURRENCY', 'give an amount and its currency together, or neither');
  }
  if (
    agreement.reference &&
    p.agreements.some((a) => a.reference && nameKey(a.reference) === nameKey(agreement.reference!))
  ) {
    throw new RuleViolation(
      'DUPLICATE_AGREEMENT',
      `partner ${id} already has an agreement with reference ${agreement.reference}`,
    );
  }
  const a = compact({ ...agreement, activityLines: [...new Set(agreement.activityLines)] });
  const state: Partner = { ...p, agreements: [...p.agreements, a] };
  const { id: agreementId, ...terms } = a;
  return {
    state,
    events: [
      partnerAgreementSigned.build({
        ...routing(id, state),
        data: { ...snapshot(id, state, a.startDate), agreementId, ...terms },
      }),
    ],
  };
}

/** Records support given to an active partner; the support date is the event's business date. */
export function provideSupport(id: string, p: Partner, support: SupportRecord, ctx: { today: string }): Decision {
  assertActive(id, p, 'support');
  assertNotFuture(support.date, 'support date', ctx.today);
  if (support.agreementId !== undefined && !p.agreements.some((a) => a.id === support.agreementId)) {
    throw new RuleViolation('UNKNOWN_AGREEMENT', `partner ${id} has no agreement ${support.agreementId}`);
  }
  const s = compact({ ...support });
  const state: Partner = { ...p, support: [...p.support, s] };
  const { id: supportId, ...rest } = s;
  return {
    state,
    events: [
      partnerSupportProvided.build({
        ...routing(id, state),
        data: { ...snapshot(id, state, s.date), supportId, ...rest },
      }),
    ],
  };
}
