import { z } from 'zod';
import { Envelope } from './envelope.js';
import type { EventDefinition } from './registry.js';

/**
 * Drops `additionalProperties: false` everywhere: the zod schemas stay strict for producers, while what consumers
 * validate against must accept fields added within a dataversion (see packages/events/README.md).
 */
function tolerant(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tolerant);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => !(k === 'additionalProperties' && v === false))
      .map(([k, v]) => [k, tolerant(v)]),
  );
}

/** JSON Schema (draft 2020-12) of one event type, as consumers read it: the envelope with its data schema in place, open to added fields. */
export function eventJsonSchema(def: EventDefinition): Record<string, unknown> {
  const schema = Envelope.extend({
    type: z.literal(def.type),
    dataversion: z.literal(def.version),
    data: def.data,
  });
  const json = tolerant(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })) as Record<string, unknown>;
  return {
    $id: `https://passerelle.dev/schemas/${def.type}.v${def.version}.json`,
    description: def.description,
    ...json,
  };
}
