import type { FactsView } from './read.js';
import { PEOPLE_CLOSED_VALUES } from '@passerelle/contracts';
import { DIMENSION_FIELD, FactKind } from '../facts/facts.js';
import { readFacts, readWholeFacts } from './read.js';
import type { Doc, IsProtected } from './tally.js';

/** Vulnerabilities that make a person part of a protected group. */
export const PROTECTED_FLAGS: ReadonlySet<string> = new Set(['victim_of_trafficking', 'unaccompanied_separated_child']);
/** Age groups of children: every child is protected. */
export const CHILD_AGE_GROUPS: ReadonlySet<string> = new Set(['0-4', '5-11', '12-17']);

/** Fact fields whose values name groups of people, and the values that name a protected group. */
const GROUP_VALUES: Record<string, ReadonlySet<string>> = {
  vulnerability: PROTECTED_FLAGS,
  age_group: CHILD_AGE_GROUPS,
};

/** Closed lists of values: a breakdown about a protected group lists all of them, so a missing row tells nothing. */
export const CLOSED_VALUES: Record<string, readonly string[]> = PEOPLE_CLOSED_VALUES;

/** Pure: whether a value of a field names a protected group (a breakdown row about victims or children). */
export const namesProtectedGroup = (field: string | undefined, value: string | null): boolean =>
  !!field && value !== null && (GROUP_VALUES[field]?.has(value) ?? false);

const valuesOf = (cond: unknown): string[] =>
  typeof cond === 'string'
    ? [cond]
    : cond && typeof cond === 'object' && Array.isArray((cond as { $in?: unknown }).$in)
      ? (cond as { $in: unknown[] }).$in.map(String)
      : [];

/** Pure: whether a facts condition asks about a protected group (a filter naming victims or children). */
export const asksAboutProtectedGroup = (match: Record<string, unknown>): boolean =>
  Object.keys(GROUP_VALUES).some((field) => valuesOf(match[field]).some((v) => namesProtectedGroup(field, v)));

/** Pure: the condition without its filters on protected groups: the population the question was asked of. */
export function withoutGroupFilters(match: Record<string, unknown>): Record<string, unknown> {
  const out = { ...match };
  for (const field of Object.keys(GROUP_VALUES)) delete out[field];
  return out;
}

/** Pure: a record that counts a protected person by itself: a victim, an unaccompanied or separated child, any child. */
export function selfProtected(d: Doc): boolean {
  const flags = Array.isArray(d.vulnerability) ? d.vulnerability : [];
  return flags.some((f) => PROTECTED_FLAGS.has(String(f))) || CHILD_AGE_GROUPS.has(String(d.age_group));
}

/** The rule of an indicator marked sensitive: what it counts is protected in every report, not only in its own. */
export interface SensitiveRule {
  country: string;
  source: string;
  filters: Record<string, string[]>;
}

/** Pure: whether a sensitive indicator's rule counts this record. */
export function ruleCovers(rule: SensitiveRule, d: Doc): boolean {
  if (d.kind !== rule.source || d.country !== rule.country) return false;
  return Object.entries(rule.filters).every(([dimension, values]) => {
    const v = d[DIMENSION_FIELD[dimension] ?? dimension];
    return Array.isArray(v) ? v.some((x) => values.includes(String(x))) : values.includes(String(v));
  });
}

/**
 * Pure: the protection predicate. A record is protected when it counts a protected person, when a sensitive
 * indicator counts it, or when its beneficiary key belongs to a person protected in any other record (a person
 * once recorded as a victim or a child stays protected in every report, every period).
 */
export function protectedBy(rules: SensitiveRule[], keys: ReadonlySet<string>): IsProtected {
  return (d) =>
    selfProtected(d) || rules.some((r) => ruleCovers(r, d)) || (typeof d.key === 'string' && keys.has(d.key));
}

const countryCondition = (match: Record<string, unknown>) =>
  match.country === undefined ? {} : { country: match.country };
/** Per list of people and set of rules, the predicate: the same function while neither changes (figures.ts memoizes by it). */
const keysMemo = new WeakMap<Doc[], Map<string, IsProtected>>();

/** The protection predicate for the countries of a facts condition, from the read model as it stands. */
export async function protectionOf(facts: FactsView, match: Record<string, unknown>): Promise<IsProtected> {
  const countries = countryCondition(match);
  const indicators = await readWholeFacts(facts, { kind: FactKind.Indicator, retired: false, ...countries });
  const rules: SensitiveRule[] = indicators.flatMap((i) => {
    const def = i.definition as
      | {
          sensitive?: boolean;
          computation?: { method: string; rule?: { source: string; filters?: Record<string, string[]> } };
        }
      | undefined;
    const rule = def?.sensitive && def.computation?.method === 'rule' ? def.computation.rule : undefined;
    return rule ? [{ country: i.country, source: rule.source, filters: rule.filters ?? {} }] : [];
  });
  const people = await readFacts(facts, { kind: FactKind.Beneficiaries, key: { $exists: true }, ...countries }, []);
  const memo = keysMemo.get(people) ?? keysMemo.set(people, new Map()).get(people)!;
  const id = JSON.stringify(rules);
  let predicate = memo.get(id);
  if (!predicate) {
    const own = protectedBy(rules, new Set());
    memo.set(id, (predicate = protectedBy(rules, new Set(people.filter(own).map((d) => String(d.key))))));
  }
  return predicate;
}
