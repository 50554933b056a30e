import type { EventDefinition } from '../registry.js';

/** Events of the partners service (filled in by its issue). */
export const partnersEvents: readonly EventDefinition[] = [];
