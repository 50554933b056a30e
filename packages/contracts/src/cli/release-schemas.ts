#!/usr/bin/env node
// Records the current event schemas as the last released contracts (schemas/released/), which the compatibility
// gate (src/compat.test.ts) compares every later change with. Run it when the contracts are released, not before.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allEvents } from '../catalog.js';
import { eventJsonSchema } from '../json-schema.js';

const dir = process.argv[2] ?? join('schemas', 'released');
mkdirSync(dir, { recursive: true });
// A type keeps the schema of each dataversion ever released: the gate compares with the highest one.
const kept = new Set(readdirSync(dir));
for (const def of allEvents) {
  const file = `${def.type}.v${def.version}.json`;
  writeFileSync(join(dir, file), JSON.stringify(eventJsonSchema(def), null, 2) + '\n');
  kept.delete(file);
}
for (const stale of kept) if (!/\.v\d+\.json$/.test(stale)) rmSync(join(dir, stale));
console.log(`released ${allEvents.length} event schemas to ${dir}`);
