import {
  createCommandPipeline,
  createCommands,
  createHttpApp,
  httpOptionsFrom,
  type Runtime,
} from '@passerelle/platform';
import { frameworkView, YAML_TYPES, type RouteContext } from './context.js';
import { frameworkRoutes } from './routes-framework.js';
import { indicatorRoutes } from './routes-indicators.js';
import type { FrameworkStore } from './store.js';

/** The indicators HTTP API. */
export function createApp(rt: Pick<Runtime, 'logger' | 'verify' | 'readiness' | 'config'>, store: FrameworkStore) {
  const frameworks = createCommandPipeline(store.frameworks, 'framework');
  const ctx: RouteContext = { store, frameworks, commands: createCommands(frameworks, (a) => frameworkView(a)) };

  return createHttpApp({
    service: 'indicators',
    about: {
      title: 'Passerelle indicators',
      description:
        'Results frameworks, indicator definitions and their computation rules, baselines, targets and alignment to SDG, Global Compact and national strategy objectives.',
    },
    ...httpOptionsFrom(rt),
    rawBodyTypes: YAML_TYPES,
    routes(api) {
      frameworkRoutes(api, ctx);
      indicatorRoutes(api, ctx);
    },
  });
}
