// The read model's records, shared by the fact mappers (facts-*.ts), the projector and the queries.

/**
 * What kind of record a fact is. The first seven are the sources of indicator rules (contracts'
 * RULE_SOURCES), so a rule is evaluated by matching facts of its source; the others are reference data
 * reports show (partner names, frameworks, indicator definitions, targets, manual values).
 */
export const FactKind = {
  Attendance: 'training_attendance',
  KnowledgeTests: 'knowledge_tests',
  TrainingsHeld: 'trainings_held',
  Beneficiaries: 'assistance_beneficiaries',
  Deliveries: 'assistance_deliveries',
  PartnersSupported: 'partners_supported',
  Agreements: 'agreements',
  Partner: 'partner',
  Framework: 'framework',
  Indicator: 'indicator',
  Target: 'target',
  Baseline: 'baseline',
  ManualValue: 'manual_value',
} as const;
export type FactKind = (typeof FactKind)[keyof typeof FactKind];

/**
 * One contributing record of the read model. Flat, with dimension fields named as the rule dimensions
 * (topic, participant_category, activity_line, emergency, vulnerability, partner_type, region, sex, age_group),
 * so every engine can match and group it without $unwind; topic and vulnerability are arrays,
 * matched per value, and the rule dimension `kind` (what was delivered, the kind of support or agreement) is
 * the field `what`, since `kind` names the fact kind. `value` is the measure; `key` a beneficiary key where
 * people are counted once.
 */
export interface FactFields {
  kind: FactKind;
  businessDate: string;
  value: number;
  [field: string]: unknown;
}

export interface Fact extends FactFields {
  _id: string;
  source: string;
  seq: number;
  eventId: string;
  eventType: string;
  country: string;
  recordedAt: string;
}

/** The new complete set of facts of one source: a later event about the same source replaces them all. */
export interface SourceChange {
  source: string;
  facts: FactFields[];
}

// The fact field of each dimension, and the fields holding lists: declared once, with the dimensions, in contracts.
export { ARRAY_FIELDS, DIMENSION_FIELD } from '@passerelle/contracts';
