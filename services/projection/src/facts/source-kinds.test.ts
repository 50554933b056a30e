import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '@passerelle/contracts';
import { generateEvents } from '@passerelle/testkit/history';
import { changesOf } from './facts.js';
import { kindOfSource } from './source-kinds.js';

// Real examples of every event type, captured from the services' streams (packages/contracts/schemas/examples).
const dir = join(import.meta.dirname, '../../../../packages/contracts/schemas/examples');
const examples = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => readFileSync(join(dir, f), 'utf8'));

describe('the kind of fact a source holds', () => {
  it('is the kind of every fact every event writes to it (every example event type, and generated histories)', () => {
    const events = [
      ...examples.map((e) => registry.parse(e)),
      ...[...generateEvents({ seed: 3, count: 600, prefix: 'evt' })].map((g) =>
        registry.parse(JSON.stringify(g.event)),
      ),
    ];
    let facts = 0;
    for (const event of events) {
      for (const change of changesOf(event)) {
        const kind = kindOfSource(change.source);
        expect(kind, change.source).toBeDefined();
        for (const f of change.facts) expect(f.kind, change.source).toBe(kind);
        facts += change.facts.length;
      }
    }
    expect(examples.length).toBeGreaterThan(20);
    expect(facts).toBeGreaterThan(100);
  });

  it('is unknown for a name no mapper makes', () => {
    expect(kindOfSource('something:else')).toBeUndefined();
    expect(kindOfSource('training:x:other')).toBeUndefined();
  });
});
