#!/usr/bin/env node
// Rebuilds the read model from the whole stream into a new generation and switches readers to it once it has
// caught up. Same environment as the projection service. A running projection follows the switch by itself.
import { loadConfig, startRuntime } from '@passerelle/platform';
import { createGenerations } from '../apply/generations.js';
import { configShape } from '../main.js';
import { rebuild } from '../apply/rebuild.js';

const config = loadConfig(configShape);
const rt = await startRuntime('projection-rebuild', config);
try {
  const result = await rebuild(rt, createGenerations(rt.db), { batchSize: config.PROJECTION_MAX_BATCH });
  console.log(JSON.stringify(result));
} finally {
  await rt.shutdown();
}
