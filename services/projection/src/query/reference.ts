import type { FactsView } from './read.js';
import type { Localized, PublishedFrameworkData } from '@passerelle/contracts';
import { NotFoundError, assertCountry, type Principal } from '@passerelle/platform';
import { FactKind } from '../facts/facts.js';
import { readFacts, readWholeFacts } from './read.js';

/**
 * Reference data reports show beside figures: frameworks, indicator definitions and partners. No counts of
 * people here: those only leave the query layer through the disclosure layer (figures.ts).
 */

/** The published tree of a framework, as its fact holds it (the contract's shape). */
export type PublishedFramework = PublishedFrameworkData;

/** The latest published version of a framework, after checking the caller may read its country; 404 when none. */
export async function publishedFramework(
  facts: FactsView,
  frameworkId: string,
  principal: Principal,
): Promise<PublishedFramework> {
  assertCountry(principal, frameworkId.split('-').pop()!);
  const [fact] = await readWholeFacts(facts, { kind: FactKind.Framework, frameworkId, historical: { $exists: false } });
  if (!fact) throw new NotFoundError('published framework', frameworkId);
  return fact.framework as PublishedFramework;
}

/** Current definitions of a framework's indicators that are not retired. */
export async function indicatorDefinitions<T>(facts: FactsView, frameworkId: string): Promise<T[]> {
  return (await readWholeFacts(facts, { kind: FactKind.Indicator, frameworkId, retired: false })).map(
    (f) => f.definition as T,
  );
}

/** Partners as the read model knows them (latest names), for a country condition. */
export async function partners(facts: FactsView, country: unknown, opts: { activeOnly?: boolean } = {}) {
  const rows = await readWholeFacts(facts, {
    kind: FactKind.Partner,
    ...(country !== undefined ? { country } : {}),
    ...(opts.activeOnly ? { active: true } : {}),
  });
  return rows.map((f) => ({
    partnerId: String(f.partnerId),
    country: f.country,
    name: f.name as Localized,
    acronym: (f.acronym as string | null | undefined) ?? null,
    type: String(f.partner_type),
    level: f.level as string,
    region: (f.region as string | undefined) ?? null,
    active: f.active as boolean,
    since: f.businessDate,
  }));
}

/** Partner names by id: partner facts hold each partner's latest names. */
export async function partnerNames(facts: FactsView, match: Record<string, unknown>): Promise<Map<string, Localized>> {
  return new Map((await partners(facts, match.country)).map((p) => [p.partnerId, p.name]));
}

/** The partners of each training held under a condition (a training's participants count under each of them). */
export async function trainingPartners(
  facts: FactsView,
  match: Record<string, unknown>,
): Promise<Map<string, string[]>> {
  const held = await readWholeFacts(facts, { ...match, kind: FactKind.TrainingsHeld, partnerId: { $exists: true } });
  const out = new Map<string, string[]>();
  for (const h of held) out.set(String(h.trainingId), [...(out.get(String(h.trainingId)) ?? []), String(h.partnerId)]);
  return out;
}

/** Trainings held and deliveries made under a condition, one entry each (no counts of people: see figures.ts). */
export async function activitiesOf(facts: FactsView, match: Record<string, unknown>) {
  const [held, delivered] = await Promise.all([
    readWholeFacts(facts, { ...match, kind: FactKind.TrainingsHeld, value: 1 }),
    readWholeFacts(facts, { ...match, kind: FactKind.Deliveries }),
  ]);
  return {
    trainings: held.map((t) => ({
      trainingId: String(t.trainingId),
      date: t.businessDate,
      topics: (t.topic as string[] | undefined) ?? [],
      line: t.activity_line as string,
    })),
    deliveries: delivered.map((d) => ({
      deliveryId: String(d.deliveryId),
      date: d.businessDate,
      kind: String(d.what),
      line: d.activity_line as string,
    })),
  };
}

/** Periods a framework plans for: those holding a target or a reported value. */
export async function plannedPeriods(facts: FactsView, frameworkId: string): Promise<string[]> {
  return (await readWholeFacts(facts, { kind: { $in: [FactKind.Target, FactKind.ManualValue] }, frameworkId })).map(
    (f) => String(f.period),
  );
}

/** The business date of a country's latest activity of any rule source up to a day, if any. */
export async function latestActivityDate(
  facts: FactsView,
  country: string,
  upTo: string,
  sources: string[],
): Promise<string | undefined> {
  const dates = (
    await readFacts(facts, { kind: { $in: sources as FactKind[] }, country, businessDate: { $lte: upTo } }, [
      'businessDate',
    ])
  ).map((d) => String(d.businessDate));
  return dates.length ? dates.reduce((a, b) => (a > b ? a : b)) : undefined;
}
/** The records of a framework reports read beside figures: its latest published version, indicators, targets, baselines and manual values. */
export async function frameworkRecords(facts: FactsView, frameworkId: string) {
  const [[framework], indicators, targets, baselines, manual] = await Promise.all([
    readWholeFacts(facts, { kind: FactKind.Framework, frameworkId, historical: { $exists: false } }),
    ...[FactKind.Indicator, FactKind.Target, FactKind.Baseline, FactKind.ManualValue].map((kind) =>
      readWholeFacts(facts, { kind, frameworkId }),
    ),
  ]);
  return { framework, indicators: indicators!, targets: targets!, baselines: baselines!, manual: manual! };
}
