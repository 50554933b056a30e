import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRegistry, allEvents, defineEvent, trainingHeld } from '@passerelle/events';
import { eventually } from '@passerelle/testkit';
import { loadWarehouseConfig } from './config.js';
import { ROLES } from './schema.js';
import { BENEFICIARY_KEY, history, warehouseEnv } from './testing/fixtures.js';
import { startWarehouse, type Warehouse } from './warehouse.js';

// The warehouse against the real PostgreSQL and NATS of the machine.
let t: Awaited<ReturnType<typeof warehouseEnv>>;
const running: Warehouse[] = [];
const quiet = { warn: () => {}, error: () => {} };
const start = async (consumer: string, opts: Parameters<typeof startWarehouse>[1] = {}) => {
  const w = await startWarehouse(loadWarehouseConfig(t.config(consumer) as never), { logger: quiet, ...opts });
  running.push(w);
  return w;
};
const caughtUp = (w: Warehouse) =>
  eventually(
    async () => ((await w.progress()).pending === 0 && (await w.progress()).ackPending === 0 ? true : undefined),
    30_000,
    'the warehouse to catch up',
  );

beforeAll(async () => {
  t = await warehouseEnv('wh');
});
afterAll(async () => {
  for (const w of running) await w.stop().catch(() => undefined);
  await t?.close();
});

describe('the warehouse', () => {
  it('stores every event once, and a replay of the whole stream adds nothing', async () => {
    const events = history(60);
    await t.publish(events);
    const w = await start('integration_warehouse');
    await caughtUp(w);
    expect(await t.count()).toEqual({ n: events.length, d: events.length });
    await w.stop();
    // Replay: the consumer starts over from the first event; the event id key keeps one row each.
    await t.jsm.consumers.delete(t.env.stream, 'integration_warehouse');
    const again = await start('integration_warehouse');
    await caughtUp(again);
    expect(again.handled()).toBe(events.length);
    expect(await t.count()).toEqual({ n: events.length, d: events.length });
    const lag = await t.pool.query('SELECT pending, last_seq FROM bi.warehouse_lag');
    await eventually(async () =>
      (await t.pool.query('SELECT last_seq FROM wh.progress')).rows[0]?.last_seq === String(events.length)
        ? true
        : undefined,
    );
    expect(lag.rows).toHaveLength(1);
    await again.stop();
  });

  it('shows BI users flattened views without pseudonyms, actors or free text; raw events only to the owner', async () => {
    const views = (
      await t.pool.query<{ schema: string; name: string }>(
        `SELECT table_schema AS schema, table_name AS name FROM information_schema.views WHERE table_schema IN ('bi', 'bi_internal')`,
      )
    ).rows;
    expect(views.length).toBeGreaterThan(allEvents.length);
    const client = await t.pool.connect();
    try {
      await client.query(`SET ROLE ${ROLES.reader}`);
      const seen: string[] = [];
      for (const v of views.filter((x) => x.schema === 'bi'))
        seen.push(JSON.stringify((await client.query(`SELECT * FROM bi.${v.name}`)).rows));
      const all = seen.join('\n');
      expect(all).toContain('"training_id"');
      expect(all).not.toMatch(/[0-9a-f]{64}/);
      expect(all).not.toContain(BENEFICIARY_KEY);
      expect(all).not.toContain('staff-pseudonym-17');
      expect(all).not.toContain('Mme X');
      await expect(client.query('SELECT * FROM wh.events LIMIT 1')).rejects.toThrow(/permission denied/);
      await expect(client.query('SELECT * FROM bi_internal.assistance_beneficiaries_current LIMIT 1')).rejects.toThrow(
        /permission denied/,
      );
      await client.query(`RESET ROLE; SET ROLE ${ROLES.internal}`);
      expect(
        (await client.query('SELECT * FROM bi_internal.assistance_beneficiaries_current')).rows.length,
      ).toBeGreaterThan(0);
      const deliveries = (await client.query('SELECT count(*)::int AS n FROM bi.assistance_deliveries_current')).rows[0]
        .n;
      const held = (
        await client.query('SELECT count(*)::int AS n, sum(duration_days)::int AS days FROM bi.trainings_training_held')
      ).rows[0];
      expect(held).toEqual({ n: 20, days: 40 });
      expect(deliveries).toBe(40 - 4);
    } finally {
      await client.query('RESET ROLE');
      client.release();
    }
  });

  it('loses and doubles nothing when killed in the middle and restarted', async () => {
    const events = history(900);
    await t.publish(events);
    const main = join(import.meta.dirname, '..', 'dist', 'main.js');
    const env = {
      ...process.env,
      ...Object.fromEntries(Object.entries(t.config('integration_crash')).map(([k, v]) => [k, String(v)])),
    };
    const before = (await t.count()).n;
    const first = spawn(process.execPath, [main], { env, stdio: 'ignore' });
    const started = Date.now();
    await eventually(
      async () => ((await t.count()).n > before + events.length / 4 ? true : undefined),
      60_000,
      'a quarter of the events',
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const midway = (await t.count()).n - before;
    expect(midway).toBeLessThan(events.length);
    const second = spawn(process.execPath, [main], { env, stdio: 'ignore' });
    try {
      await eventually(
        async () => ((await t.count()).n === before + events.length ? true : undefined),
        60_000,
        'every event after the restart',
      );
      const ids = new Set(
        (await t.pool.query<{ event_id: string }>('SELECT event_id FROM wh.events')).rows.map((r) => r.event_id),
      );
      expect(events.every((e) => ids.has(e.id))).toBe(true);
      expect(await t.count()).toEqual({ n: before + events.length, d: before + events.length });
      console.warn(
        `crash test: ${events.length} events, killed after ${midway} rows, all in after ${Date.now() - started} ms`,
      );
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }
  }, 180_000);

  it('handles a new dataversion: old rows are upcast in place, new events arrive upcast, no row lost', async () => {
    const before = await t.count();
    // Version 2 of training.held renames durationDays to days, with an upcaster from version 1.
    const v2 = defineEvent({
      type: trainingHeld.type,
      description: trainingHeld.description,
      version: '2',
      businessDate: (d) => d.businessDate,
      data: trainingHeld.data.omit({ durationDays: true }).extend({ days: z.number().int().positive() }),
      upcasters: {
        '1': (old) => {
          const { durationDays, ...rest } = old as { durationDays: number };
          return { ...rest, days: durationDays };
        },
      },
    });
    const parser = createRegistry([...allEvents.filter((d) => d.type !== v2.type), v2]);
    const w = await start('integration_warehouse', { parser });
    expect(w.upgraded).toBeGreaterThan(0);
    const late = history(3).filter((e) => e.type === trainingHeld.type);
    await t.publish(late);
    await caughtUp(w);
    expect(await t.count()).toEqual({ n: before.n + late.length, d: before.d + late.length });
    const rows = (
      await t.pool.query(`SELECT published_version, data_version, data FROM wh.events WHERE type = $1`, [
        trainingHeld.type,
      ])
    ).rows;
    expect(
      rows.every(
        (r) =>
          r.published_version === '1' && r.data_version === '2' && r.data.days === 2 && !('durationDays' in r.data),
      ),
    ).toBe(true);
    expect(
      (await t.pool.query('SELECT count(*)::int AS n FROM bi.trainings_training_held WHERE days = 2')).rows[0].n,
    ).toBe(rows.length);
    await w.stop();
  });
});
