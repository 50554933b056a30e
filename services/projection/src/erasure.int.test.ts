import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { createEnvelope, registry, type Envelope } from '@passerelle/contracts';
import { publishEvent } from '@passerelle/platform';
import { eventually, isolatedEnv, testToken } from '@passerelle/testkit';
import { changesOf } from './facts/facts.js';
import { start } from './main.js';

// The assistance service's right to erasure, as the projection sees it: an erasure changes no figure and is not a
// poison event; a rekeyed delivery replaces its people's keys, the same people counted once.
const env = isolatedEnv('erasure');
let projection: Awaited<ReturnType<typeof start>>;
let nc: NatsConnection;
let js: JetStreamClient;
let token: string;

const ctx = { actor: 'staff-1', correlationid: 'c' };
const [D1, D2, D3] = [1, 2, 3].map((n) => `1a2b3c4d-0000-4000-8000-00000000000${n}`) as [string, string, string];
const key = (n: number) => n.toString(16).padStart(64, '0');
const figures = (id: string, keys: number[]) => ({
  deliveryId: id,
  businessDate: '2020-05-01',
  kind: 'food',
  context: 'covid19',
  partnerId: 'foo',
  place: { country: 'MA', region: 'Oriental' },
  region: 'Oriental',
  activityLine: '1.4',
  quantity: keys.length,
  unit: 'parcel',
  mode: 'keys',
  rows: [{ sex: 'female', ageGroup: '18-59', flags: ['none'], count: keys.length }],
  total: keys.length,
  beneficiaries: keys.map((k) => ({ key: key(k), sex: 'female', ageGroup: '18-59', flags: ['none'] })),
});
const delivery = (type: string, id: string, keys: number[]) =>
  createEnvelope({ type: `assistance.delivery.${type}`, subject: id, country: 'MA', data: figures(id, keys) }, ctx);
const erased = () =>
  createEnvelope(
    {
      type: 'assistance.beneficiary.erased',
      subject: '5f0c1d2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f',
      country: 'MA',
      data: { erasureId: '5f0c1d2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f', date: '2020-06-01' },
    },
    ctx,
  );

async function get(path: string) {
  const res = await fetch(`${projection.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as any };
}
const unique = async () =>
  (await get('/reports/figures?source=assistance_beneficiaries&measure=unique')).body.rows[0]?.value as
    number | undefined;

beforeAll(async () => {
  projection = await start(env.env('projection'));
  nc = await connect({ servers: env.infra.natsUrl });
  js = jetstream(nc);
  token = await testToken(['reports:read', 'reports:internal', 'projection:admin'], ['MA']);
});
afterAll(async () => {
  await projection?.rt.shutdown();
  await nc?.close();
});

describe('erasure and rekeying in the read model', () => {
  it('an erasure yields no facts; a rekeyed delivery replaces every figure, like a correction', () => {
    expect(changesOf(registry.parse(JSON.stringify(erased()), `evt.MA.assistance.beneficiary.erased`))).toEqual([]);
    const [, people] = changesOf(registry.parse(JSON.stringify(delivery('rekeyed', D3, [7, 8]))));
    expect(people!.facts.map((f) => f.key)).toEqual([key(7), key(8)]);
  });

  it('record, erase, record again: the person counts once per pseudonym, and the erasure is not dead-lettered', async () => {
    // Person 1 under their first pseudonym, then erased; a later delivery gives them pseudonym 2 (a new person).
    const events: Envelope[] = [delivery('recorded', D1, [1, 3]), erased(), delivery('recorded', D2, [2, 3])];
    for (const e of events) await publishEvent(js, env.prefix, e);
    expect(await eventually(async () => ((await unique()) === 3 ? 3 : undefined), 15_000, 'three unique people')).toBe(
      3,
    );

    // A legacy delivery rekeyed by the migration: its person 4 becomes 9; still one person, never two.
    await publishEvent(js, env.prefix, delivery('recorded', D3, [4]));
    await eventually(async () => ((await unique()) === 4 ? true : undefined), 15_000, 'the legacy delivery');
    await publishEvent(js, env.prefix, delivery('rekeyed', D3, [9]));
    await eventually(
      async () =>
        (await get(`/reports/explain?source=assistance_beneficiaries&measure=unique`)).body.items?.some(
          (i: any) => i.key === key(9),
        )
          ? true
          : undefined,
      15_000,
      'the rekeyed facts',
    );
    expect(await unique()).toBe(4);
    const keys = (
      await get('/reports/explain?source=assistance_beneficiaries&measure=unique&pageSize=100')
    ).body.items.map((i: any) => i.key);
    expect(keys).not.toContain(key(4));

    // A poison message published after them is dead-lettered: once it is there, it is the only one.
    await js.publish(`${env.prefix}.MA.assistance.beneficiary.erased`, JSON.stringify({ hello: 'world' }), {
      msgID: 'poison-erasure',
    });
    const letters = await eventually(
      async () => {
        const r = await get('/admin/dead-letters');
        return r.body.total >= 1 ? r.body : undefined;
      },
      15_000,
      'the control dead letter',
    );
    expect(letters.total).toBe(1);
    expect(letters.items[0].reason).toMatch(/INVALID_ENVELOPE/);
  });
});
