import {
  importConfigShape,
  importLimitsFrom,
  loadConfig,
  runIfEntryPoint,
  serviceConfigShape,
  startCommandService,
  startPartnerFeed,
} from '@passerelle/platform';
import { createApp } from './app.js';
import { createTrainingStore } from './store.js';

export const configShape = { ...serviceConfigShape({ port: 3001, db: 'passerelle_trainings' }), ...importConfigShape };

/** Starts the trainings service from environment variables; returns its URL and runtime. */
export async function start(env: NodeJS.ProcessEnv = process.env, opts: { relay?: boolean } = {}) {
  const config = loadConfig(configShape, env);
  const svc = await startCommandService('trainings', config, opts, {
    store: createTrainingStore,
    app: (rt, store) => createApp(rt, store, importLimitsFrom(config)),
  });
  await startPartnerFeed(svc.rt, 'trainings', svc.store.partners);
  return svc;
}

await runIfEntryPoint(import.meta.url, () => start());
