import type { TrainingEvent } from '@passerelle/contracts';
import { FactKind, type SourceChange } from './fact-model.js';

type Grouped = {
  trainingId: string;
  businessDate: string;
  topics: string[];
  activityLine: string;
  region?: string | undefined;
};

const dims = (d: Grouped) => ({
  businessDate: d.businessDate,
  topic: d.topics,
  activity_line: d.activityLine,
  trainingId: d.trainingId,
  ...(d.region ? { region: d.region } : {}),
});

/** Facts of trainings: one per training held, one per attendance row, one per knowledge-test result. */
export function trainingFacts(event: TrainingEvent): SourceChange[] {
  switch (event.type) {
    case 'trainings.training.held': {
      const d = event.data;
      return [
        {
          source: `training:${d.trainingId}:held`,
          // One fact per partner too, so "distinct partners of trainings" needs no array handling.
          facts: [
            { kind: FactKind.TrainingsHeld, ...dims(d), value: 1 },
            ...d.partnerIds.map((partnerId) => ({ kind: FactKind.TrainingsHeld, ...dims(d), partnerId, value: 0 })),
          ],
        },
      ];
    }
    case 'trainings.training.cancelled':
      // A cancelled training contributes nothing, whatever was recorded before.
      return ['held', 'attendance', 'assessment'].map((s) => ({
        source: `training:${event.data.trainingId}:${s}`,
        facts: [],
      }));
    case 'trainings.training.attendance_recorded':
    case 'trainings.training.attendance_corrected': {
      const d = event.data;
      return [
        {
          source: `training:${d.trainingId}:attendance`,
          facts: d.rows.map((r) => ({
            kind: FactKind.Attendance,
            ...dims(d),
            sex: r.sex,
            participant_category: r.category,
            ...(r.ageGroup ? { age_group: r.ageGroup } : {}),
            value: r.count,
          })),
        },
      ];
    }
    case 'trainings.training.assessment_recorded': {
      const d = event.data;
      return [
        {
          source: `training:${d.trainingId}:assessment`,
          facts: [
            { kind: FactKind.KnowledgeTests, ...dims(d), tested: d.tested, improved: d.improved, value: d.improved },
          ],
        },
      ];
    }
    case 'trainings.training.planned':
    case 'trainings.training.rescheduled':
    case 'trainings.topic.added':
      return [];
  }
}
