import type { EventDefinition } from '../registry.js';

/** Events of the assistance service (filled in by its issue). */
export const assistanceEvents: readonly EventDefinition[] = [];
