import { loadConfig, runIfEntryPoint, serviceConfigShape, startCommandService } from '@passerelle/platform';
import { createApp } from './app.js';
import { createFrameworkStore } from './store.js';

export const configShape = serviceConfigShape({ port: 3004, db: 'passerelle_indicators' });

/** Starts the indicators service from environment variables; returns its URL and runtime. */
export async function start(env: NodeJS.ProcessEnv = process.env, opts: { relay?: boolean } = {}) {
  return startCommandService('indicators', loadConfig(configShape, env), opts, {
    store: createFrameworkStore,
    app: createApp,
  });
}

await runIfEntryPoint(import.meta.url, () => start());
