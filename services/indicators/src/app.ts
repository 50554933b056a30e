import { createCommandPipeline, createCommands, createHttpApp, httpOptionsFrom, type Aggregate, type CommandPipeline, type Commands, type Runtime } from '@passerelle/platform';
import type { Framework } from './framework.js';
import { frameworkRoutes } from './routes-framework.js';
import { indicatorRoutes } from './routes-indicators.js';
import type { FrameworkStore } from './store.js';

export const YAML_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'];

/** Today's date, the business date of framework edits. */
export const today = () => new Date().toISOString().slice(0, 10);

/** A framework as clients see it (published snapshots are listed, not inlined). */
export function frameworkView(a: Aggregate<Framework>) {
  const { published, ...state } = a.state;
  return { id: a.id, version: a.version, ...state, publishedVersions: published.map(({ version, date }) => ({ version, date })) };
}

/** What route files need: the store, the framework pipeline (read, create, change) and the commands declared on it. */
export interface RouteContext {
  store: FrameworkStore;
  frameworks: CommandPipeline<Framework>;
  commands: Commands<Framework>;
}

/** The indicators HTTP API. */
export function createApp(rt: Pick<Runtime, 'logger' | 'verify' | 'readiness' | 'config'>, store: FrameworkStore) {
  const frameworks = createCommandPipeline(store.frameworks, 'framework');
  const ctx: RouteContext = { store, frameworks, commands: createCommands(frameworks, (a) => frameworkView(a)) };

  return createHttpApp({
    service: 'indicators',
    about: { title: 'Passerelle indicators', description: 'Results frameworks, indicator definitions and their computation rules, baselines, targets and alignment to SDG, Global Compact and national strategy objectives.' },
    ...httpOptionsFrom(rt),
    rawBodyTypes: YAML_TYPES,
    routes(api) {
      frameworkRoutes(api, ctx);
      indicatorRoutes(api, ctx);
    },
  });
}
