import type { AttendanceRow, Envelope } from '@passerelle/contracts';

/**
 * One contributing record of the read model, flat so every engine can group it without $unwind.
 * `source` names what the fact stands for (e.g. the attendance of one training); a later event about
 * the same source replaces all its facts, which is how corrections and voids take effect.
 */
export interface Fact {
  _id: string;
  source: string;
  kind: FactKind;
  eventId: string;
  eventType: string;
  country: string;
  businessDate: string;
  recordedAt: string;
  activityLine?: string;
  region?: string;
  topics?: string[];
  sex?: string;
  category?: string;
  ageGroup?: string;
  /** The measure: participants, trainings, people... depending on kind. */
  value: number;
}

export const FactKind = { TrainingHeld: 'training_held', Attendance: 'training_attendance' } as const;
export type FactKind = (typeof FactKind)[keyof typeof FactKind];

/** The new complete set of facts of one source (empty: the source no longer contributes). */
export interface SourceChange {
  source: string;
  facts: Omit<Fact, '_id' | 'source' | 'eventId' | 'eventType' | 'country' | 'recordedAt'>[];
}

type TrainingData = { trainingId: string; businessDate: string; topics: string[]; activityLine: string; region?: string };

const trainingDims = (d: TrainingData) => ({ businessDate: d.businessDate, topics: d.topics, activityLine: d.activityLine, ...(d.region ? { region: d.region } : {}) });

/** Pure: the sources an event changes and their new facts. The same event always yields the same facts. */
export function changesOf(event: Envelope): SourceChange[] {
  switch (event.type) {
    case 'trainings.training.held': {
      const d = event.data as TrainingData;
      return [{ source: `training:${d.trainingId}:held`, facts: [{ kind: FactKind.TrainingHeld, ...trainingDims(d), value: 1 }] }];
    }
    case 'trainings.training.attendance_recorded':
    case 'trainings.training.attendance_corrected': {
      const d = event.data as TrainingData & { rows: AttendanceRow[] };
      return [{
        source: `training:${d.trainingId}:attendance`,
        facts: d.rows.map((r) => ({
          kind: FactKind.Attendance, ...trainingDims(d), sex: r.sex, category: r.category,
          ...(r.ageGroup ? { ageGroup: r.ageGroup } : {}), value: r.count,
        })),
      }];
    }
    default:
      return [];
  }
}

export const PARTICIPANT_DIMENSIONS = ['topic', 'sex', 'category', 'region', 'activityLine'] as const;
export type ParticipantDimension = (typeof PARTICIPANT_DIMENSIONS)[number];
