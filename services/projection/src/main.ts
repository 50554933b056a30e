import { z } from 'zod';
import {
  ApiDocsSpecsSetting,
  ConfigError,
  METRICS,
  countryList,
  loadConfig,
  runIfEntryPoint,
  sameOriginSpecs,
  serviceConfigShape,
  startRuntime,
} from '@passerelle/platform';
import { createApp } from './app.js';
import { deadLetters } from './apply/dead-letters.js';
import { createFactCache } from './query/fact-cache.js';
import { useFactCache } from './query/read.js';
import { createGenerations } from './apply/generations.js';
import { PROJECTION_CONSUMER, startProjector } from './apply/projector.js';
import type { Db } from 'mongodb';
import {
  applierPaths,
  CellReads,
  configureApplier,
  readModel,
  writesPerCallOn,
  type ReadModel,
} from './apply/read-model.js';
import { rebuild } from './apply/rebuild.js';

export const configShape = {
  ...serviceConfigShape({ port: 3005, db: 'passerelle_reporting' }),
  /** How long a delivered event may stay unacknowledged before JetStream redelivers it (after a crash). */
  PROJECTION_ACK_WAIT_MS: z.coerce.number().int().min(1000).default(30_000),
  PROJECTION_MAX_BATCH: z.coerce.number().int().min(1).max(10_000).default(5000),
  /**
   * Deliveries before an event that keeps failing is dead-lettered. High on purpose: every crash of the
   * projection spends one delivery of each prefetched event, and an event that reaches the limit while
   * unprocessed is lost to the live model. Events that fail validation are dead-lettered at once anyway.
   */
  PROJECTION_MAX_DELIVER: z.coerce.number().int().min(2).max(1000).default(100),
  /** Subject filter of this worker's partition, e.g. `evt.MA.>`; one durable consumer per partition. */
  PROJECTION_FILTER: z
    .string()
    .regex(/^[A-Za-z0-9_*>.-]+$/)
    .optional(),
  /**
   * The countries of this worker's partition (ISO codes, comma-separated): it applies only their events, into the
   * same database as the other partitions' workers (sources never span countries, see read-model.ts).
   */
  PROJECTION_COUNTRIES: countryList.optional(),
  PROJECTION_CONSUMER: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default(PROJECTION_CONSUMER),
  /** `all` consumes and serves; `api` only serves reports (replicas behind the proxy, beside one worker per partition). */
  PROJECTION_ROLE: z.enum(['all', 'api']).default('all'),
  /** How often to remove facts a killed predecessor's late writes may have left (see projector.ts). */
  PROJECTION_SWEEP_AFTER_MS: z.coerce.number().int().min(0).default(60_000),
  /** Cells of sensitive groups (trafficking victims, children, sensitive indicators) under this are hidden. */
  SUPPRESSION_THRESHOLD: z.coerce.number().int().min(2).max(100).default(5),
  /**
   * Sources whose state the applier keeps in memory on MongoDB (others are read back through an index). On FerretDB
   * it keeps all of them: a look-up there costs most of a read of the whole log (packages/bench/results/SUMMARY.md).
   */
  PROJECTION_SOURCE_CACHE: z.coerce.number().int().min(1).default(200_000),
  /** Facts kept in memory for repeated report queries until the model changes; 0 turns the cache off. */
  REPORT_CACHE_FACTS: z.coerce.number().int().min(0).default(200_000),
  /**
   * The OpenAPI documents of the /docs page, `name=url` comma-separated. The default suits one origin (the proxy routes
   * /openapi/<name>.json to each service); development names each service's own port.
   */
  DOCS_OPENAPI_URLS: ApiDocsSpecsSetting.prefault(
    sameOriginSpecs(['trainings', 'assistance', 'partners', 'indicators', 'projection']),
  ),
};

/**
 * Sets the applier's paths for the server found at start: FerretDB-only paths, each kept for a measured reason
 * (packages/bench/results/SUMMARY.md, storage tables). The service and the rebuild command both call it.
 */
export function choosePaths(
  rt: { backend: { engine: string; backend?: string }; logger: { info: (o: object, msg: string) => void } },
  config: { PROJECTION_SOURCE_CACHE: number },
): void {
  const ferret = rt.backend.engine === 'ferretdb';
  configureApplier({
    sourceCacheLimit: ferret ? Infinity : config.PROJECTION_SOURCE_CACHE,
    fewIdsOneByOne: ferret,
    cellReads: !ferret ? CellReads.In : rt.backend.backend === 'postgresql' ? CellReads.ByKind : CellReads.ById,
    cellWritesPerCall: writesPerCallOn(ferret),
  });
  rt.logger.info({ ...applierPaths(), backend: rt.backend }, 'projection paths');
}

/** Starts the projection: consumes every event into the read model and serves the reporting API. */
export async function start(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(configShape, env);
  const filters = partitionFilters(config.EVENTS_PREFIX, config);
  const rt = await startRuntime('projection', config);
  choosePaths(rt, config);
  const generations = createGenerations(rt.db);
  await generations.ensureIndexes(await generations.current());
  // A reporting replica (`api`) serves reports from the model its partition's worker keeps; it never consumes.
  const projector =
    config.PROJECTION_ROLE === 'api'
      ? { stats: () => ({ role: 'api' }) }
      : await startProjector(rt, generations, {
          ackWaitMs: config.PROJECTION_ACK_WAIT_MS,
          maxBatch: config.PROJECTION_MAX_BATCH,
          maxDeliver: config.PROJECTION_MAX_DELIVER,
          durable: config.PROJECTION_CONSUMER,
          sweepAfterMs: config.PROJECTION_SWEEP_AFTER_MS,
          filters,
        });
  if ('stop' in projector) rt.onShutdown(() => projector.stop());
  const letters = deadLetters(rt, generations);
  const cache = useFactCache(createFactCache(config.REPORT_CACHE_FACTS));

  let rebuilding: { state: string; startedAt: string; by: string; result?: object; error?: string } | undefined;
  const startRebuild = (actor: string) => {
    if (rebuilding?.state === 'running') return rebuilding;
    rebuilding = { state: 'running', startedAt: new Date().toISOString(), by: actor };
    const job = rebuilding;
    rebuild(rt, generations, { batchSize: config.PROJECTION_MAX_BATCH }).then(
      (result) => Object.assign(job, { state: 'done', result }),
      (e: Error) => Object.assign(job, { state: 'failed', error: e.message }),
    );
    return rebuilding;
  };

  const status = async () => {
    const [stream, consumer, dlq, gen] = await Promise.all([
      rt.jsm.streams.info(rt.streams.stream),
      rt.jsm.consumers.info(rt.streams.stream, config.PROJECTION_CONSUMER),
      rt.jsm.streams.info(rt.streams.deadLetter),
      generations.current(),
    ]);
    const applied = await readModel(rt.db, gen).lastSeq();
    return {
      // Lag counts this worker's events not yet acknowledged: with a partition filter, others' events are not ours.
      generation: gen,
      lastApplied: applied,
      streamHead: stream.state.last_seq,
      lag: consumer.num_pending + consumer.num_ack_pending,
      ...projector.stats(),
      deadLetters: dlq.state.messages,
      reportCache: cache.stats(),
      ...(rebuilding ? { rebuild: rebuilding } : {}),
    };
  };
  // Only a worker upgrades an old generation; reporting replicas read what it builds.
  if (config.PROJECTION_ROLE === 'all')
    await upgradeFromReplays(rt.db, readModel(rt.db, await generations.current()), startRebuild);
  if (config.PROJECTION_ROLE === 'all') rt.metrics.watchConsumer(rt.jsm, rt.streams.stream, config.PROJECTION_CONSUMER);
  rt.metrics.gauge(
    METRICS.projectionLag,
    'Events of this partition not yet applied to the read model',
    [],
    async (set) => set({}, (await status()).lag),
  );
  rt.metrics.gauge(
    METRICS.projectionCheckpoint,
    'Highest stream sequence applied to the current generation',
    [],
    async (set) => set({}, (await status()).lastApplied),
  );
  const url = await rt.listen(
    createApp({
      rt,
      generations,
      letters,
      status,
      startRebuild,
      suppressionThreshold: config.SUPPRESSION_THRESHOLD,
      docs: config.DOCS_OPENAPI_URLS,
    }),
  );
  return { url, rt, generations };
}

/** The subjects a worker consumes: its countries' events, its filter, or every event. */
export function partitionFilters(
  prefix: string,
  config: { COUNTRIES: string[]; PROJECTION_FILTER?: string | undefined; PROJECTION_COUNTRIES?: string[] | undefined },
): string[] {
  const countries = config.PROJECTION_COUNTRIES;
  if (countries && config.PROJECTION_FILTER)
    throw new ConfigError(['PROJECTION_COUNTRIES: set it or PROJECTION_FILTER, not both']);
  const unserved = countries?.filter((c) => !config.COUNTRIES.includes(c)) ?? [];
  if (unserved.length) throw new ConfigError([`PROJECTION_COUNTRIES: ${unserved.join(', ')} not in COUNTRIES`]);
  if (countries) return countries.map((c) => `${prefix}.${c}.>`);
  return [config.PROJECTION_FILTER ?? `${prefix}.>`];
}

/**
 * Models written before versions were kept answered "as of" by replaying into generations of their own: drop those,
 * and rebuild once so the current generation has the versions as-of answers now read, and the cells reports read
 * (reports go on meanwhile, from its facts).
 */
export async function upgradeFromReplays(db: Db, model: ReadModel, startRebuild: (actor: string) => object) {
  for (const c of await db.listCollections({}, { nameOnly: true }).toArray())
    if (c.name.startsWith('gasof'))
      await db
        .collection(c.name)
        .drop()
        .catch(() => undefined);
  await db.collection<{ _id: string }>('rm_meta').deleteMany({ _id: { $regex: /^asof:/ } });
  const [fact, version, cells] = await Promise.all([
    model.facts.findOne({}, { projection: { _id: 1 } }),
    model.versions.findOne({}, { projection: { _id: 1 } }),
    model.hasCells(),
  ]);
  if (fact && !version) startRebuild('upgrade: versions for as-of answers');
  else if (fact && !cells) startRebuild('upgrade: cells for reports');
}

await runIfEntryPoint(import.meta.url, () => start());
