import { exitOnSignals, isEntryPoint, loadConfig, serviceConfigShape, startRuntime, type Logger } from '@passerelle/platform';
import { createApp } from './app.js';
import { createPartnerStore } from './store.js';

export const configShape = serviceConfigShape({ port: 3003, db: 'passerelle_partners' });

/** Starts the partners service from environment variables; returns its URL, runtime and store. */
export async function start(env: NodeJS.ProcessEnv = process.env, opts: { relay?: boolean; logger?: Logger } = {}) {
  const config = loadConfig(configShape, env);
  const rt = await startRuntime('partners', config, opts.logger ? { logger: opts.logger } : {});
  const publishing = opts.relay !== false;
  const store = await createPartnerStore(rt.db, publishing ? rt.relay : undefined);
  if (publishing) rt.relay.start();
  const url = await rt.listen(createApp(rt, store));
  return { url, rt, store };
}

if (isEntryPoint(import.meta.url)) {
  const { rt } = await start();
  exitOnSignals(rt, rt.config.SHUTDOWN_TIMEOUT_MS);
}
