import pg from 'pg';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { eventSubject, type Envelope } from '@passerelle/events';
import { isolatedEnv, postgresDatabaseUrl, resolvePostgres } from '@passerelle/testkit';

export { BENEFICIARY_KEY, history } from '../sample.js';

/** A test file's own stream and PostgreSQL database on the real servers. */
export async function warehouseEnv(label: string) {
  const env = isolatedEnv(label);
  const pgAdmin = await resolvePostgres();
  const database = `wh_${label}_${env.id}`;
  const admin = new pg.Client({ connectionString: pgAdmin.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const pgUrl = postgresDatabaseUrl(pgAdmin.url, database);
  const nc: NatsConnection = await connect({ servers: env.infra.natsUrl });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: env.stream, subjects: [`${env.prefix}.>`] });
  await jsm.streams.add({ name: env.deadLetter, subjects: [`${env.prefix}_dlq.>`] });
  const pool = new pg.Pool({ connectionString: pgUrl, max: 2 });
  return {
    env,
    nc,
    jsm,
    pool,
    pgUrl,
    config: (consumer = 'integration_warehouse') => ({
      NATS_URL: env.infra.natsUrl,
      EVENTS_STREAM: env.stream,
      EVENTS_PREFIX: env.prefix,
      WAREHOUSE_CONSUMER: consumer,
      PG_URL: pgUrl,
      PORT: 0,
      HOST: '127.0.0.1',
      WAREHOUSE_PROGRESS_MS: 200,
      WAREHOUSE_ACK_WAIT_MS: 3000,
    }),
    async publish(events: readonly Envelope[]) {
      const js = jetstream(nc);
      await Promise.all(events.map((e) => js.publish(eventSubject(env.prefix, e), JSON.stringify(e), { msgID: e.id })));
    },
    async count(sql = 'SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS d FROM wh.events') {
      return (await pool.query<{ n: number; d: number }>(sql)).rows[0]!;
    },
    async close() {
      await pool.end();
      await jsm.streams.delete(env.stream).catch(() => undefined);
      await jsm.streams.delete(env.deadLetter).catch(() => undefined);
      await nc.close();
      const a = new pg.Client({ connectionString: pgAdmin.url });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await a.end();
    },
  };
}
