#!/usr/bin/env node
// The provisioning step (compose's one-shot `provision` job): creates or updates the JetStream streams with the
// NATS admin user. Services run with users that may not create, change, purge or delete streams.
import { createLogger } from '../logger.js';
import { loadProvisionConfig, provisionStreams } from '../provision.js';

const logger = createLogger({ service: 'provision', level: 'info' });
try {
  await provisionStreams(loadProvisionConfig(), logger);
} catch (e) {
  logger.fatal({ err: e }, (e as Error).message);
  process.exitCode = 1;
}
