import { DeliverPolicy } from '@nats-io/jetstream';
import { registry } from '@passerelle/contracts';
import type { EventStreams, JetStreamClient, JetStreamManager, Logger } from '@passerelle/platform';
import type { ReadModel, Sequenced } from './read-model.js';

export interface ReplayOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  streams: EventStreams;
  logger: Logger;
  into: ReadModel;
  /** Only events recorded at or before this instant (an "as of" report). */
  recordedUpTo?: string;
  batchSize?: number;
}

/**
 * Streams the event stream, from the sequence after what `into` already holds up to the current head, into a
 * read-model generation, batch by batch: memory stays flat however long the stream. Events that fail validation
 * are skipped here exactly as the live projector dead-letters them, so both models agree.
 */
export async function replay(opts: ReplayOptions): Promise<{ applied: number; lastSeq: number }> {
  const head = (await opts.jsm.streams.info(opts.streams.stream)).state.last_seq;
  const from = (await opts.into.lastSeq()) + 1;
  let applied = 0;
  let lastSeq = from - 1;
  if (head < from) return { applied, lastSeq };
  const consumer = await opts.js.consumers.get(opts.streams.stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
  const size = opts.batchSize ?? 500;
  let batch: Sequenced[] = [];
  const flush = async () => {
    await opts.into.applyBatch(batch);
    applied += batch.length;
    batch = [];
  };
  while (lastSeq < head) {
    const messages = await consumer.fetch({ max_messages: size, expires: 5000 });
    let got = 0;
    for await (const m of messages) {
      got++;
      lastSeq = m.info.streamSequence;
      try {
        const event = registry.parse(m.data, m.subject);
        if (!opts.recordedUpTo || event.time <= opts.recordedUpTo) batch.push({ event, seq: lastSeq });
      } catch {
        // Poison: the live projector sent it to the dead-letter stream; a replay leaves it out the same way.
      }
      if (batch.length >= size) await flush();
      if (lastSeq >= head) break;
    }
    if (got === 0) break;
  }
  await flush();
  opts.logger.info({ gen: opts.into.gen, applied, lastSeq, head }, 'replay finished');
  return { applied, lastSeq };
}
