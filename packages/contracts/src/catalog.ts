import { createRegistry } from './registry.js';
import { trainingEvents } from './events/trainings.js';

/** Every event type Passerelle publishes; services add theirs here. */
export const allEvents = [...trainingEvents] as const;

/** The registry consumers validate incoming messages against. */
export const registry = createRegistry(allEvents);
