import type { Logger } from 'pino';
import { publishEvent, type JetStreamClient } from './nats.js';
import type { Outbox } from './outbox.js';

export interface RelayOptions {
  js: JetStreamClient;
  prefix: string;
  logger: Logger;
  /** How often the sweeper looks for events a crash or an outage left unpublished. */
  sweepIntervalMs?: number;
  /** Only documents untouched this long are swept, so the sweeper does not race the write that just kicked. */
  staleMs?: number;
}

/**
 * Publishes outbox events to JetStream: at once after each write (kick), and from a periodic sweep that finds
 * what a crash between write and publish left behind. Publishing twice is harmless: Nats-Msg-Id is the event id.
 * The stores own their documents (see `Outbox.publish`): the relay only decides when, and runs one publish per
 * aggregate at a time in this process.
 */
export function createRelay(opts: RelayOptions) {
  const log = opts.logger.child({ component: 'outbox-relay' });
  const outboxes = new Map<string, Outbox>();
  const inFlight = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  let published = 0;
  let running = false;

  /** Publishes one aggregate's pending events, one run at a time per aggregate, errors logged and left for the sweeper. */
  function run(outbox: Outbox, id: string): Promise<void> {
    const key = `${outbox.name}/${id}`;
    const previous = inFlight.get(key) ?? Promise.resolve();
    const next = previous
      .then(() =>
        outbox.publish(id, async ({ event, trace }) => {
          await publishEvent(opts.js, opts.prefix, event, trace);
          published++;
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => {
          log.warn({ err: (e as Error).message, aggregate: id }, 'publish failed; the sweeper will retry');
        },
      )
      .finally(() => {
        if (inFlight.get(key) === next) inFlight.delete(key);
      });
    inFlight.set(key, next);
    return next;
  }

  async function sweepOnce(): Promise<number> {
    let found = 0;
    for (const outbox of outboxes.values()) {
      const pending = await outbox.pending(new Date(Date.now() - (opts.staleMs ?? 1000)), 200);
      found += pending.length;
      await Promise.all(pending.map((id) => run(outbox, id)));
    }
    return found;
  }

  return {
    /** Adds a store's outbox to those this relay serves (stores given a relay call this themselves). */
    watch(outbox: Outbox) {
      outboxes.set(outbox.name, outbox);
    },
    /** Publish this aggregate's new events now (called after each write). */
    kick(outbox: Outbox, id: string) {
      void run(outbox, id);
    },
    /** One sweep over every watched outbox; returns how many aggregates had unpublished events. */
    sweep: () =>
      sweepOnce().catch((e) => {
        log.warn({ err: (e as Error).message }, 'sweep failed');
        return 0;
      }),
    /** Starts periodic sweeping (and sweeps at once: a restart publishes what the crash left). */
    start() {
      running = true;
      const tick = async () => {
        if (!running) return;
        sweeping = this.sweep().then(() => undefined);
        await sweeping;
        if (running) timer = setTimeout(() => void tick(), opts.sweepIntervalMs ?? 2000).unref();
      };
      void tick();
    },
    /** Stops sweeping and waits for publishes in flight. */
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await sweeping;
      await Promise.all(inFlight.values());
    },
    /** Aggregates whose outbox holds events JetStream has not acknowledged, across watched stores. */
    async backlog(): Promise<number> {
      let n = 0;
      for (const o of outboxes.values()) n += await o.backlog();
      return n;
    },
    stats: () => ({ published, inFlight: inFlight.size }),
  };
}
export type Relay = ReturnType<typeof createRelay>;
