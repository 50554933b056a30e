import type { Envelope } from '@passerelle/contracts';
import { trainingFacts } from './facts-trainings.js';

/** What kind of record a fact is; indicator rule sources map onto these. */
export const FactKind = {
  TrainingHeld: 'training_held',
  Attendance: 'training_attendance',
  Assessment: 'knowledge_test',
} as const;
export type FactKind = (typeof FactKind)[keyof typeof FactKind];

/**
 * One contributing record of the read model. Flat, so every engine groups it without $unwind: topics stay an
 * array (matched, never unwound) and every other dimension is a top-level string. `value` is the measure
 * (participants, trainings, people...); `key` is a beneficiary key where people are counted once.
 */
export interface FactFields {
  kind: FactKind | string;
  businessDate: string;
  value: number;
  activityLine?: string;
  region?: string;
  topics?: string[];
  sex?: string;
  category?: string;
  ageGroup?: string;
  [dimension: string]: unknown;
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

/** Pure: the sources an event changes and their new facts. The same event always yields the same facts. */
export function changesOf(event: Envelope): SourceChange[] {
  switch (event.source) {
    case 'trainings':
      return trainingFacts(event);
    default:
      return [];
  }
}
