import { randomBytes } from 'node:crypto';
import { cpus, release, totalmem } from 'node:os';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { MongoClient } from 'mongodb';
import { ensureEventStreams } from '@passerelle/platform';
import { resolveInfrastructure } from '@passerelle/testkit';

/** A long enough HS256 secret for the services the bench starts (they never see a real identity provider). */
export const BENCH_JWT_SECRET = `bench-${randomBytes(16).toString('hex')}`;

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  nats: string;
  database: string;
  how: { nats: string; mongo: string };
}

/**
 * The servers of one bench run, found or started the way the tests do (NATS_URL / MONGO_URL, else Docker, else
 * local nats-server and FerretDB on free ports in temporary folders), with clients for the bench itself.
 */
export async function startInfra() {
  const infra = await resolveInfrastructure();
  const nc: NatsConnection = await connect({ servers: infra.natsUrl });
  const js: JetStreamClient = jetstream(nc);
  const jsm: JetStreamManager = await jetstreamManager(nc);
  const mongo = await new MongoClient(infra.mongoUrl).connect();
  const build = (await mongo.db('admin').command({ buildInfo: 1 })) as { version: string; ferretdbVersion?: string };
  const machine: Machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
    nats: `NATS ${nc.info?.version ?? '?'} with JetStream`,
    // FerretDB does not report its backend: the bench's own FerretDB runs on SQLite, one from MONGO_URL is described by BENCH_DATABASE_BACKEND.
    database: build.ferretdbVersion
      ? `FerretDB ${build.ferretdbVersion} (${process.env.MONGO_URL ? (process.env.BENCH_DATABASE_BACKEND ?? 'backend not given: set BENCH_DATABASE_BACKEND') : 'SQLite'} backend, MongoDB wire ${build.version})`
      : `MongoDB ${build.version}`,
    how: infra.how,
  };
  let n = 0;
  return {
    natsUrl: infra.natsUrl,
    mongoUrl: infra.mongoUrl,
    nc,
    js,
    jsm,
    mongo,
    machine,
    /** A fresh stream, subject prefix and database names, so scenarios of one run never see each other's data. */
    async space(label: string) {
      const id = `${label}${++n}_${randomBytes(3).toString('hex')}`;
      const streams = { stream: `BENCH_${id}`, prefix: `b${id}`, deadLetter: `BENCH_DLQ_${id}` };
      await ensureEventStreams(jsm, streams);
      return {
        id,
        streams,
        db: (service: string) => `bench_${service}_${id}`.slice(0, 60),
        env: (service: string, extra: Record<string, string> = {}) =>
          serviceEnv(infra, streams, `bench_${service}_${id}`.slice(0, 60), extra),
      };
    },
    async stop() {
      await nc.close().catch(() => undefined);
      await mongo.close().catch(() => undefined);
      await infra.stop();
    },
  };
}
export type Infra = Awaited<ReturnType<typeof startInfra>>;
export type Space = Awaited<ReturnType<Infra['space']>>;

function serviceEnv(
  infra: { natsUrl: string; mongoUrl: string },
  s: { stream: string; prefix: string; deadLetter: string },
  db: string,
  extra: Record<string, string>,
): NodeJS.ProcessEnv {
  return {
    NATS_URL: infra.natsUrl,
    MONGO_URL: infra.mongoUrl,
    MONGO_DB: db,
    EVENTS_STREAM: s.stream,
    EVENTS_PREFIX: s.prefix,
    DEADLETTER_STREAM: s.deadLetter,
    JWT_SECRET: BENCH_JWT_SECRET,
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    // The per-IP limit protects a real deployment; the bench is one IP sending thousands of requests on purpose.
    RATE_LIMIT_PER_MINUTE: '100000000',
    ...extra,
  };
}
