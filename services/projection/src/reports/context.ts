import type { Principal, Runtime } from '@passerelle/platform';
import type { ReadModel } from '../read-model.js';

/** What every report route needs: the read model (current, or as of a past instant) and small-cell protection. */
export interface ReportContext {
  rt: Runtime;
  /** The current generation, or the model of the events recorded up to `instant` (a cached replay). */
  modelFor(instant?: string): Promise<ReadModel>;
  /** Whether the caller sees small cells (internal scope) and the threshold under which they are hidden. */
  protection(p: Principal): { threshold: number; internal: boolean };
}
