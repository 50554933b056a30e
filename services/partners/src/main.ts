import {
  loadConfig,
  runIfEntryPoint,
  serviceConfigShape,
  startCommandService,
  type Logger,
} from '@passerelle/platform';
import { createApp } from './app.js';
import { createPartnerStore } from './store.js';

export const configShape = serviceConfigShape({ port: 3003, db: 'passerelle_partners' });

/** Starts the partners service from environment variables; returns its URL, runtime and store. */
export async function start(env: NodeJS.ProcessEnv = process.env, opts: { relay?: boolean; logger?: Logger } = {}) {
  return startCommandService('partners', loadConfig(configShape, env), opts, {
    store: createPartnerStore,
    app: createApp,
  });
}

await runIfEntryPoint(import.meta.url, () => start());
