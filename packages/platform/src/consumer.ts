import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  JetStreamApiCodes,
  type ConsumerConfig,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { DEAD_LETTER_HEADERS, EventValidationError } from '@passerelle/contracts';
import type { Logger } from 'pino';
import type { JetStreamClient, JetStreamManager, NatsConnection, EventStreams } from './nats.js';
import { deadLetterSubject } from './nats.js';
import { databaseBusy } from './problem.js';
import { contextFromHeaders, inSpan, SpanKind } from './telemetry.js';
import { headers as natsHeaders } from '@nats-io/transport-node';

/** Thrown by a handler for a message that will never succeed; it goes to the dead-letter stream at once. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

/** Headers of a dead letter, as the contracts name them. */
export const DLQ_HEADERS = DEAD_LETTER_HEADERS;

export interface ConsumerOptions {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  streams: EventStreams;
  durable: string;
  filterSubjects: string[];
  /** Handles one message; give this or batchHandler. */
  handler?: (msg: JsMsg) => Promise<void>;
  /**
   * Handles the messages that arrived together, in stream order, all or nothing. When a batch fails because the
   * database is unavailable, it is retried whole later; otherwise it is split in halves until the failing message
   * is alone, so only that one is retried or dead-lettered.
   */
  batchHandler?: (msgs: JsMsg[]) => Promise<void>;
  /** Largest batch given to batchHandler. */
  maxBatch?: number;
  logger: Logger;
  maxDeliver?: number;
  ackWaitMs?: number;
  /**
   * Messages in flight. 1 keeps strict stream order even across redeliveries; raise it only for handlers
   * whose effect does not depend on the order in which messages are applied.
   */
  maxAckPending?: number;
}

/** Creates or updates a durable pull consumer with explicit acks and bounded redelivery. */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  config: Partial<ConsumerConfig> & { durable_name: string },
): Promise<void> {
  const full: Partial<ConsumerConfig> = {
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ...config,
  };
  try {
    await jsm.consumers.info(stream, config.durable_name);
    await jsm.consumers.update(stream, config.durable_name, {
      ...(full.filter_subjects ? { filter_subjects: full.filter_subjects } : {}),
      ...(full.filter_subject ? { filter_subject: full.filter_subject } : {}),
      ...(full.max_deliver ? { max_deliver: full.max_deliver } : {}),
      ...(full.ack_wait ? { ack_wait: full.ack_wait } : {}),
      ...(full.max_ack_pending ? { max_ack_pending: full.max_ack_pending } : {}),
    });
  } catch (e) {
    if (!(e instanceof JetStreamApiError && e.code === JetStreamApiCodes.ConsumerNotFound)) throw e;
    await jsm.consumers.add(stream, full);
  }
}

/** Copies a message into the dead-letter stream with the reason; the stream sequence makes the copy idempotent. */
export async function deadLetter(
  js: JetStreamClient,
  streams: EventStreams,
  consumer: string,
  original: { subject: string; seq: number; data: Uint8Array; deliveries: number },
  reason: string,
): Promise<void> {
  const h = natsHeaders();
  h.set(DLQ_HEADERS.reason, reason.slice(0, 1000));
  h.set(DLQ_HEADERS.stream, streams.stream);
  h.set(DLQ_HEADERS.sequence, String(original.seq));
  h.set(DLQ_HEADERS.subject, original.subject);
  h.set(DLQ_HEADERS.consumer, consumer);
  h.set(DLQ_HEADERS.deliveries, String(original.deliveries));
  await js.publish(deadLetterSubject(streams, consumer), original.data, {
    headers: h,
    msgID: `${streams.stream}.${original.seq}.${consumer}`,
  });
}

const backoffMs = (deliveries: number) => Math.min(30_000, 250 * 2 ** deliveries);

/**
 * Runs a durable consumer: messages are handled in stream order (singly, or in the batches that arrive together),
 * acked after the handler succeeds, retried with backoff on failure, and dead-lettered with the reason when
 * poisonous or out of attempts. Stops on stop().
 */
export async function startConsumer(opts: ConsumerOptions) {
  const maxDeliver = opts.maxDeliver ?? 5;
  const maxBatch = opts.batchHandler ? (opts.maxBatch ?? 100) : 1;
  const handleBatch = opts.batchHandler ?? (async (msgs: JsMsg[]) => opts.handler!(msgs[0]!));
  const ackWaitMs = opts.ackWaitMs ?? 30_000;
  await ensureConsumer(opts.jsm, opts.streams.stream, {
    durable_name: opts.durable,
    // A single filter uses filter_subject: filter_subjects needs NATS 2.10, and Debian ships 2.9.
    ...(opts.filterSubjects.length === 1
      ? { filter_subject: opts.filterSubjects[0]! }
      : { filter_subjects: opts.filterSubjects }),
    max_deliver: maxDeliver,
    ack_wait: ackWaitMs * 1e6,
    max_ack_pending: opts.maxAckPending ?? 1,
  });
  const log = opts.logger.child({ consumer: opts.durable });
  let stopped = false;
  let current: ConsumerMessages | undefined;
  let handled = 0;

  // A handler that crashes the process never reaches our catch; the server's max-deliveries advisory still tells us.
  const advisories = opts.nc.subscribe(
    `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${opts.streams.stream}.${opts.durable}`,
    {
      callback: (err, m) => {
        if (err) return;
        void (async () => {
          const seq = (m.json() as { stream_seq: number }).stream_seq;
          const stored = await opts.jsm.streams.getMessage(opts.streams.stream, { seq });
          if (stored)
            await deadLetter(
              opts.js,
              opts.streams,
              opts.durable,
              { subject: stored.subject, seq, data: stored.data, deliveries: maxDeliver },
              `gave up after ${maxDeliver} deliveries without an ack`,
            );
        })().catch((e) => log.error({ err: e, advisory: m.string() }, 'could not dead-letter after max deliveries'));
      },
    },
  );

  async function fail(m: JsMsg, e: unknown) {
    const err = e as Error;
    const poison = e instanceof PoisonMessageError || e instanceof EventValidationError;
    if (!poison && m.info.deliveryCount < maxDeliver) {
      log.warn(
        { seq: m.info.streamSequence, subject: m.subject, err: err.message, deliveries: m.info.deliveryCount },
        'handler failed; retrying later',
      );
      m.nak(backoffMs(m.info.deliveryCount));
      return;
    }
    const reason = poison
      ? `${(e as { code?: string }).code ?? err.name}: ${err.message}`
      : `failed ${m.info.deliveryCount} times: ${err.message}`;
    try {
      await deadLetter(
        opts.js,
        opts.streams,
        opts.durable,
        { subject: m.subject, seq: m.info.streamSequence, data: m.data, deliveries: m.info.deliveryCount },
        reason,
      );
      // Plain TERM: the reason lives in the dead letter, and NATS 2.9 ignores a TERM that carries one.
      m.term();
      log.warn({ seq: m.info.streamSequence, subject: m.subject, reason }, 'message dead-lettered');
    } catch (dlqErr) {
      log.error({ err: dlqErr, seq: m.info.streamSequence }, 'dead-lettering failed; will be redelivered');
      m.nak(backoffMs(m.info.deliveryCount));
    }
  }

  async function run(msgs: JsMsg[]) {
    const first = msgs[0]!;
    const parent = contextFromHeaders(first.headers);
    await inSpan(
      msgs.length === 1 ? `process ${first.subject}` : `process batch of ${msgs.length}`,
      {
        kind: SpanKind.CONSUMER,
        parent,
        attributes: {
          'messaging.system': 'nats',
          'messaging.destination.name': first.subject,
          'messaging.nats.stream_sequence': first.info.streamSequence,
          'messaging.batch.message_count': msgs.length,
        },
      },
      () => handleBatch(msgs),
    );
  }

  // Every message this process holds (in hand or waiting for its batch) is kept alive: a batch that outlasts the
  // ack wait, on a slow database, must not make JetStream deliver the same messages to a second worker meanwhile.
  const held = new Set<JsMsg>();
  const keepAlive = setInterval(
    () => {
      for (const m of held) m.working();
    },
    Math.max(100, Math.floor(ackWaitMs / 3)),
  );
  keepAlive.unref();

  async function handle(msgs: JsMsg[]) {
    try {
      await run(msgs);
      for (const m of msgs) {
        m.ack();
        held.delete(m);
      }
      handled += msgs.length;
    } catch (e) {
      if (msgs.length === 1) {
        await fail(msgs[0]!, e);
        held.delete(msgs[0]!);
        return;
      }
      if (databaseBusy(e)) {
        // No message is at fault: the whole batch comes back later, rather than each message failing alone.
        log.warn({ err: (e as Error).message, messages: msgs.length }, 'database unavailable; batch retried later');
        for (const m of msgs) {
          m.nak(backoffMs(m.info.deliveryCount));
          held.delete(m);
        }
        return;
      }
      // Find the culprit by halves, in stream order: the others succeed (their effects are idempotent), it alone is
      // retried or dead-lettered, after about 2·log2(n) attempts instead of n.
      const half = Math.ceil(msgs.length / 2);
      await handle(msgs.slice(0, half));
      await handle(msgs.slice(half));
    }
  }

  /** Takes messages off the subscription as soon as they arrive, so they are held (and kept alive) at once. */
  function pump(messages: ConsumerMessages) {
    const queue: JsMsg[] = [];
    let ended = false;
    let wake: (() => void) | undefined;
    const done = (async () => {
      for await (const m of messages) {
        held.add(m);
        queue.push(m);
        wake?.();
      }
    })().finally(() => {
      ended = true;
      wake?.();
    });
    return {
      done,
      /** The next batch in stream order: whatever has arrived, up to maxBatch; undefined once the subscription ended. */
      async next(): Promise<JsMsg[] | undefined> {
        while (!queue.length && !ended) await new Promise<void>((r) => (wake = r));
        wake = undefined;
        // Let the rest of what has already arrived join the batch before it is cut.
        if (queue.length < maxBatch && !ended) await new Promise((r) => setImmediate(r));
        return queue.length ? queue.splice(0, maxBatch) : undefined;
      },
    };
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        const consumer = await opts.js.consumers.get(opts.streams.stream, opts.durable);
        current = await consumer.consume({ max_messages: Math.max(16, maxBatch), idle_heartbeat: 5_000 });
        const messages = current;
        void (async () => {
          // Missed heartbeats mean the server lost our pull; restarting the subscription recovers it.
          for await (const s of messages.status()) {
            if (s.type === 'heartbeats_missed' && s.count >= 3) {
              log.warn('consumer heartbeats missed; restarting');
              messages.stop();
            }
          }
        })();
        // Big batches under load (whatever has already arrived joins), single messages when quiet.
        const incoming = pump(messages);
        while (!stopped) {
          const batch = await incoming.next();
          if (!batch) break;
          await handle(batch);
        }
        await incoming.done;
      } catch (e) {
        if (stopped) break;
        log.error({ err: e }, 'consumer loop failed; restarting in 1 s');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    // What is still held is left to JetStream's redelivery, to this process after a restart or to another one.
    held.clear();
  })();

  return {
    /** Messages acked so far by this process. */
    handled: () => handled,
    /** Finishes the batch in hand, then stops pulling. */
    async stop() {
      stopped = true;
      clearInterval(keepAlive);
      advisories.unsubscribe();
      await current?.close().catch(() => undefined);
      await loop;
    },
  };
}
export type RunningConsumer = Awaited<ReturnType<typeof startConsumer>>;
