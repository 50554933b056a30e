import { registry } from '@passerelle/contracts';
import { startConsumer, type Runtime } from '@passerelle/platform';
import type { Generations } from './generations.js';
import { readModel, type Sequenced } from './read-model.js';

export const PROJECTION_CONSUMER = 'projection';

/**
 * The live projector: a durable consumer whose batches go, validated, into the current generation. Several
 * batches can be in flight after a crash; order does not matter to the read model (see read-model.ts).
 */
export async function startProjector(
  rt: Runtime,
  generations: Generations,
  opts: {
    ackWaitMs: number;
    maxBatch: number;
    maxDeliver: number;
    filters?: string[];
    durable?: string;
    sweepAfterMs?: number;
  },
) {
  const window: Array<{ at: number; n: number }> = [];
  let last = 0;
  const consumer = await startConsumer({
    nc: rt.nc,
    js: rt.js,
    jsm: rt.jsm,
    streams: rt.streams,
    logger: rt.logger,
    durable: opts.durable ?? PROJECTION_CONSUMER,
    filterSubjects: opts.filters ?? [`${rt.streams.prefix}.>`],
    ackWaitMs: opts.ackWaitMs,
    maxDeliver: opts.maxDeliver,
    maxAckPending: opts.maxBatch * 2,
    maxBatch: opts.maxBatch,
    batchHandler: async (msgs) => {
      // A message that fails validation throws here; the kit then retries the batch message by message and
      // dead-letters only that one.
      const batch: Sequenced[] = msgs.map((m) => ({
        event: registry.parse(m.data, m.subject),
        seq: m.info.streamSequence,
        redelivered: m.info.deliveryCount > 1,
      }));
      const model = readModel(rt.db, await generations.current());
      await model.applyBatch(batch);
      window.push({ at: Date.now(), n: batch.length });
      last = batch[batch.length - 1]!.seq;
    },
  });
  // A write that a killed predecessor had already sent can reach the database after this process started: once
  // that window is long past, facts of the events it was applying that have been replaced since are deleted.
  let sweep: { at: string; removed: number } | undefined;
  const sweeper = setInterval(() => {
    generations
      .current()
      .then((gen) => readModel(rt.db, gen).sweep())
      .then(
        (removed) => {
          sweep = { at: new Date().toISOString(), removed };
          rt.logger[removed ? 'warn' : 'info']({ removed }, 'stale facts swept');
        },
        (e: Error) => rt.logger.error({ err: e }, 'stale fact sweep failed'),
      );
  }, opts.sweepAfterMs ?? 60_000);
  sweeper.unref();
  const every = setInterval(() => {
    const s = stats();
    if (s.eventsPerSecond > 0)
      rt.logger.info({ lastApplied: last, eventsPerSecond: s.eventsPerSecond }, 'projection progress');
  }, 10_000).unref();

  function stats() {
    const since = Date.now() - 10_000;
    while (window.length && window[0]!.at < since) window.shift();
    return {
      eventsPerSecond: Math.round(window.reduce((n, w) => n + w.n, 0) / 10),
      handled: consumer.handled(),
      ...(sweep ? { lastSweep: sweep } : {}),
    };
  }

  return {
    stats,
    async stop() {
      clearInterval(every);
      clearInterval(sweeper);
      await consumer.stop();
    },
  };
}
export type Projector = Awaited<ReturnType<typeof startProjector>>;
