import type { Principal, Runtime } from '@passerelle/platform';
import type { ModelView } from '../apply/read-model.js';
import type { Policy } from '../query/disclosure.js';

/** What every report route needs: the read model (current, or as of a past instant) and small-cell protection. */
export interface ReportContext {
  rt: Runtime;
  /** The model now, or as it stood at an instant of record time (read from the versions it keeps). */
  modelFor(instant?: string): Promise<ModelView>;
  /** Whether the caller sees small cells (internal scope) and the threshold under which they are hidden. */
  protection(p: Principal): Policy;
}
