import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  jetstream,
  jetstreamManager,
  JetStreamApiError,
  JetStreamApiCodes,
  RetentionPolicy,
  StorageType,
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
  type StreamConfig,
} from '@nats-io/jetstream';
import { eventSubject, type Envelope } from '@passerelle/contracts';
import type { Logger } from 'pino';
import { ROOT_CONTEXT, propagation } from '@opentelemetry/api';
import { headersWithTrace, inSpan, SpanKind, type TraceCarrier } from './telemetry.js';

export type { NatsConnection, JetStreamClient, JetStreamManager };

/** Where events live: the stream, its subject prefix, and the dead-letter stream beside it. */
export interface EventStreams {
  stream: string;
  prefix: string;
  deadLetter: string;
}

/** Subjects of dead letters: kept apart from `<prefix>.>` so the event stream never captures them. */
export const deadLetterSubject = (s: EventStreams, consumer: string) => `${s.prefix}_dlq.${consumer}`;

// Republishing after an outage reuses the event id; JetStream drops it as a duplicate within this window.
// Beyond it the projection's own event-id guards still make a duplicate harmless.
const DUPLICATE_WINDOW_NS = 10 * 60 * 1e9;

/** The reply-inbox prefix of a NATS user; nats.conf lets each user subscribe to its own only. */
export const inboxPrefixOf = (user: string) => `_INBOX_${user}`;

export interface NatsOptions {
  url: string;
  name: string;
  user?: string | undefined;
  password?: string | undefined;
  logger: Logger;
  attempts?: number;
}

/** Connects, retrying with backoff so a service can start before NATS; reconnects forever afterwards. */
export async function connectNats(opts: NatsOptions): Promise<NatsConnection> {
  const attempts = opts.attempts ?? 30;
  for (let attempt = 1; ; attempt++) {
    try {
      const nc = await connect({
        servers: opts.url.split(','),
        name: opts.name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        timeout: 5000,
        // Replies come to an inbox only this user may subscribe to (nats.conf): no one reads another's replies.
        ...(opts.user ? { user: opts.user, pass: opts.password ?? '', inboxPrefix: inboxPrefixOf(opts.user) } : {}),
      });
      opts.logger.info({ server: nc.info?.server_name, version: nc.info?.version }, 'connected to NATS');
      return nc;
    } catch (e) {
      if (attempt >= attempts)
        throw new Error(`could not connect to NATS at ${opts.url} after ${attempt} attempts: ${(e as Error).message}`, {
          cause: e,
        });
      opts.logger.warn({ attempt, err: (e as Error).message }, 'NATS not reachable yet, retrying');
      await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
    }
  }
}

const isApiError = (e: unknown, code: number) => e instanceof JetStreamApiError && e.code === code;

/** Creates the stream, or updates it to this configuration; safe to run at every start, from every replica. */
export async function ensureStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  try {
    const info = await jsm.streams.info(config.name);
    await jsm.streams.update(config.name, { ...info.config, ...config });
  } catch (e) {
    if (!isApiError(e, JetStreamApiCodes.StreamNotFound)) throw e;
    try {
      await jsm.streams.add(config);
    } catch (again) {
      // Another replica created it between our look-up and our add.
      await jsm.streams.info(config.name).catch(() => {
        throw again;
      });
    }
  }
}

/** Size and age limits of the streams (provisioning); the event stream is the source of truth, so it never drops history. */
export interface StreamLimits {
  /** Largest event stream in bytes; at the limit new events are refused (publishers retry), none is deleted. -1: none. */
  eventsMaxBytes?: number;
  /** Largest dead-letter stream in bytes; the oldest letters go first. */
  deadLetterMaxBytes?: number;
  /** Dead letters older than this (ns) are dropped; 0 keeps them. */
  deadLetterMaxAgeNs?: number;
  /** Replicas of each stream (3 on a cluster). */
  replicas?: number;
}

/** Provisions the event stream (Limits retention: replays and dead-letter look-ups need the originals) and the dead-letter stream. */
export async function ensureEventStreams(
  jsm: JetStreamManager,
  s: EventStreams,
  limits: StreamLimits = {},
): Promise<void> {
  const replicas = limits.replicas ?? 1;
  await ensureStream(jsm, {
    name: s.stream,
    subjects: [`${s.prefix}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    // Discard New: at the size limit a publish fails and the outbox keeps the event; Old would delete history.
    discard: DiscardPolicy.New,
    max_bytes: limits.eventsMaxBytes ?? -1,
    duplicate_window: DUPLICATE_WINDOW_NS,
    allow_direct: true,
    num_replicas: replicas,
  });
  await ensureStream(jsm, {
    name: s.deadLetter,
    subjects: [`${s.prefix}_dlq.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_bytes: limits.deadLetterMaxBytes ?? -1,
    max_age: limits.deadLetterMaxAgeNs ?? 0,
    duplicate_window: DUPLICATE_WINDOW_NS,
    num_replicas: replicas,
  });
}

export class StreamsNotProvisionedError extends Error {
  override readonly name = 'StreamsNotProvisionedError';
}

/**
 * For services without the right to create streams: waits until the provisioning step has created both, then
 * returns. Reads stream info only.
 */
export async function awaitEventStreams(
  jsm: JetStreamManager,
  s: EventStreams,
  opts: { attempts?: number; logger?: Logger } = {},
): Promise<void> {
  const attempts = opts.attempts ?? 30;
  for (let attempt = 1; ; attempt++) {
    try {
      await jsm.streams.info(s.stream);
      await jsm.streams.info(s.deadLetter);
      return;
    } catch (e) {
      if (!isApiError(e, JetStreamApiCodes.StreamNotFound)) throw e;
      if (attempt >= attempts)
        throw new StreamsNotProvisionedError(
          `streams ${s.stream} and ${s.deadLetter} do not exist: run the provisioning step (passerelle-provision) with the NATS admin user`,
          { cause: e },
        );
      opts.logger?.warn({ attempt }, 'event streams not provisioned yet, waiting');
      await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
    }
  }
}

/** Publishes an event with Nats-Msg-Id = event id (so retries are deduplicated) and its trace context. */
export async function publishEvent(
  js: JetStreamClient,
  prefix: string,
  event: Envelope,
  trace?: TraceCarrier,
): Promise<PubAck> {
  const subject = eventSubject(prefix, event);
  // The span is a child of the request that wrote the event, however long ago; the consumer's span hangs under it.
  const parent = trace ? propagation.extract(ROOT_CONTEXT, trace) : undefined;
  return inSpan(
    `publish ${event.type}`,
    {
      kind: SpanKind.PRODUCER,
      ...(parent ? { parent } : {}),
      attributes: {
        'messaging.system': 'nats',
        'messaging.destination.name': subject,
        'messaging.message.id': event.id,
      },
    },
    async () =>
      js.publish(subject, JSON.stringify(event), { msgID: event.id, headers: headersWithTrace(), timeout: 5000 }),
  );
}

export { jetstream, jetstreamManager };
