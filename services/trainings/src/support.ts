import type { Aggregate, Commands } from '@passerelle/platform';
import { improvedPercent } from './attendance.js';
import type { Training } from './domain.js';

/** Today as YYYY-MM-DD (UTC): the reference for "not yet started" and "too far ahead". */
export const today = () => new Date().toISOString().slice(0, 10);

/** A training as the API shows it; the assessment gains its "% with increased knowledge". */
export const view = (a: Aggregate<Training>, warnings: string[] = []) => ({
  id: a.id, version: a.version, country: a.country, ...a.state,
  ...(a.state.assessment ? { assessment: { ...a.state.assessment, improvedPercent: improvedPercent(a.state.assessment) } } : {}),
  ...(warnings.length ? { warnings } : {}),
});

/** The commands on a training, declared on the kit's pipeline. */
export type TrainingCommands = Commands<Training>;
