import type { Commands } from '@passerelle/platform';
import type { Training } from './domain.js';

// What app.ts and the route files share (the views are in views.ts).

/** Today as YYYY-MM-DD (UTC): the reference for "not yet started" and "too far ahead". */
export const today = () => new Date().toISOString().slice(0, 10);

/** The commands on a training, declared on the kit's pipeline. */
export type TrainingCommands = Commands<Training>;
