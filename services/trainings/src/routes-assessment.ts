import type { Api } from '@passerelle/platform';
import { recordAssessment } from './attendance.js';
import type { TrainingCommands } from './context.js';
import { AssessmentBody, IdParams, TrainingView } from './schemas.js';

/** Knowledge assessments of a held training: pre and post test results, as aggregates. */
export function assessmentRoutes(api: Api, commands: TrainingCommands) {
  const write = { scope: 'trainings:write', params: IdParams, response: TrainingView, tags: ['assessment'] };
  commands.post(api, '/trainings/:id/assessment', {
    ...write,
    summary: 'Record pre/post knowledge test results',
    description:
      'Aggregates only: participants tested, average pre and post scores (percent), and how many improved. A later call replaces the earlier figures.',
    body: AssessmentBody,
    decide: (t, { params, body: { version: _version, ...assessment } }) => recordAssessment(params.id, t, assessment),
  });
}
