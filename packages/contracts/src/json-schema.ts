import { z } from 'zod';
import { Envelope } from './envelope.js';
import type { EventDefinition } from './registry.js';

/** JSON Schema (draft 2020-12) of one event type: the envelope with its data schema in place. */
export function eventJsonSchema(def: EventDefinition): Record<string, unknown> {
  const schema = Envelope.extend({
    type: z.literal(def.type),
    dataversion: z.literal(def.version),
    data: def.data,
  });
  return { $id: `https://passerelle.dev/schemas/${def.type}.v${def.version}.json`, description: def.description, ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) };
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
