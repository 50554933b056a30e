import { runIfEntryPoint, startCommandService, type Logger } from '@passerelle/platform';
import { createApp } from './app.js';
import { loadAssistanceConfig } from './config.js';
import { createKeyMaker } from './keys.js';
import { createDeliveryStore } from './store.js';

export { configShape } from './config.js';

/** Starts the assistance service from environment variables; refuses to start if list mode lacks its secret. */
export async function start(env: NodeJS.ProcessEnv = process.env, opts: { relay?: boolean; logger?: Logger } = {}) {
  const config = loadAssistanceConfig(env);
  const keyOf = config.BENEFICIARY_LISTS === 'enabled' ? createKeyMaker(config.BENEFICIARY_KEY_SECRET!) : undefined;
  return startCommandService('assistance', config, opts, { store: createDeliveryStore, app: (rt, store) => createApp(rt, store, keyOf) });
}

await runIfEntryPoint(import.meta.url, () => start());
