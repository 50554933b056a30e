import { exitOnSignals, isEntryPoint, loadConfig, serviceConfigShape, startRuntime } from '@passerelle/platform';
import { createApp } from './app.js';
import { createTrainingStore } from './store.js';

export const configShape = serviceConfigShape({ port: 3001, db: 'passerelle_trainings' });

/** Starts the trainings service from environment variables; returns its URL and runtime. */
export async function start(env: NodeJS.ProcessEnv = process.env, opts: { relay?: boolean } = {}) {
  const config = loadConfig(configShape, env);
  const rt = await startRuntime('trainings', config);
  const store = await createTrainingStore(rt.db, opts.relay === false ? undefined : rt.relay);
  if (opts.relay !== false) rt.relay.start();
  const url = await rt.listen(createApp(rt, store));
  return { url, rt, store };
}

if (isEntryPoint(import.meta.url)) {
  const { rt } = await start();
  exitOnSignals(rt, rt.config.SHUTDOWN_TIMEOUT_MS);
}
