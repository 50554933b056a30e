import { FactKind } from './facts.js';

/** Each source's name says the one kind of fact it ever holds (see the mappers in facts-*.ts). */
const SOURCE_KINDS: Array<[RegExp, FactKind]> = [
  [/^training:[^:]+:held$/, FactKind.TrainingsHeld],
  [/^training:[^:]+:attendance$/, FactKind.Attendance],
  [/^training:[^:]+:assessment$/, FactKind.KnowledgeTests],
  [/^delivery:[^:]+:delivery$/, FactKind.Deliveries],
  [/^delivery:[^:]+:people$/, FactKind.Beneficiaries],
  [/^partner:/, FactKind.Partner],
  [/^agreement:/, FactKind.Agreements],
  [/^support:/, FactKind.PartnersSupported],
  [/^framework:/, FactKind.Framework],
  [/^indicator:/, FactKind.Indicator],
  [/^baseline:/, FactKind.Baseline],
  [/^target:/, FactKind.Target],
  [/^manual:/, FactKind.ManualValue],
];

/**
 * Pure: the kind of fact a source holds, whichever of its events wrote them, or undefined for a name not known here.
 * A batch that replaces or voids a source's facts changes exactly that kind in the event's country, which is what
 * report caches are invalidated by (read-model.ts): a void's empty change still names what it removed.
 */
export function kindOfSource(source: string): FactKind | undefined {
  return SOURCE_KINDS.find(([pattern]) => pattern.test(source))?.[1];
}
