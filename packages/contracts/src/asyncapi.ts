import { z } from 'zod';
import { Envelope } from './envelope.js';
import { eventJsonSchema } from './json-schema.js';
import type { EventDefinition } from './registry.js';
import { COUNTRIES } from './vocabulary.js';

export interface AsyncApiOptions {
  /** Subject prefix (`evt` outside tests). */
  prefix?: string;
  stream?: string;
  /** One real event per type, as published, keyed by type: shown as the message's example. */
  examples?: Readonly<Record<string, unknown>>;
}

const DESCRIPTION = `Every change recorded in Passerelle is a domain event on NATS JetStream: stream \`EVENTS\`, subjects
\`evt.<country>.<service>.<aggregate>.<event>\`, one CloudEvents 1.0 envelope in JSON per message (structured mode),
\`Nats-Msg-Id\` = the event id (a UUIDv7), W3C \`traceparent\` in the headers.

- **Subscribe** with a durable pull consumer and explicit acks (the TypeScript SDK \`@passerelle/events\` does it all,
  NATS 2.9 and later): one \`filter_subject\`, e.g. \`evt.MA.>\` or \`evt.*.trainings.training.held\`.
- **Delivery** is at least once: key your effects by \`id\`. Events of one subject arrive in the order they were recorded
  when one event is in flight at a time. Events are never edited: corrections are new events.
- **Versions**: \`dataversion\` is the version of \`data\`. Additive changes (new optional fields, new types) keep it,
  so accept and ignore fields you do not know (these schemas allow them); a breaking change gets a new \`dataversion\`
  and an upcaster in the SDK. Consumers are deployed before producers.
- **Dead letters** of your consumer go to \`evt_dlq.<consumer>\` (stream \`DEADLETTER\`) with the reason in headers.`;

/** An AsyncAPI 3.0 document of every event channel: servers, NATS bindings, the CloudEvents envelope, examples, the integration user. */
export function asyncApiDocument(
  defs: readonly EventDefinition[],
  opts: AsyncApiOptions = {},
): Record<string, unknown> {
  const prefix = opts.prefix ?? 'evt';
  const stream = opts.stream ?? 'EVENTS';
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const def of defs) {
    const key = def.type.replaceAll('.', '_');
    const example = opts.examples?.[def.type] as { id?: string } | undefined;
    messages[key] = {
      name: def.type,
      title: def.type,
      summary: def.description,
      contentType: 'application/json',
      traits: [{ $ref: '#/components/messageTraits/cloudEvent' }],
      payload: eventJsonSchema(def),
      ...(example
        ? {
            examples: [
              {
                name: 'published',
                summary: 'A real event of this type, as a service published it',
                headers: { 'Nats-Msg-Id': example.id },
                payload: example,
              },
            ],
          }
        : {}),
    };
    channels[key] = {
      address: `${prefix}.{country}.${def.type}`,
      title: def.type,
      description: `Every ${def.type} event (dataversion ${def.version}), one subject per country.`,
      parameters: { country: { $ref: '#/components/parameters/country' } },
      messages: { [key]: { $ref: `#/components/messages/${key}` } },
    };
    operations[`receive_${key}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${key}` },
      summary: `Receive ${def.type}`,
      messages: [{ $ref: `#/channels/${key}/messages/${key}` }],
      // NATS has no operation settings beyond a queue group; JetStream's are in x-jetstream.
      bindings: { nats: { bindingVersion: '0.1.0' } },
      'x-jetstream': {
        stream,
        consumer: 'durable pull, explicit ack, filter_subject',
        filterSubject: `${prefix}.*.${def.type}`,
      },
    };
  }
  const envelope = z.toJSONSchema(Envelope, { io: 'input', unrepresentable: 'any' });
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Passerelle domain events',
      version: '1.0.0',
      description: DESCRIPTION,
      license: { name: 'Apache-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      production: {
        host: 'nats:4222',
        protocol: 'nats',
        title: 'NATS JetStream of a deployment',
        description: `The deployment's NATS (compose: nats://nats:4222), stream ${stream}; connect as the integration user.`,
        security: [{ $ref: '#/components/securitySchemes/integrationUser' }],
      },
      development: {
        host: '127.0.0.1:4222',
        protocol: 'nats',
        title: 'Local development NATS',
        description: 'nats-server on a development machine, without users.',
      },
    },
    channels,
    operations,
    components: {
      parameters: {
        country: {
          description: 'ISO 3166-1 alpha-2 code of the country the event belongs to',
          enum: [...COUNTRIES],
          examples: ['MA'],
        },
      },
      securitySchemes: {
        integrationUser: {
          type: 'userPassword',
          description:
            'NATS user `integration` (password from the platform team): reads evt.> through its own durable consumers `integration_<app>`, publishes only its dead letters `evt_dlq.integration_<app>`.',
        },
      },
      schemas: {
        CloudEventEnvelope: {
          description:
            'The envelope of every event (CloudEvents 1.0 with the extensions country, actor, correlationid, causationid, dataversion).',
          ...envelope,
          additionalProperties: true,
        },
      },
      messageTraits: {
        cloudEvent: {
          headers: {
            type: 'object',
            properties: {
              'Nats-Msg-Id': {
                type: 'string',
                description: 'The event id: JetStream drops a republished event within its duplicate window.',
              },
              traceparent: { type: 'string', description: 'W3C trace context of the request that recorded the event.' },
              tracestate: { type: 'string' },
            },
          },
          correlationId: {
            description: 'The request that recorded the event',
            location: '$message.payload#/correlationid',
          },
        },
      },
      messages,
    },
  };
}
