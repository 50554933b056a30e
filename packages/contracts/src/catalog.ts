import { createRegistry } from './registry.js';
import { trainingEvents } from './events/trainings.js';
import { assistanceEvents } from './events/assistance.js';
import { partnersEvents } from './events/partners.js';
import { indicatorsEvents } from './events/indicators.js';

/** Every event type Passerelle publishes; each service declares its own in events/<service>.ts. */
export const allEvents = [...trainingEvents, ...assistanceEvents, ...partnersEvents, ...indicatorsEvents] as const;

/** The registry consumers validate incoming messages against. */
export const registry = createRegistry(allEvents);
