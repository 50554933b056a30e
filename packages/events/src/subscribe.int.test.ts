import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { eventually, isolatedEnv } from '@passerelle/testkit';
import { z } from 'zod';
import {
  DEAD_LETTER_HEADERS,
  PoisonEventError,
  createEnvelope,
  createRegistry,
  defineEvent,
  eventSubject,
  idempotent,
  memoryIdempotencyStore,
  subscribe,
  trainingCancelled,
  trainingEvents,
  trainingHeld,
  type Envelope,
  type Subscription,
} from './index.js';

// Every feature of subscribe() against the real NATS of this machine (2.9 here; 2.10+ where NATS_URL points to one).
const env = isolatedEnv('events');
let nc: NatsConnection;
let jsm: JetStreamManager;
const subs: Subscription[] = [];
const ctx = { actor: 'tester', correlationid: 'c1' };
let n = 0;
const uuid = () => `0e0b8a5e-31a5-4c53-9d62-${String(++n).padStart(12, '0')}`;

const held = (country: 'MA' | 'TN' = 'MA', over: Partial<{ durationDays: number }> = {}) => {
  const trainingId = uuid();
  return createEnvelope(
    trainingHeld.build({
      subject: trainingId,
      country,
      data: {
        trainingId,
        businessDate: '2020-02-10',
        startDate: '2020-02-10',
        endDate: '2020-02-11',
        durationDays: 2,
        topics: ['trafficking_in_persons'],
        activityLine: '1.1',
        partnerIds: [],
        ...over,
      },
    }),
    ctx,
  );
};
const cancelled = () => {
  const trainingId = uuid();
  return createEnvelope(
    trainingCancelled.build({
      subject: trainingId,
      country: 'MA',
      data: { trainingId, businessDate: '2020-02-10', reason: 'no room' },
    }),
    ctx,
  );
};

async function publish(event: Envelope | Record<string, unknown>, subject?: string, hdrs?: Record<string, string>) {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(hdrs ?? {})) h.set(k, v);
  const e = event as Envelope;
  return jetstream(nc).publish(subject ?? eventSubject(env.prefix, e), JSON.stringify(event), {
    msgID: e.id,
    headers: h,
  });
}
const start = async (o: Omit<Parameters<typeof subscribe>[0], 'connection' | 'stream' | 'prefix'>) => {
  const s = await subscribe({
    connection: nc,
    stream: env.stream,
    prefix: env.prefix,
    logger: { warn: () => {}, error: () => {} },
    ...o,
  });
  subs.push(s);
  return s;
};
const deadLetters = async (consumer: string) => {
  const out: Array<{ reason: string; seq: string }> = [];
  const info = await jsm.streams.info(env.deadLetter);
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages; seq++) {
    const m = await jsm.streams.getMessage(env.deadLetter, { seq });
    if (m && m.header.get(DEAD_LETTER_HEADERS.consumer) === consumer)
      out.push({ reason: m.header.get(DEAD_LETTER_HEADERS.reason), seq: m.header.get(DEAD_LETTER_HEADERS.sequence) });
  }
  return out;
};

beforeAll(async () => {
  // What an app's OpenTelemetry SDK set-up does; without a propagator, trace headers are ignored.
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  nc = await connect({ servers: env.infra.natsUrl });
  jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: env.stream, subjects: [`${env.prefix}.>`] });
  await jsm.streams.add({ name: env.deadLetter, subjects: [`${env.prefix}_dlq.>`] });
});
afterAll(async () => {
  for (const s of subs) await s.stop();
  await jsm?.streams.delete(env.stream).catch(() => undefined);
  await jsm?.streams.delete(env.deadLetter).catch(() => undefined);
  await nc?.close();
});

describe('subscribe()', () => {
  it('gives typed events of the filtered country and types to their handlers, acked after the handler', async () => {
    const seen: string[] = [];
    const events = [held('MA'), held('TN'), cancelled(), held('MA')];
    for (const e of events) await publish(e);
    const sub = await start({
      consumer: 'typed',
      filter: { country: 'MA' },
      handlers: {
        'trainings.training.held': (e) => {
          seen.push(`held ${e.data.durationDays} ${e.country}`);
        },
        'trainings.training.cancelled': (e) => {
          seen.push(`cancelled ${e.data.reason}`);
        },
      },
    });
    await eventually(async () => (seen.length === 3 ? true : undefined));
    expect(seen).toEqual(['held 2 MA', 'cancelled no room', 'held 2 MA']);
    await eventually(async () =>
      (await sub.lag()).acked === (await sub.lag()).delivered && (await sub.lag()).pending === 0 ? true : undefined,
    );
    expect(sub.handled()).toBe(3);
  });

  it('retries a failing handler with backoff, then dead-letters it with the reason when out of attempts', async () => {
    const flaky = held();
    const hopeless = held();
    await publish(flaky);
    await publish(hopeless);
    const attempts = new Map<string, number>();
    const sub = await start({
      consumer: 'retries',
      filter: { types: ['trainings.training.held'] },
      from: { sequence: (await jsm.streams.info(env.stream)).state.last_seq - 1 },
      maxDeliver: 3,
      backoffMs: () => 50,
      handlers: {
        'trainings.training.held': (e) => {
          const a = (attempts.get(e.id) ?? 0) + 1;
          attempts.set(e.id, a);
          if (e.id === hopeless.id || a < 2) throw new Error(`database down (attempt ${a})`);
        },
      },
    });
    await eventually(async () => ((await deadLetters('retries')).length === 1 ? true : undefined));
    expect(attempts.get(flaky.id)).toBe(2);
    expect(attempts.get(hopeless.id)).toBe(3);
    expect((await deadLetters('retries'))[0]!.reason).toBe('failed 3 times: database down (attempt 3)');
    expect(sub.handled()).toBe(1);
  });

  it('dead-letters poison at once: invalid data, a subject that lies, and a PoisonEventError from the handler', async () => {
    const from = (await jsm.streams.info(env.stream)).state.last_seq + 1;
    const bad = { ...held(), data: { durationDays: -1 } };
    await publish(bad);
    const liar = held();
    await publish(liar, `${env.prefix}.MA.trainings.training.cancelled`);
    const refused = held();
    await publish(refused);
    const sub = await start({
      consumer: 'poison',
      from: { sequence: from },
      handlers: {
        'trainings.training.held': () => {
          throw new PoisonEventError('this app cannot take it');
        },
        'trainings.training.cancelled': () => {},
      },
    });
    await eventually(async () => ((await deadLetters('poison')).length === 3 ? true : undefined));
    expect((await deadLetters('poison')).map((d) => d.reason.split(':')[0])).toEqual([
      'INVALID_DATA',
      'SUBJECT_MISMATCH',
      'POISON_EVENT',
    ]);
    expect(sub.deadLettered()).toBe(3);
  });

  it('replays from the start, from a time or from a sequence', async () => {
    const before = (await jsm.streams.info(env.stream)).state;
    await new Promise((r) => setTimeout(r, 20));
    const since = new Date();
    const later = held();
    await publish(later);
    const count = async (from: Parameters<typeof subscribe>[0]['from'], name: string, replay = false) => {
      const ids: string[] = [];
      const sub = await start({
        consumer: name,
        from,
        replay,
        onEvent: (e) => {
          ids.push(e.id);
        },
      });
      await eventually(async () =>
        (await sub.lag()).pending === 0 && (await sub.lag()).ackPending === 0 ? true : undefined,
      );
      await sub.stop();
      return ids;
    };
    expect(await count({ time: since }, 'by_time')).toEqual([later.id]);
    expect(await count({ sequence: before.last_seq + 1 }, 'by_seq')).toEqual([later.id]);
    const all = await count('start', 'from_start');
    expect(all.length).toBeGreaterThan(5);
    // A second run of the same durable resumes where it stopped; replay: true starts it over.
    expect(await count('start', 'from_start')).toEqual([]);
    expect(await count('start', 'from_start', true)).toEqual(all);
  });

  it('gives each handler the OpenTelemetry context of its message', async () => {
    const e = held();
    const { seq } = await publish(e, undefined, {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    let traceId: string | undefined;
    await start({
      consumer: 'traced',
      from: { sequence: seq },
      handlers: {
        'trainings.training.held': (_e, c) => {
          traceId = trace.getSpanContext(c.trace)?.traceId;
        },
      },
    });
    await eventually(async () => traceId);
    expect(traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('applies a redelivered or republished event once with the idempotency helper', async () => {
    const e = held();
    const first = await publish(e);
    // A publisher retry past the duplicate window stores the same event twice.
    await jetstream(nc).publish(eventSubject(env.prefix, e), JSON.stringify(e));
    let applied = 0;
    const store = memoryIdempotencyStore();
    const sub = await start({
      consumer: 'idem',
      from: { sequence: first.seq },
      handlers: {
        'trainings.training.held': idempotent(store, () => {
          applied++;
        }),
      },
    });
    await eventually(async () =>
      (await sub.lag()).pending === 0 && (await sub.lag()).ackPending === 0 ? true : undefined,
    );
    expect(applied).toBe(1);
  });

  it('upcasts an old dataversion before the handler sees it', async () => {
    // A future v2 of training.held that renamed durationDays to days; v1 events in the stream are upcast on read.
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
    const parser = createRegistry([...trainingEvents.filter((d) => d.type !== v2.type), v2]);
    const e = held();
    const { seq } = await publish(e);
    const got: unknown[] = [];
    await start({
      consumer: 'upcast',
      from: { sequence: seq },
      parser,
      onEvent: (ev) => {
        got.push(ev);
      },
    });
    await eventually(async () => (got.length ? true : undefined));
    expect(got[0]).toMatchObject({ id: e.id, dataversion: '2', data: { days: 2 } });
    expect(got[0]).not.toHaveProperty('data.durationDays');
  });

  it('stops gracefully: the event in hand is finished and acked, nothing is lost', async () => {
    const events = [held(), held(), held()];
    const seqs: number[] = [];
    for (const e of events) seqs.push((await publish(e)).seq);
    const seq = seqs[0]!;
    const done: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sub = await start({
      consumer: 'graceful',
      from: { sequence: seq },
      handlers: {
        'trainings.training.held': async (e) => {
          await gate;
          done.push(e.id);
        },
      },
    });
    await eventually(async () => ((await sub.lag()).ackPending === 1 ? true : undefined));
    const stopping = sub.stop();
    release();
    await stopping;
    expect(done).toEqual([events[0]!.id]);
    const info = await jsm.consumers.info(env.stream, 'graceful');
    expect(info.ack_floor.stream_seq).toBe(seq);
    // The others are still there for the next run.
    const again: string[] = [];
    await start({
      consumer: 'graceful',
      handlers: {
        'trainings.training.held': (e) => {
          again.push(e.id);
        },
      },
    });
    await eventually(async () => (again.length === 2 ? true : undefined));
    expect(again).toEqual([events[1]!.id, events[2]!.id]);
  });
});
