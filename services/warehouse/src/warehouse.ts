import pg from 'pg';
import {
  registry as passerelleRegistry,
  subscribe,
  type EventDefinition,
  type EventParser,
  type SubscribeLogger,
} from '@passerelle/events';
import type { WarehouseConfig } from './config.js';
import { migrate } from './schema.js';
import { currentVersions, insertRows, rowOf, saveProgress, upgradeRows } from './store.js';

export interface WarehouseOptions {
  /** Empties wh.events and reads the stream again from its start. */
  rebuild?: boolean;
  /** Event parser with its upcasters (the SDK's by default; tests give a future version). */
  parser?: EventParser & { definitions?: readonly EventDefinition[] };
  logger?: SubscribeLogger;
}

/**
 * The warehouse: migrates PostgreSQL, upgrades rows of older dataversions, then streams every event into wh.events
 * through @passerelle/events (ack after the insert; the event id key makes redeliveries harmless) and records its lag.
 */
export async function startWarehouse(config: WarehouseConfig, opts: WarehouseOptions = {}) {
  const pool = new pg.Pool({ connectionString: config.PG_URL, max: 4 });
  const parser = opts.parser ?? passerelleRegistry;
  const versions = opts.parser?.definitions
    ? new Map(opts.parser.definitions.map((d) => [d.type, d.version]))
    : currentVersions();
  await migrate(pool, opts.parser?.definitions);
  if (opts.rebuild) await pool.query('TRUNCATE wh.events');
  const upgraded = await upgradeRows(pool, parser, versions);
  let lastSeq = 0;
  const sub = await subscribe({
    servers: config.NATS_URL.split(','),
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    stream: config.EVENTS_STREAM,
    prefix: config.EVENTS_PREFIX,
    consumer: config.WAREHOUSE_CONSUMER,
    from: 'start',
    replay: opts.rebuild ?? false,
    parser,
    ackWaitMs: config.WAREHOUSE_ACK_WAIT_MS,
    ...(opts.logger ? { logger: opts.logger } : {}),
    onEvent: async (event, ctx) => {
      const businessDate = passerelleRegistry.get(event.type) ? passerelleRegistry.businessDate(event) : null;
      await insertRows(pool, [rowOf(event, ctx.seq, ctx.raw, businessDate)]);
      lastSeq = ctx.seq;
    },
  });
  async function progress() {
    const lag = await sub.lag();
    await saveProgress(pool, config.WAREHOUSE_CONSUMER, {
      lastSeq: Math.max(lastSeq, lag.acked),
      pending: lag.pending + lag.ackPending,
    });
    return lag;
  }
  const timer = setInterval(() => void progress().catch(() => undefined), config.WAREHOUSE_PROGRESS_MS);
  timer.unref();
  return {
    pool,
    upgraded,
    /** Events not yet in the warehouse, and the last stream sequence stored; also written to wh.progress. */
    progress,
    handled: () => sub.handled(),
    /** Finishes the event in hand, then closes NATS and PostgreSQL. */
    async stop() {
      clearInterval(timer);
      await sub.stop();
      await progress().catch(() => undefined);
      await pool.end();
    },
  };
}
export type Warehouse = Awaited<ReturnType<typeof startWarehouse>>;
