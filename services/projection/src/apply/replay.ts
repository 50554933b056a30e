import { randomUUID } from 'node:crypto';
import { AckPolicy, DeliverPolicy, type Consumer } from '@nats-io/jetstream';
import { registry } from '@passerelle/contracts';
import type { EventStreams, JetStreamClient, JetStreamManager, Logger } from '@passerelle/platform';
import type { ReadModel, Sequenced } from './read-model.js';

export interface ReplayOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  streams: EventStreams;
  logger: Logger;
  into: ReadModel;
  batchSize?: number;
  /** First sequence to read; by default the one after what `into` holds. */
  from?: number;
  /** Replays use consumers `<prefix>_r0` … `_r3`: names nats.conf grants to the projection user, and to no one else. */
  consumerPrefix?: string;
}

export const REPLAY_SLOTS = 4;

/**
 * Creates a replay consumer in the first free slot. NATS 2.10+ refuses to create over an existing consumer
 * (`action: create`); 2.9 would update it instead, so a slot that exists is skipped, and one whose description is
 * not ours after creation was taken by a concurrent replay.
 */
async function createReplayConsumer(opts: ReplayOptions, from: number): Promise<string> {
  let last: unknown;
  for (let slot = 0; slot < REPLAY_SLOTS; slot++) {
    const name = `${opts.consumerPrefix ?? 'projection'}_r${slot}`;
    const description = `replay ${randomUUID()}`;
    try {
      if (
        await opts.jsm.consumers.info(opts.streams.stream, name).then(
          () => true,
          () => false,
        )
      )
        continue;
      await opts.jsm.consumers.add(opts.streams.stream, {
        durable_name: name,
        description,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: from,
        inactive_threshold: 120e9,
        max_ack_pending: 10_000,
      });
      if ((await opts.jsm.consumers.info(opts.streams.stream, name)).config.description === description) return name;
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`all ${REPLAY_SLOTS} replay slots are busy; retry when a rebuild or as-of report has finished`, {
    cause: last,
  });
}

/**
 * Streams the event stream, from the sequence after what `into` already holds up to the current head, into a
 * read-model generation, batch by batch: memory stays flat however long the stream. Events that fail validation
 * are skipped here exactly as the live projector dead-letters them, so both models agree.
 */
export async function replay(opts: ReplayOptions): Promise<{ applied: number; lastSeq: number }> {
  const head = (await opts.jsm.streams.info(opts.streams.stream)).state.last_seq;
  const from = opts.from ?? (await opts.into.lastSeq()) + 1;
  if (head < from) return { applied: 0, lastSeq: from - 1 };
  // A temporary durable pull consumer, consumed like the live projector's and deleted afterwards.
  const name = await createReplayConsumer(opts, from);
  try {
    return await read(await opts.js.consumers.get(opts.streams.stream, name), head, from, opts);
  } finally {
    await opts.jsm.consumers.delete(opts.streams.stream, name).catch(() => undefined);
  }
}

async function read(
  consumer: Consumer,
  head: number,
  from: number,
  opts: ReplayOptions,
): Promise<{ applied: number; lastSeq: number }> {
  let applied = 0;
  let lastSeq = from - 1;
  const size = opts.batchSize ?? 500;
  let batch: Sequenced[] = [];
  const flush = async () => {
    await opts.into.applyBatch(batch);
    applied += batch.length;
    batch = [];
  };
  const messages = await consumer.consume({ max_messages: size });
  try {
    for await (const m of messages) {
      m.ack();
      lastSeq = m.info.streamSequence;
      try {
        const event = registry.parse(m.data, m.subject);
        batch.push({ event, seq: lastSeq });
      } catch {
        // Poison: the live projector sent it to the dead-letter stream; a replay leaves it out the same way.
      }
      if (batch.length >= size || (batch.length && messages.getPending() === 0)) await flush();
      if (lastSeq >= head) break;
    }
  } finally {
    messages.stop();
  }
  await flush();
  opts.logger.info({ gen: opts.into.gen, applied, lastSeq, head }, 'replay finished');
  return { applied, lastSeq };
}
