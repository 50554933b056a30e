import type { Aggregate, CommandPipeline, Commands } from '@passerelle/platform';
import type { Framework } from './framework.js';
import type { FrameworkStore } from './store.js';

// What app.ts and the route files share lives here, below both: route files importing app.ts made an import circle.

export const YAML_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'];

/** Today's date, the business date of framework edits. */
export const today = () => new Date().toISOString().slice(0, 10);

/** A framework as clients see it (published snapshots are listed, not inlined). */
export function frameworkView(a: Aggregate<Framework>) {
  const { published, ...state } = a.state;
  return {
    id: a.id,
    version: a.version,
    ...state,
    publishedVersions: published.map(({ version, date }) => ({ version, date })),
  };
}

/** What route files need: the store, the framework pipeline (read, create, change) and the commands declared on it. */
export interface RouteContext {
  store: FrameworkStore;
  frameworks: CommandPipeline<Framework>;
  commands: Commands<Framework>;
}
