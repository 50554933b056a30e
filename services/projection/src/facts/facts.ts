import type {
  AssistanceEvent,
  IndicatorEvent,
  PartnerEvent,
  PasserelleEvent,
  TrainingEvent,
} from '@passerelle/contracts';
import type { SourceChange } from './fact-model.js';
import { assistanceFacts } from './facts-assistance.js';
import { indicatorFacts } from './facts-indicators.js';
import { partnerFacts } from './facts-partners.js';
import { trainingFacts } from './facts-trainings.js';

// The fact model (kinds, fields, dimension fields) lives below the mappers, in fact-model.ts: the mappers need it
// and facts.ts needs the mappers, so keeping it here made an import circle. Importers keep reading it from here.
export * from './fact-model.js';

// The type names say which service an event belongs to; these guards narrow the union without casts.
const isTraining = (e: PasserelleEvent): e is TrainingEvent => e.type.startsWith('trainings.');
const isAssistance = (e: PasserelleEvent): e is AssistanceEvent => e.type.startsWith('assistance.');
const isPartner = (e: PasserelleEvent): e is PartnerEvent => e.type.startsWith('partners.');
const isIndicator = (e: PasserelleEvent): e is IndicatorEvent => e.type.startsWith('indicators.');

/**
 * Pure: the sources an event changes and their new facts. The same event always yields the same facts. Every
 * mapper switches over all of its service's types, so a new event type or a changed field fails the build here.
 */
export function changesOf(event: PasserelleEvent): SourceChange[] {
  if (isTraining(event)) return trainingFacts(event);
  if (isAssistance(event)) return assistanceFacts(event);
  if (isPartner(event)) return partnerFacts(event);
  if (isIndicator(event)) return indicatorFacts(event);
  return [];
}
