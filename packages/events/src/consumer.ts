import { DEAD_LETTER_HEADERS } from '@passerelle/contracts';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { SubscribeOptionsError } from './errors.js';

/** Where a new (or replayed) subscription starts: the first event kept, new events only, a record time, or a stream sequence. */
export type ReplayFrom = 'start' | 'new' | { time: Date | string } | { sequence: number };

/** The deliver policy of a consumer that starts `from`. */
export function deliverPolicy(
  from: ReplayFrom,
): Pick<ConsumerConfig, 'deliver_policy' | 'opt_start_time' | 'opt_start_seq'> {
  if (from === 'start') return { deliver_policy: DeliverPolicy.All };
  if (from === 'new') return { deliver_policy: DeliverPolicy.New };
  if ('sequence' in from) {
    if (!Number.isInteger(from.sequence) || from.sequence < 1)
      throw new SubscribeOptionsError(`a sequence starts at 1, not ${from.sequence}`);
    return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from.sequence };
  }
  const time = new Date(from.time);
  if (Number.isNaN(time.getTime())) throw new SubscribeOptionsError(`bad replay time ${String(from.time)}`);
  return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: time.toISOString() };
}

export interface DurableSpec {
  stream: string;
  name: string;
  filterSubject: string;
  from: ReplayFrom;
  replay: boolean;
  maxDeliver: number;
  ackWaitMs: number;
  maxAckPending: number;
}

const notFound = (e: unknown) => e instanceof JetStreamApiError && e.code === JetStreamApiCodes.ConsumerNotFound;

/**
 * Creates the durable pull consumer, or checks the existing one. Its start cannot change once created (JetStream
 * keeps its position): `replay` deletes it first so that `from` applies again.
 */
export async function ensureDurable(jsm: JetStreamManager, spec: DurableSpec): Promise<ConsumerInfo> {
  let existing: ConsumerInfo | undefined;
  try {
    existing = await jsm.consumers.info(spec.stream, spec.name);
  } catch (e) {
    if (!notFound(e)) throw e;
  }
  if (existing && spec.replay) {
    await jsm.consumers.delete(spec.stream, spec.name);
    existing = undefined;
  }
  if (existing) {
    if ((existing.config.filter_subject ?? '') !== spec.filterSubject) {
      throw new SubscribeOptionsError(
        `consumer ${spec.name} filters ${existing.config.filter_subject ?? '(nothing)'}, not ${spec.filterSubject}: use another name, or replay: true`,
      );
    }
    return jsm.consumers.update(spec.stream, spec.name, {
      max_deliver: spec.maxDeliver,
      ack_wait: spec.ackWaitMs * 1e6,
      max_ack_pending: spec.maxAckPending,
    });
  }
  return jsm.consumers.add(spec.stream, {
    durable_name: spec.name,
    ack_policy: AckPolicy.Explicit,
    // One filter_subject: NATS 2.9 has no filter_subjects.
    filter_subject: spec.filterSubject,
    max_deliver: spec.maxDeliver,
    ack_wait: spec.ackWaitMs * 1e6,
    max_ack_pending: spec.maxAckPending,
    ...deliverPolicy(spec.from),
  });
}

export { DEAD_LETTER_HEADERS };

export interface DeadLetter {
  stream: string;
  consumer: string;
  subject: string;
  seq: number;
  deliveries: number;
  data: Uint8Array;
  headers: MsgHdrs | undefined;
  reason: string;
}

/** Publishes a copy of the message to the app's dead-letter subject (a stream must capture it); the stream sequence makes it idempotent. */
export async function publishDeadLetter(js: JetStreamClient, deadLetterSubject: string, d: DeadLetter): Promise<void> {
  const h = natsHeaders();
  if (d.headers) for (const k of d.headers.keys()) if (!k.startsWith('Nats-')) h.set(k, d.headers.get(k));
  h.set(DEAD_LETTER_HEADERS.reason, d.reason.slice(0, 1000));
  h.set(DEAD_LETTER_HEADERS.stream, d.stream);
  h.set(DEAD_LETTER_HEADERS.sequence, String(d.seq));
  h.set(DEAD_LETTER_HEADERS.subject, d.subject);
  h.set(DEAD_LETTER_HEADERS.consumer, d.consumer);
  h.set(DEAD_LETTER_HEADERS.deliveries, String(d.deliveries));
  await js.publish(deadLetterSubject, d.data, {
    headers: h,
    msgID: `${d.stream}.${d.seq}.${d.consumer}`,
    timeout: 5000,
  });
}
