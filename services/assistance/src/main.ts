import { exitOnSignals, isEntryPoint, startRuntime, type Logger } from '@passerelle/platform';
import { createApp } from './app.js';
import { loadAssistanceConfig } from './config.js';
import { createKeyMaker } from './keys.js';
import { createDeliveryStore } from './store.js';

export { configShape } from './config.js';

/** Starts the assistance service from environment variables; refuses to start if list mode lacks its secret. */
export async function start(env: NodeJS.ProcessEnv = process.env, opts: { relay?: boolean; logger?: Logger } = {}) {
  const config = loadAssistanceConfig(env);
  const keyOf = config.BENEFICIARY_LISTS === 'enabled' ? createKeyMaker(config.BENEFICIARY_KEY_SECRET!) : undefined;
  const rt = await startRuntime('assistance', config, opts.logger ? { logger: opts.logger } : {});
  const store = await createDeliveryStore(rt.db, opts.relay === false ? undefined : rt.relay);
  if (opts.relay !== false) rt.relay.start();
  const url = await rt.listen(createApp(rt, store, keyOf));
  return { url, rt, store };
}

if (isEntryPoint(import.meta.url)) {
  const { rt } = await start();
  exitOnSignals(rt, rt.config.SHUTDOWN_TIMEOUT_MS);
}
