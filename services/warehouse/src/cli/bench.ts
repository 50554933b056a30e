#!/usr/bin/env node
// Warehouse throughput: events from JetStream into PostgreSQL through @passerelle/events, beside raw inserts of the
// same rows in the same run (one INSERT per row, and one bulk INSERT of all of them). Writes bench-results/<time>.{json,md}.
// BENCH_EVENTS (default 2000), NATS_URL, PG_URL (an admin URL; a bench database is created and dropped).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { eventSubject, registry } from '@passerelle/events';
import { loadWarehouseConfig } from '../config.js';
import { history } from '../sample.js';
import { insertRows, rowOf } from '../store.js';
import { startWarehouse } from '../warehouse.js';

const n = Number(process.env.BENCH_EVENTS ?? 2000);
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const adminUrl = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const id = Date.now().toString(36);
const stream = `WH_BENCH_${id}`;
const prefix = `whb${id}`;
const database = `wh_bench_${id}`;
const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const nc = await connect({ servers: natsUrl });
const jsm = await jetstreamManager(nc);
await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`] });
const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
const result: Record<string, unknown> = {
  events: n,
  nats: nc.info?.version,
  postgres: (await admin.query('SHOW server_version')).rows[0].server_version,
  when: new Date().toISOString(),
};
try {
  const events = history(n).slice(0, n);
  const js = jetstream(nc);
  const payloads = events.map((e) => ({
    subject: eventSubject(prefix, e),
    data: new TextEncoder().encode(JSON.stringify(e)),
    id: e.id,
  }));
  for (const p of payloads) await js.publish(p.subject, p.data, { msgID: p.id });

  let t0 = performance.now();
  const w = await startWarehouse(
    loadWarehouseConfig({
      NATS_URL: natsUrl,
      EVENTS_STREAM: stream,
      EVENTS_PREFIX: prefix,
      WAREHOUSE_CONSUMER: 'bench',
      PG_URL: dbUrl,
      PORT: '0',
    }),
    { logger: { warn: () => {}, error: () => {} } },
  );
  const ready = performance.now();
  while ((await pool.query('SELECT count(*)::int AS c FROM wh.events')).rows[0].c < n)
    await new Promise((r) => setTimeout(r, 20));
  const warehouseMs = performance.now() - ready;
  await w.stop();
  result.startupMs = Math.round(ready - t0);
  result.warehouse = { ms: Math.round(warehouseMs), rowsPerSecond: Math.round(n / (warehouseMs / 1000)) };

  // The same rows, without NATS: what PostgreSQL alone takes.
  const rows = payloads.map((p, i) => {
    const e = registry.parse(p.data);
    return rowOf(e, i + 1, p.data, registry.businessDate(e));
  });
  await pool.query(
    'CREATE TABLE wh.raw_single (LIKE wh.events INCLUDING ALL); CREATE TABLE wh.raw_bulk (LIKE wh.events INCLUDING ALL)',
  );
  t0 = performance.now();
  for (const r of rows) await insertRows(pool, [r], 'wh.raw_single');
  const singleMs = performance.now() - t0;
  t0 = performance.now();
  for (let i = 0; i < rows.length; i += 1000) await insertRows(pool, rows.slice(i, i + 1000), 'wh.raw_bulk');
  const bulkMs = performance.now() - t0;
  result.rawInsertPerRow = { ms: Math.round(singleMs), rowsPerSecond: Math.round(n / (singleMs / 1000)) };
  result.rawBulkInsert = { ms: Math.round(bulkMs), rowsPerSecond: Math.round(n / (bulkMs / 1000)), batch: 1000 };
} finally {
  await pool.end();
  await jsm.streams.delete(stream).catch(() => undefined);
  await nc.close();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
const dir = join(import.meta.dirname, '..', '..', 'bench-results');
mkdirSync(dir, { recursive: true });
const stamp = String(result.when).replace(/[:.]/g, '-');
writeFileSync(join(dir, `${stamp}.json`), JSON.stringify(result, null, 2) + '\n');
const w = result.warehouse as { rowsPerSecond: number; ms: number };
const s = result.rawInsertPerRow as { rowsPerSecond: number; ms: number };
const b = result.rawBulkInsert as { rowsPerSecond: number; ms: number };
writeFileSync(
  join(dir, `${stamp}.md`),
  `# Warehouse bench ${String(result.when)}\n\n${n} events, NATS ${String(result.nats)}, PostgreSQL ${String(result.postgres)}, one run.\n\n| path | ms | rows/s |\n|---|---:|---:|\n` +
    `| warehouse: JetStream → @passerelle/events → INSERT per event, ack after each | ${w.ms} | ${w.rowsPerSecond} |\n` +
    `| raw INSERT per row (same rows, same statement, no NATS) | ${s.ms} | ${s.rowsPerSecond} |\n` +
    `| raw bulk INSERT, 1,000 rows per statement | ${b.ms} | ${b.rowsPerSecond} |\n`,
);
console.log(JSON.stringify(result));
