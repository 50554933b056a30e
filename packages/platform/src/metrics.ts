import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JetStreamManager } from './nats.js';

/**
 * Every metric name the services expose. Dashboards and alerts (infra/observability) may query only these and
 * prom-client's process metrics; packages/deploy-checks holds them to it.
 */
export const METRICS = {
  httpDuration: 'passerelle_http_request_duration_seconds',
  streamMessages: 'passerelle_stream_messages',
  streamBytes: 'passerelle_stream_bytes',
  streamMaxBytes: 'passerelle_stream_max_bytes',
  streamLastSequence: 'passerelle_stream_last_sequence',
  deadLetters: 'passerelle_dead_letters',
  consumerPending: 'passerelle_consumer_pending',
  consumerAckPending: 'passerelle_consumer_ack_pending',
  consumerRedelivered: 'passerelle_consumer_redelivered',
  outboxBacklog: 'passerelle_outbox_backlog',
  outboxPublished: 'passerelle_outbox_published',
  projectionLag: 'passerelle_projection_lag_events',
  projectionCheckpoint: 'passerelle_projection_checkpoint_sequence',
} as const;

/** prom-client's default process metrics that dashboards use. */
export const PROCESS_METRICS = [
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_heap_size_used_bytes',
] as const;

type Collect = (set: (labels: Record<string, string>, value: number) => void) => Promise<void> | void;

/** A service's metrics registry: HTTP latency histograms plus gauges read from NATS and the database at scrape time. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const http = new Histogram({
    name: METRICS.httpDuration,
    help: 'HTTP request duration by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  /** A gauge whose values are read when Prometheus scrapes (a failed read leaves the gauge empty, not stale). */
  function gauge(name: string, help: string, labelNames: string[], collect: Collect) {
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        await Promise.resolve(collect((labels, value) => this.set(labels, value))).catch(() => undefined);
      },
    });
  }

  // Reads shared by the gauges of one scrape, forgotten when the next scrape starts.
  const perScrape: Array<() => void> = [];

  return {
    registry,
    /** Records one HTTP request; `route` is the route template (never the raw path: bounded label values). */
    observeHttp(method: string, route: string, status: number, seconds: number) {
      http.observe({ method, route, status: String(status) }, seconds);
    },
    gauge,
    /** Size, bytes, limit and head of each stream, and the dead letters (one stream info call each). */
    watchStreams(jsm: JetStreamManager, streams: { stream: string; deadLetter: string }) {
      const infos = async () => Promise.all([streams.stream, streams.deadLetter].map((s) => jsm.streams.info(s)));
      let cached: Promise<Awaited<ReturnType<typeof infos>>> | undefined;
      perScrape.push(() => {
        cached = undefined;
      });
      const read = () => (cached ??= infos());
      const each =
        (pick: (i: Awaited<ReturnType<typeof infos>>[number]) => number): Collect =>
        async (set) => {
          for (const i of await read()) set({ stream: i.config.name }, pick(i));
        };
      gauge(
        METRICS.streamMessages,
        'Messages in the stream',
        ['stream'],
        each((i) => i.state.messages),
      );
      gauge(
        METRICS.streamBytes,
        'Bytes stored by the stream',
        ['stream'],
        each((i) => i.state.bytes),
      );
      gauge(
        METRICS.streamMaxBytes,
        'Size limit of the stream (-1: none)',
        ['stream'],
        each((i) => i.config.max_bytes),
      );
      gauge(
        METRICS.streamLastSequence,
        'Last sequence of the stream',
        ['stream'],
        each((i) => i.state.last_seq),
      );
      gauge(METRICS.deadLetters, 'Events in the dead-letter stream', [], async (set) =>
        set({}, (await read())[1]!.state.messages),
      );
    },
    /** Pending, unacknowledged and redelivered counts of a durable consumer. */
    watchConsumer(jsm: JetStreamManager, stream: string, durable: string) {
      const info = () => jsm.consumers.info(stream, durable);
      gauge(METRICS.consumerPending, 'Events not yet delivered to the consumer', ['consumer'], async (set) =>
        set({ consumer: durable }, (await info()).num_pending),
      );
      gauge(METRICS.consumerAckPending, 'Events delivered and not yet acknowledged', ['consumer'], async (set) =>
        set({ consumer: durable }, (await info()).num_ack_pending),
      );
      gauge(
        METRICS.consumerRedelivered,
        'Events currently redelivered (delivered more than once, not acknowledged)',
        ['consumer'],
        async (set) => set({ consumer: durable }, (await info()).num_redelivered),
      );
    },
    /** The Prometheus text exposition of everything registered. */
    async render(): Promise<{ contentType: string; body: string }> {
      for (const forget of perScrape) forget();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
