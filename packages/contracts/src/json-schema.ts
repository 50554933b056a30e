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
  return Object.fromEntries(Object.entries(node).filter(([k, v]) => !(k === 'additionalProperties' && v === false)).map(([k, v]) => [k, tolerant(v)]));
}

/** JSON Schema (draft 2020-12) of one event type, as consumers read it: the envelope with its data schema in place, open to added fields. */
export function eventJsonSchema(def: EventDefinition): Record<string, unknown> {
  const schema = Envelope.extend({
    type: z.literal(def.type),
    dataversion: z.literal(def.version),
    data: def.data,
  });
  const json = tolerant(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })) as Record<string, unknown>;
  return { $id: `https://passerelle.dev/schemas/${def.type}.v${def.version}.json`, description: def.description, ...json };
}

/** An AsyncAPI 3.0 document describing every event channel, for subscribing applications. */
export function asyncApiDocument(defs: readonly EventDefinition[], prefix = 'evt'): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const def of defs) {
    const key = def.type.replaceAll('.', '_');
    messages[key] = { name: def.type, summary: def.description, contentType: 'application/json', payload: eventJsonSchema(def) };
    channels[key] = {
      address: `${prefix}.{country}.${def.type}`,
      parameters: { country: { description: 'ISO 3166-1 alpha-2 country code' } },
      messages: { [key]: { $ref: `#/components/messages/${key}` } },
    };
    operations[`receive_${key}`] = { action: 'receive', channel: { $ref: `#/channels/${key}` } };
  }
  return {
    asyncapi: '3.0.0',
    info: { title: 'Passerelle domain events', version: '1.0.0', description: 'Every change in Passerelle, as CloudEvents 1.0 JSON on NATS JetStream (stream EVENTS, subjects evt.>). Nats-Msg-Id is the event id.' },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
