import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allEvents } from './catalog.js';
import { asyncApiDocument } from './asyncapi.js';
import { eventJsonSchema } from './json-schema.js';
import { loadExamples } from './examples.js';
import { registry } from './catalog.js';

// The committed JSON Schemas and AsyncAPI document are what subscribing applications read: they must match the
// zod schemas. After changing an event, run `npm run export-schemas -w @passerelle/contracts`.
const dir = join(import.meta.dirname, '..', 'schemas');

describe('published event documentation', () => {
  it('has one JSON Schema per event type, equal to the zod schema', () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json') && f !== 'asyncapi.json')
      .sort();
    expect(files).toEqual(allEvents.map((d) => `${d.type}.v${d.version}.json`).sort());
    for (const def of allEvents) {
      expect(JSON.parse(readFileSync(join(dir, `${def.type}.v${def.version}.json`), 'utf8'))).toEqual(
        JSON.parse(JSON.stringify(eventJsonSchema(def))),
      );
    }
  });
  it('has an AsyncAPI document listing every channel', () => {
    const doc = JSON.parse(readFileSync(join(dir, 'asyncapi.json'), 'utf8'));
    expect(doc).toEqual(
      JSON.parse(JSON.stringify(asyncApiDocument(allEvents, { examples: loadExamples(join(dir, 'examples')) }))),
    );
    expect(Object.keys(doc.channels)).toHaveLength(allEvents.length);
  });
  it('has one real example per event type, valid against the current schema read strictly', () => {
    const examples = loadExamples(join(dir, 'examples'));
    expect(Object.keys(examples).sort()).toEqual(allEvents.map((d) => d.type).sort());
    for (const [type, event] of Object.entries(examples))
      expect(registry.parse(event, undefined, { strict: true }).type).toBe(type);
  });
});
