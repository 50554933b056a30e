import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { SpanKind, SpanStatusCode, context, trace, type Context } from '@opentelemetry/api';
import {
  EventErrorCode,
  EventValidationError,
  registry as passerelleRegistry,
  type Envelope,
  type EventOfType,
  type EventType,
  type PasserelleEvent,
} from '@passerelle/contracts';
import { ensureDurable, publishDeadLetter, type ReplayFrom } from './consumer.js';
import { PoisonEventError, SubscribeOptionsError } from './errors.js';
import { filterSubject, wantsType, type EventFilter } from './filter.js';
import { traceContextOf } from './tracing.js';

/** What a handler knows about the delivery besides the event. */
export interface HandlerContext {
  /** Stream sequence: increases with every event kept, a good resume point. */
  seq: number;
  subject: string;
  /** 1 on the first delivery. */
  deliveries: number;
  /** OpenTelemetry context from the message headers: parent your spans with it. */
  trace: Context;
  /** The message as published (before upcasting): for apps that archive events verbatim. */
  raw: Uint8Array;
  /** Tells JetStream the handler is still working (for handlers longer than the ack wait). */
  working(): void;
}

export type Handler<E> = (event: E, ctx: HandlerContext) => Promise<void> | void;
/** One typed handler per event type: the event's `data` has that type's shape. */
export type Handlers = { [T in EventType]?: Handler<EventOfType<T>> };

/** Anything that turns a message into a Passerelle event (the default is the registry of `@passerelle/contracts`). */
export interface EventParser {
  parse(raw: Uint8Array, subject?: string): Envelope;
}

export interface SubscribeLogger {
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

export interface SubscribeOptions {
  /** An open connection (kept open on stop), or servers to connect to (closed on stop). */
  connection?: NatsConnection;
  servers?: string | string[];
  user?: string;
  password?: string;
  /** Durable consumer name: one per app and purpose; an integration user may manage only `integration_*` names given to it. */
  consumer: string;
  stream?: string;
  prefix?: string;
  filter?: EventFilter;
  handlers?: Handlers;
  /** Called for every event that passes the filter, after its typed handler if any. */
  onEvent?: Handler<PasserelleEvent>;
  /** Where a new consumer starts (default `start`); see `replay`. */
  from?: ReplayFrom;
  /** Deletes the existing consumer first, so the subscription starts again at `from` (a rebuild). */
  replay?: boolean;
  /** Subject poison events are copied to; a stream must capture it. Default `<prefix>_dlq.<consumer>`. */
  deadLetterSubject?: string;
  /** Attempts before an event is dead-lettered (default 5). */
  maxDeliver?: number;
  /** Delay before redelivery after the n-th failed attempt (default 250 ms · 2^n, at most 30 s). */
  backoffMs?: (deliveries: number) => number;
  ackWaitMs?: number;
  /** Events in flight; 1 (the default) keeps stream order, hence order per subject. */
  maxAckPending?: number;
  parser?: EventParser;
  logger?: SubscribeLogger;
}

const consoleLogger: SubscribeLogger = {
  warn: (fields, msg) => console.warn(JSON.stringify({ level: 'warn', msg, ...fields })),
  error: (fields, msg) => console.error(JSON.stringify({ level: 'error', msg, ...fields })),
};
const tracer = trace.getTracer('@passerelle/events');
/** Longest a pull waits for events; also the longest stop() waits once the event in hand is done. */
const PULL_EXPIRES_MS = 1000;
const defaultBackoff = (n: number) => Math.min(30_000, 250 * 2 ** n);
/** Validation errors a newer SDK would not fix: retrying cannot help, so they are dead-lettered at once. */
const POISON_CODES: ReadonlySet<string> = new Set([
  EventErrorCode.MalformedJson,
  EventErrorCode.InvalidEnvelope,
  EventErrorCode.InvalidData,
  EventErrorCode.SubjectMismatch,
  EventErrorCode.UnknownVersion,
]);

/**
 * Subscribes an app to Passerelle events through a durable JetStream consumer: validated, upcast and typed events
 * go to their handlers in stream order, are acked after the handler returns, retried with backoff when it throws,
 * and copied to the app's dead-letter subject when poisonous or out of attempts. Works on NATS 2.9 and later.
 */
export async function subscribe(opts: SubscribeOptions) {
  // Looked up by the event's own type, so each handler only ever sees events of its type (TypeScript cannot follow that key).
  const handlers = { ...opts.handlers } as Record<string, Handler<PasserelleEvent> | undefined>;
  const types = opts.filter?.types ?? (opts.onEvent ? [] : Object.keys(handlers));
  if (!types.length && !opts.onEvent) throw new SubscribeOptionsError('give handlers or onEvent');
  const filter: EventFilter = { ...opts.filter, types };
  const prefix = opts.prefix ?? 'evt';
  const stream = opts.stream ?? 'EVENTS';
  const maxDeliver = opts.maxDeliver ?? 5;
  const backoff = opts.backoffMs ?? defaultBackoff;
  const deadLetterSubject = opts.deadLetterSubject ?? `${prefix}_dlq.${opts.consumer}`;
  const parser = opts.parser ?? passerelleRegistry;
  const log = opts.logger ?? consoleLogger;

  const nc =
    opts.connection ??
    (await connect({
      servers: opts.servers ?? 'nats://127.0.0.1:4222',
      name: opts.consumer,
      maxReconnectAttempts: -1,
      ...(opts.user ? { user: opts.user, pass: opts.password ?? '' } : {}),
    }));
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  await ensureDurable(jsm, {
    stream,
    name: opts.consumer,
    filterSubject: filterSubject(prefix, filter),
    from: opts.from ?? 'start',
    replay: opts.replay ?? false,
    maxDeliver,
    ackWaitMs: opts.ackWaitMs ?? 30_000,
    maxAckPending: opts.maxAckPending ?? 1,
  });

  let stopped = false;
  let handled = 0;
  let deadLettered = 0;

  async function deadLetter(m: JsMsg, reason: string) {
    await publishDeadLetter(js, deadLetterSubject, {
      stream,
      consumer: opts.consumer,
      subject: m.subject,
      seq: m.info.streamSequence,
      deliveries: m.info.deliveryCount,
      data: m.data,
      headers: m.headers,
      reason,
    });
    // Plain TERM: NATS 2.9 ignores a TERM that carries a reason; the dead letter has it.
    m.term();
    deadLettered++;
    log.warn({ seq: m.info.streamSequence, subject: m.subject, reason }, 'event dead-lettered');
  }

  async function process(m: JsMsg) {
    let event: PasserelleEvent;
    try {
      // The parser validated it against the schema of its very type: it is that member of the union.
      event = parser.parse(m.data, m.subject) as PasserelleEvent;
    } catch (e) {
      if (e instanceof EventValidationError && e.code === EventErrorCode.UnknownType) {
        // A type added after this app was built: additive, so skipped (upgrade the SDK to see it).
        m.ack();
        return;
      }
      if (e instanceof EventValidationError && POISON_CODES.has(e.code))
        return deadLetter(m, `${e.code}: ${e.message}`);
      throw e;
    }
    const handler = handlers[event.type];
    if (!wantsType(filter, event.type) || (!handler && !opts.onEvent)) {
      m.ack();
      return;
    }
    const parent = traceContextOf(m.headers, context.active());
    const ctx: HandlerContext = {
      seq: m.info.streamSequence,
      subject: m.subject,
      deliveries: m.info.deliveryCount,
      trace: parent,
      raw: m.data,
      working: () => m.working(),
    };
    try {
      await tracer.startActiveSpan(
        `process ${event.type}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'nats',
            'messaging.destination.name': m.subject,
            'messaging.message.id': event.id,
          },
        },
        parent,
        async (span) => {
          try {
            await handler?.(event, ctx);
            await opts.onEvent?.(event, ctx);
          } catch (e) {
            span.recordException(e as Error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
            throw e;
          } finally {
            span.end();
          }
        },
      );
    } catch (e) {
      if (e instanceof PoisonEventError) return deadLetter(m, `${e.code}: ${e.message}`);
      if (m.info.deliveryCount >= maxDeliver)
        return deadLetter(m, `failed ${m.info.deliveryCount} times: ${(e as Error).message}`);
      log.warn(
        { seq: m.info.streamSequence, subject: m.subject, deliveries: m.info.deliveryCount, err: (e as Error).message },
        'handler failed; retrying later',
      );
      m.nak(backoff(m.info.deliveryCount));
      return;
    }
    m.ack();
    handled++;
  }

  // Bounded pulls (fetch with a short expiry), not an endless consume(): on stop the pull in hand ends within
  // PULL_EXPIRES_MS and whatever it still brings is handed back, instead of waiting out the ack wait in a closed inbox.
  const loop = (async () => {
    const consumer = await js.consumers.get(stream, opts.consumer);
    while (!stopped) {
      try {
        const batch = await consumer.fetch({ max_messages: 64, expires: PULL_EXPIRES_MS });
        for await (const m of batch) {
          if (stopped) {
            m.nak(PULL_EXPIRES_MS + 500);
            continue;
          }
          try {
            await process(m);
          } catch (e) {
            log.error(
              { seq: m.info.streamSequence, err: (e as Error).message },
              'could not process or dead-letter; retrying later',
            );
            m.nak(backoff(m.info.deliveryCount));
          }
        }
      } catch (e) {
        if (stopped) break;
        log.error({ err: (e as Error).message }, 'pull failed; retrying in 1 s');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();

  return {
    /** Events handled and acked by this process. */
    handled: () => handled,
    /** Events this process sent to the dead-letter subject. */
    deadLettered: () => deadLettered,
    /** How far behind the stream the consumer is: events not yet delivered, delivered but not acked, last stream sequence delivered. */
    async lag() {
      const info = await jsm.consumers.info(stream, opts.consumer);
      return {
        pending: info.num_pending,
        ackPending: info.num_ack_pending,
        delivered: info.delivered.stream_seq,
        acked: info.ack_floor.stream_seq,
      };
    },
    /** Finishes the event in hand (and acks it), stops pulling, and closes the connection it opened. */
    async stop() {
      stopped = true;
      await loop;
      // Acks are fire-and-forget: make sure the server has the last ones before the caller goes on.
      await nc.flush().catch(() => undefined);
      if (!opts.connection) await nc.drain().catch(() => undefined);
    },
  };
}
export type Subscription = Awaited<ReturnType<typeof subscribe>>;
