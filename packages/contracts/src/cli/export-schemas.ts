#!/usr/bin/env node
// Writes one JSON Schema per event type and the AsyncAPI document, for subscribers outside the monorepo.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allEvents } from '../catalog.js';
import { asyncApiDocument } from '../asyncapi.js';
import { eventJsonSchema } from '../json-schema.js';
import { loadExamples } from '../examples.js';

const out = process.argv[2] ?? 'schemas';
mkdirSync(out, { recursive: true });
for (const def of allEvents) {
  writeFileSync(join(out, `${def.type}.v${def.version}.json`), JSON.stringify(eventJsonSchema(def), null, 2) + '\n');
}
writeFileSync(
  join(out, 'asyncapi.json'),
  JSON.stringify(asyncApiDocument(allEvents, { examples: loadExamples(join(out, 'examples')) }), null, 2) + '\n',
);
console.log(`wrote ${allEvents.length} event schemas and asyncapi.json to ${out}`);
