import type { Aggregate } from '@passerelle/platform';
import { improvedPercent } from './attendance.js';
import type { Training } from './domain.js';

/** A training as the API shows it; the assessment gains its "% with increased knowledge". */
export const view = (a: Aggregate<Training>, warnings: string[] = []) => ({
  id: a.id,
  version: a.version,
  country: a.country,
  ...a.state,
  ...(a.state.assessment
    ? { assessment: { ...a.state.assessment, improvedPercent: improvedPercent(a.state.assessment) } }
    : {}),
  ...(warnings.length ? { warnings } : {}),
});
