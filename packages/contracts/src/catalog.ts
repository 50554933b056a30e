import { createRegistry, type EventOf } from './registry.js';
import { trainingEvents } from './events/trainings.js';
import { assistanceEvents } from './events/assistance.js';
import { partnersEvents } from './events/partners.js';
import { indicatorsEvents } from './events/indicators.js';

/** Every event type Passerelle publishes; each service declares its own in events/<service>.ts. */
export const allEvents = [...trainingEvents, ...assistanceEvents, ...partnersEvents, ...indicatorsEvents] as const;

/** The registry consumers validate incoming messages against. */
export const registry = createRegistry(allEvents);

/** Any Passerelle event, typed: switch on `type` and `data` has that type's shape. */
export type PasserelleEvent = EventOf<(typeof allEvents)[number]>;
/** Every event type name. */
export type EventType = PasserelleEvent['type'];
/** The typed event of one type name. */
export type EventOfType<T extends EventType> = Extract<PasserelleEvent, { type: T }>;
/** Data of one event type, as consumers see it (after defaults and upcasting). */
export type EventData<T extends EventType> = EventOfType<T>['data'];

export type TrainingEvent = EventOf<(typeof trainingEvents)[number]>;
export type AssistanceEvent = EventOf<(typeof assistanceEvents)[number]>;
export type PartnerEvent = EventOf<(typeof partnersEvents)[number]>;
export type IndicatorEvent = EventOf<(typeof indicatorsEvents)[number]>;

/** A published framework as the read model keeps it: the event's data without frameworkId and businessDate. */
export type PublishedFrameworkData = Omit<EventData<'indicators.framework.published'>, 'frameworkId' | 'businessDate'>;
/** An indicator definition (with its revision) as the read model keeps it. */
export type IndicatorDefinitionData = Omit<EventData<'indicators.indicator.defined'>, 'frameworkId' | 'businessDate'>;
