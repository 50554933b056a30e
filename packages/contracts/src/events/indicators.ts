import type { EventDefinition } from '../registry.js';

/** Events of the indicators service (filled in by its issue). */
export const indicatorsEvents: readonly EventDefinition[] = [];
