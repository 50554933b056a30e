import {
  importLimitsFrom,
  runIfEntryPoint,
  startCommandService,
  startPartnerFeed,
  type Logger,
} from '@passerelle/platform';
import { createApp } from './app.js';
import { loadAssistanceConfig } from './config.js';
import { createKeyMaker } from './keys.js';
import { migrateKeys } from './migrate-keys.js';
import { createDeliveryStore } from './store.js';

export { configShape } from './config.js';

/**
 * Starts the assistance service from environment variables; refuses to start if list mode lacks its secret.
 * Deliveries recorded before the keyring are migrated before the service accepts a request, so every command
 * sees pseudonyms only (a no-op, one query, once they all are).
 */
export async function start(env: NodeJS.ProcessEnv = process.env, opts: { relay?: boolean; logger?: Logger } = {}) {
  const config = loadAssistanceConfig(env);
  const keyOf = config.BENEFICIARY_LISTS === 'enabled' ? createKeyMaker(config.BENEFICIARY_KEY_SECRET!) : undefined;
  const svc = await startCommandService('assistance', config, opts, {
    store: async (db, relay) => {
      const store = await createDeliveryStore(db, relay);
      return { ...store, migration: await migrateKeys(db, store) };
    },
    app: (rt, store) => {
      if (store.migration.deliveries) rt.logger.info(store.migration, 'beneficiary keys migrated to the keyring');
      return createApp(rt, store, keyOf, importLimitsFrom(config));
    },
  });
  await startPartnerFeed(svc.rt, 'assistance', svc.store.partners);
  return svc;
}

await runIfEntryPoint(import.meta.url, () => start());
