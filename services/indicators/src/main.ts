import { exitOnSignals, isEntryPoint, loadConfig, serviceConfigShape, startRuntime } from '@passerelle/platform';
import { createApp } from './app.js';
import { createFrameworkStore } from './store.js';

export const configShape = serviceConfigShape({ port: 3004, db: 'passerelle_indicators' });

/** Starts the indicators service from environment variables; returns its URL and runtime. */
export async function start(env: NodeJS.ProcessEnv = process.env, opts: { relay?: boolean } = {}) {
  const config = loadConfig(configShape, env);
  const rt = await startRuntime('indicators', config);
  const store = await createFrameworkStore(rt.db, opts.relay === false ? undefined : rt.relay);
  if (opts.relay !== false) rt.relay.start();
  const url = await rt.listen(createApp(rt, store));
  return { url, rt, store };
}

if (isEntryPoint(import.meta.url)) {
  const { rt } = await start();
  exitOnSignals(rt, rt.config.SHUTDOWN_TIMEOUT_MS);
}
