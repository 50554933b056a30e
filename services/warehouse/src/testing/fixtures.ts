import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createEnvelope, deliveryRecorded, deliveryVoided, eventSubject, trainingHeld, type Envelope } from '@passerelle/events';
import { isolatedEnv, postgresDatabaseUrl, resolvePostgres } from '@passerelle/testkit';

const ctx = { actor: 'staff-pseudonym-17', correlationid: 'c1' };
/** A key as the assistance service makes them (an HMAC): the views must never show one. */
export const BENEFICIARY_KEY = 'ab'.repeat(32);

/** A mixed history: trainings held, deliveries in keys mode (with pseudonymous keys), some voided. */
export function history(n: number): Envelope[] {
  const out: Envelope[] = [];
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    if (i % 3 === 0) {
      out.push(createEnvelope(trainingHeld.build({ subject: id, country: 'MA', data: { trainingId: id, businessDate: '2020-02-10', startDate: '2020-02-10', endDate: '2020-02-11', durationDays: 2, topics: ['border_management'], activityLine: '1.1', region: 'Oriental', partnerIds: [] } }), ctx));
      continue;
    }
    const figures = {
      deliveryId: id, businessDate: '2020-03-01', kind: 'food' as const, context: 'programme', partnerId: 'p-1', place: { country: 'MA' as const, region: 'Oriental' },
      region: 'Oriental', activityLine: '2.1', quantity: 1, unit: 'kit', mode: 'keys' as const,
      rows: [{ sex: 'female' as const, ageGroup: '18-59' as const, flags: ['victim_of_trafficking' as const], count: 1 }], total: 1,
      beneficiaries: [{ key: i % 2 ? BENEFICIARY_KEY : randomUUID().replaceAll('-', '').padEnd(64, '0'), sex: 'female' as const, ageGroup: '18-59' as const, flags: ['victim_of_trafficking' as const] }],
    };
    out.push(createEnvelope(deliveryRecorded.build({ subject: id, country: 'MA', data: figures }), ctx));
    if (i % 10 === 1) {
      out.push(createEnvelope(deliveryVoided.build({ subject: id, country: 'MA', data: { deliveryId: id, businessDate: '2020-03-01', reason: 'entered twice by Mme X', kind: 'food', context: 'programme', partnerId: 'p-1', activityLine: '2.1', previousTotal: 1 } }), ctx));
    }
  }
  return out;
}

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
    env, nc, jsm, pool, pgUrl,
    config: (consumer = 'integration_warehouse') => ({
      NATS_URL: env.infra.natsUrl, EVENTS_STREAM: env.stream, EVENTS_PREFIX: env.prefix, WAREHOUSE_CONSUMER: consumer,
      PG_URL: pgUrl, PORT: 0, HOST: '127.0.0.1', WAREHOUSE_PROGRESS_MS: 200,
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
