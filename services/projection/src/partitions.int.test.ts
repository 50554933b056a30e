import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createEnvelope } from '@passerelle/contracts';
import { ConfigError, publishEvent } from '@passerelle/platform';
import { eventually, isolatedEnv, testToken } from '@passerelle/testkit';
import { partitionFilters, start } from './main.js';
import { applierPaths, CellReads, configureApplier, FERRETDB_WRITES_PER_CALL } from './apply/read-model.js';

// Scaling the apply side by country: one worker per partition, all writing the one reporting database (sources never
// span countries), and a reporting replica that consumes nothing reading what both wrote.
const env = isolatedEnv('partitions');
type Projection = Awaited<ReturnType<typeof start>>;
const running: Projection[] = [];
let nc: NatsConnection;
let token: string;

const meta = { actor: 'tester', correlationid: 'c1' };
const held = (trainingId: string, country: 'MA' | 'TN') =>
  createEnvelope(
    {
      type: 'trainings.training.held',
      subject: trainingId,
      country,
      data: {
        trainingId,
        businessDate: '2020-05-01',
        startDate: '2020-05-01',
        endDate: '2020-05-01',
        durationDays: 1,
        topics: ['migration_governance_data'],
        activityLine: '1.1',
        partnerIds: [],
      },
    },
    meta,
  );
const attendance = (trainingId: string, country: 'MA' | 'TN', female: number, male: number) =>
  createEnvelope(
    {
      type: 'trainings.training.attendance_recorded',
      subject: trainingId,
      country,
      data: {
        trainingId,
        businessDate: '2020-05-01',
        rows: [
          { sex: 'female', category: 'judiciary', count: female },
          { sex: 'male', category: 'judiciary', count: male },
        ],
        total: female + male,
        topics: ['migration_governance_data'],
        activityLine: '1.1',
      },
    },
    meta,
  );

async function get(p: Projection, path: string) {
  const res = await fetch(`${p.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as any;
}
const bySex = async (p: Projection, country: string) =>
  Object.fromEntries(
    (await get(p, `/reports/participants?by=sex&country=${country}`)).rows.map((r: any) => [r.sex, r.participants]),
  );

beforeAll(async () => {
  nc = await connect({ servers: env.infra.natsUrl });
  token = await testToken(['reports:read', 'projection:admin'], ['*']);
});
afterAll(async () => {
  for (const p of running) await p.rt.shutdown();
  await nc?.close();
});

describe('partition workers', () => {
  it("each applies only its countries' events into the shared model; a replica serves both; a rebuild agrees", async () => {
    const worker = async (extra: Record<string, string>) => {
      const p = await start(env.env('projection', { PROJECTION_ACK_WAIT_MS: '2000', ...extra }));
      running.push(p);
      return p;
    };
    configureApplier({ sourceCacheLimit: 5, fewIdsOneByOne: false, cellWritesPerCall: 500 });
    const ma = await worker({ PROJECTION_COUNTRIES: 'MA', PROJECTION_CONSUMER: 'projection_p0' });
    // The server here is FerretDB: start-up chose its paths (the whole source log held, few deletes one by one).
    expect(applierPaths()).toEqual({
      sourceCacheLimit: Infinity,
      fewIdsOneByOne: true,
      // The test server is FerretDB on SQLite: cells by id (by country and kind on PostgreSQL).
      cellReads: CellReads.ById,
      cellWritesPerCall: FERRETDB_WRITES_PER_CALL,
    });
    const tn = await worker({ PROJECTION_COUNTRIES: 'TN', PROJECTION_CONSUMER: 'projection_p1' });
    const replica = await worker({ PROJECTION_ROLE: 'api' });

    const js = jetstream(nc);
    const ids: Record<'MA' | 'TN', string[]> = {
      MA: ['1b4a1f0e-8c7d-4e55-9a3e-2d9f0c6b7a11', '1b4a1f0e-8c7d-4e55-9a3e-2d9f0c6b7a12'],
      TN: ['2c5b2a1f-9d8e-4f66-8b4f-3e0a1d7c8b21'],
    };
    for (const [country, trainings] of Object.entries(ids) as Array<['MA' | 'TN', string[]]>) {
      for (const [i, id] of trainings.entries()) {
        await publishEvent(js, env.prefix, held(id, country));
        await publishEvent(js, env.prefix, attendance(id, country, 10 + i, 20 + i));
      }
    }
    const expected = { MA: { female: 21, male: 41 }, TN: { female: 10, male: 20 } };
    await eventually(
      async () => {
        const [m, t] = await Promise.all([bySex(replica, 'MA'), bySex(replica, 'TN')]);
        return m.female === 21 && t.female === 10 ? true : undefined;
      },
      20_000,
      'both partitions applied',
    );
    expect({ MA: await bySex(replica, 'MA'), TN: await bySex(replica, 'TN') }).toEqual(expected);

    // Each worker's consumer saw only its own country: the other's events were never delivered to it.
    const jsm = await jetstreamManager(nc);
    const delivered = async (name: string) => (await jsm.consumers.info(env.stream, name)).delivered.stream_seq;
    expect((await jsm.consumers.info(env.stream, 'projection_p0')).config.filter_subject).toBe(`${env.prefix}.MA.>`);
    expect((await get(ma, '/projection/status')).handled).toBe(4);
    expect((await get(tn, '/projection/status')).handled).toBe(2);
    expect(await delivered('projection_p1')).toBeGreaterThan(0);

    // A rebuild from the whole stream (by one worker) gives the same reports, which the other partition keeps feeding.
    const accepted = await fetch(`${ma.url}/admin/rebuild`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(accepted.status).toBe(202);
    await eventually(
      async () => ((await get(ma, '/projection/status')).rebuild?.state === 'done' ? true : undefined),
      30_000,
      'the rebuild',
    );
    expect({ MA: await bySex(replica, 'MA'), TN: await bySex(replica, 'TN') }).toEqual(expected);
    await publishEvent(js, env.prefix, attendance(ids.TN[0]!, 'TN', 1, 2));
    await eventually(
      async () => ((await bySex(replica, 'TN')).female === 1 ? true : undefined),
      20_000,
      'the TN worker on the new generation',
    );
    expect(await bySex(replica, 'MA')).toEqual(expected.MA);
  }, 90_000);

  it('a partition is countries the deployment serves, or a subject filter, not both', () => {
    const served = { COUNTRIES: ['MA', 'TN'] };
    expect(partitionFilters('evt', { ...served, PROJECTION_COUNTRIES: ['MA', 'TN'] })).toEqual([
      'evt.MA.>',
      'evt.TN.>',
    ]);
    expect(partitionFilters('evt', served)).toEqual(['evt.>']);
    expect(() => partitionFilters('evt', { ...served, PROJECTION_COUNTRIES: ['SN'] })).toThrow(ConfigError);
    expect(() =>
      partitionFilters('evt', { ...served, PROJECTION_COUNTRIES: ['MA'], PROJECTION_FILTER: 'evt.MA.>' }),
    ).toThrow(/not both/);
  });
});
