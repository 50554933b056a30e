import type { Server } from 'node:http';
import type { Express } from 'express';
import { setServedCountries } from '@passerelle/contracts';
import type { Db } from 'mongodb';
import { createVerifier } from './auth.js';
import { detectBackend, needsAggregateLock } from './backend.js';
import type { BaseConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { connectMongo } from './mongo.js';
import {
  awaitEventStreams,
  connectNats,
  ensureEventStreams,
  jetstream,
  jetstreamManager,
  type EventStreams,
} from './nats.js';
import { createRelay, type Relay } from './relay.js';
import { startTelemetry } from './telemetry.js';
import { createMetrics, METRICS } from './metrics.js';

/** Connects everything a service needs from its validated config; the service adds routes and handlers. */
export async function startRuntime(service: string, config: BaseConfig, opts: { logger?: Logger } = {}) {
  const logger = opts.logger ?? createLogger({ service, level: config.LOG_LEVEL });
  setServedCountries(config.COUNTRIES);
  const stopTelemetry = await startTelemetry(service, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const nc = await connectNats({
    url: config.NATS_URL,
    name: service,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    logger,
  });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const streams: EventStreams = {
    stream: config.EVENTS_STREAM,
    prefix: config.EVENTS_PREFIX,
    deadLetter: config.DEADLETTER_STREAM,
  };
  // With least privilege (compose) a service may not create streams: the provisioning job does, as admin.
  if (config.STREAMS_PROVISION === 'auto') await ensureEventStreams(jsm, streams);
  else await awaitEventStreams(jsm, streams, { logger });
  const { client, db } = await connectMongo(config.MONGO_URL, config.MONGO_DB, logger);
  // Asked once here and remembered per handle: the stores take the per-aggregate lock only on FerretDB.
  const backend = await detectBackend(db);
  logger.info({ ...backend, aggregateLock: needsAggregateLock(backend) }, 'database backend');
  const verify = createVerifier({
    secret: config.JWT_SECRET,
    publicKeyPem: config.JWT_PUBLIC_KEY,
    jwksUrl: config.JWT_JWKS_URL,
    maxTtlSeconds: config.JWT_MAX_TTL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  const relay = createRelay({ js, prefix: streams.prefix, logger });
  const metrics = createMetrics(service);
  metrics.watchStreams(jsm, streams);
  metrics.gauge(
    METRICS.outboxBacklog,
    'Aggregates whose outbox holds events JetStream has not acknowledged',
    [],
    async (set) => set({}, await relay.backlog()),
  );
  metrics.gauge(METRICS.outboxPublished, 'Events this process published from the outbox since it started', [], (set) =>
    set({}, relay.stats().published),
  );
  const closers: Array<() => Promise<void>> = [];
  let server: Server | undefined;
  let stopping: Promise<void> | undefined;

  const readiness = {
    nats: async () => {
      if (nc.isClosed()) throw new Error('connection closed');
      await nc.flush();
    },
    mongodb: async () => {
      await db.command({ ping: 1 });
    },
  };

  return {
    service,
    config,
    logger,
    nc,
    js,
    jsm,
    streams,
    db,
    backend,
    mongo: client,
    verify,
    relay,
    readiness,
    metrics,
    /** Registers work to finish at shutdown (run in reverse order, after the HTTP server stops accepting). */
    onShutdown(fn: () => Promise<void>) {
      closers.push(fn);
    },
    /** Starts the HTTP server; resolves with its base URL. */
    async listen(app: Express): Promise<string> {
      server = app.listen(config.PORT, config.HOST);
      await new Promise<void>((resolve, reject) => server!.once('listening', resolve).once('error', reject));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.PORT;
      const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
      logger.info({ url }, `${service} listening`);
      return url;
    },
    /** Graceful stop: no new requests, in-flight ones finish, background work ends, NATS drains, DB closes. */
    shutdown(): Promise<void> {
      stopping ??= (async () => {
        if (server) {
          const closed = new Promise<void>((r) => server!.close(() => r()));
          server.closeIdleConnections();
          await closed;
        }
        for (const fn of closers.reverse()) await fn().catch((e) => logger.error({ err: e }, 'shutdown step failed'));
        await relay.stop();
        await nc.drain().catch(() => undefined);
        await client.close();
        await stopTelemetry();
        logger.info(`${service} stopped`);
      })();
      return stopping;
    },
  };
}
export type Runtime = Awaited<ReturnType<typeof startRuntime>>;

/** Shuts down on SIGTERM/SIGINT, forcing exit if it takes longer than the timeout. */
export function exitOnSignals(runtime: Pick<Runtime, 'shutdown' | 'logger'>, timeoutMs: number): void {
  const onSignal = (signal: string) => {
    runtime.logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      runtime.logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs).unref();
    runtime.shutdown().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

/** True when this module is the process entry point (so main.ts can also be imported by tests). */
export function isEntryPoint(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && new URL(moduleUrl).pathname === process.argv[1];
}

/**
 * Starts a command service: its runtime, its store (whose outbox the relay publishes, unless `relay: false` for
 * tests that publish by hand) and its HTTP app; returns its URL, runtime and store.
 */
export async function startCommandService<S>(
  service: string,
  config: BaseConfig,
  opts: { relay?: boolean; logger?: Logger },
  parts: { store: (db: Db, relay?: Relay) => Promise<S>; app: (rt: Runtime, store: S) => Express },
) {
  const rt = await startRuntime(service, config, opts.logger ? { logger: opts.logger } : {});
  const publishing = opts.relay !== false;
  const store = await parts.store(rt.db, publishing ? rt.relay : undefined);
  if (publishing) rt.relay.start();
  const url = await rt.listen(parts.app(rt, store));
  return { url, rt, store };
}

/** Runs a service's `start` when its main module is the process entry point, and stops it gracefully on signals. */
export async function runIfEntryPoint(moduleUrl: string, start: () => Promise<{ rt: Runtime }>): Promise<void> {
  if (!isEntryPoint(moduleUrl)) return;
  const { rt } = await start();
  exitOnSignals(rt, rt.config.SHUTDOWN_TIMEOUT_MS);
}
