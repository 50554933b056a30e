#!/usr/bin/env node
// Moves deliveries recorded before the keyring to pseudonyms (see migrate-keys.ts); the service also does it at
// start-up. Same environment as the service, which must be stopped: on FerretDB a write of the running service
// (its relay marking events published) could overwrite a migrated document. Needs the database only: the events
// it writes wait in the outbox until the service's relay publishes them. Prints a JSON report; safe to repeat.
import { connectMongo, createLogger, loadConfig } from '@passerelle/platform';
import { configShape } from '../config.js';
import { migrateKeys } from '../migrate-keys.js';
import { createDeliveryStore } from '../store.js';

const config = loadConfig(configShape);
const logger = createLogger({ service: 'assistance-migrate-keys', level: config.LOG_LEVEL });
const { client, db } = await connectMongo(config.MONGO_URL, config.MONGO_DB, logger);
try {
  console.log(JSON.stringify(await migrateKeys(db, await createDeliveryStore(db), { logger })));
} finally {
  await client.close();
}
