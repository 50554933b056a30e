import { loadConfig, runIfEntryPoint, serviceConfigShape, startCommandService } from '@passerelle/platform';
import { createApp } from './app.js';
import { createTrainingStore } from './store.js';

export const configShape = serviceConfigShape({ port: 3001, db: 'passerelle_trainings' });

/** Starts the trainings service from environment variables; returns its URL and runtime. */
export async function start(env: NodeJS.ProcessEnv = process.env, opts: { relay?: boolean } = {}) {
  return startCommandService('trainings', loadConfig(configShape, env), opts, { store: createTrainingStore, app: createApp });
}

await runIfEntryPoint(import.meta.url, () => start());
