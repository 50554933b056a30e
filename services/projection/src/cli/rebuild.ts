#!/usr/bin/env node
// Rebuilds the read model from the whole stream into a new generation and switches readers to it once it has
// caught up. Same environment as the projection service. A running projection follows the switch by itself.
import { loadConfig, startRuntime } from '@passerelle/platform';
import { createGenerations } from '../apply/generations.js';
import { choosePaths, configShape } from '../main.js';
import { rebuild } from '../apply/rebuild.js';

const config = loadConfig(configShape);
const rt = await startRuntime('projection-rebuild', config);
// The paths of the server found, as the service takes them: without this the command wrote with FerretDB's paths everywhere.
choosePaths(rt, config);
try {
  const result = await rebuild(rt, createGenerations(rt.db), { batchSize: config.PROJECTION_MAX_BATCH });
  console.log(JSON.stringify(result));
} finally {
  await rt.shutdown();
}
