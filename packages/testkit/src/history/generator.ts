import { createEnvelope, eventSubject, type Envelope } from '@passerelle/contracts';
import { createPeople, deliveryLife, trainingLife } from './activities.js';
import { prng } from '../prng.js';
import { createPartners, frameworkActivity, frameworkDrafts, type Draft } from './world.js';

export interface Generated {
  event: Envelope;
  subject: string;
  /** Nats-Msg-Id: the event id, or another id for a re-publication that the stream keeps (a duplicate delivery). */
  msgId: string;
}

export interface GeneratorOptions {
  seed: number;
  /** Messages to produce, duplicates included. */
  count: number;
  prefix: string;
  /** Record time of the first event; each next one is `stepMs` later. */
  start?: Date;
  stepMs?: number;
  /** Share of messages that are a second publication of the previous event (at-least-once transport). */
  duplicates?: number;
}

/**
 * A seeded, realistic event history of every service, streamed (a million events never sit in memory): the
 * framework and partners first, then trainings (rescheduled, cancelled, held, attendance corrected), deliveries
 * (beneficiary keys that recur across deliveries, or counts; corrections that move figures and dates; voids),
 * partner agreements, support and renames, and framework revisions, interleaved as several editors work, business
 * dates over two years in any order, and some events published twice. The same seed gives the same history (event
 * ids aside). The bench loads it at every size; the projection's crash test kills the projection while it applies it.
 */
export function* generateEvents(opts: GeneratorOptions): Generator<Generated> {
  const r = prng(opts.seed);
  const start = (opts.start ?? new Date('2023-01-01T00:00:00Z')).getTime();
  const step = opts.stepMs ?? 10_000;
  const partners = createPartners(r, Math.max(10, Math.min(400, Math.round(opts.count / 2500))));
  const partnerIds = partners.ids();
  const people = createPeople(r, opts.seed, Math.max(50, Math.round(opts.count / 4)));
  const ctx = { actor: 'history-generator', correlationid: `history-${opts.seed}` };
  let emitted = 0;
  let trainings = 0;
  let frameworkVersion = 1;
  const wrap = (d: Draft): Generated => {
    const event = createEnvelope(
      { type: d.type, subject: d.subject, country: d.country, data: d.data },
      { ...ctx, now: new Date(start + emitted * step) },
    );
    return { event, subject: eventSubject(opts.prefix, event), msgId: event.id };
  };
  const emit = function* (d: Draft): Generator<Generated> {
    if (emitted >= opts.count) return;
    const g = wrap(d);
    emitted++;
    yield g;
    if (emitted < opts.count && r.chance(opts.duplicates ?? 0.01)) {
      emitted++;
      yield { ...g, msgId: `${g.msgId}-again` };
    }
  };
  for (const d of [...frameworkDrafts(), ...partners.registered()]) yield* emit(d);
  // Open lives interleave; each keeps its own order, as one editor works on one training or delivery at a time.
  const open: Draft[][] = [];
  while (emitted < opts.count) {
    if (open.length < 64) {
      const roll = r.next();
      if (roll < 0.5) open.push(trainingLife(r, partnerIds, ++trainings));
      else if (roll < 0.88) open.push(deliveryLife(r, people, partnerIds));
      else if (roll < 0.985) open.push([partners.activity()]);
      else open.push([frameworkActivity(r, frameworkVersion++)]);
      continue;
    }
    const j = r.int(0, open.length - 1);
    const life = open[j]!;
    yield* emit(life.shift()!);
    if (!life.length) open.splice(j, 1);
  }
}

/** Counts messages per event type (for the report: what the generated history is made of). */
export function mixOf(seed: number, count: number): Record<string, number> {
  const mix: Record<string, number> = {};
  for (const g of generateEvents({ seed, count, prefix: 'evt' })) mix[g.event.type] = (mix[g.event.type] ?? 0) + 1;
  return mix;
}

/**
 * One service's events of a generated history, in order and without re-publications: what that service's NATS
 * user may publish (`count` is the length of the whole history they are taken from).
 */
export function serviceEvents(
  service: 'trainings' | 'assistance' | 'partners' | 'indicators',
  opts: Omit<GeneratorOptions, 'prefix'>,
): Envelope[] {
  const events: Envelope[] = [];
  for (const g of generateEvents({ ...opts, prefix: 'evt', duplicates: 0 }))
    if (g.event.type.startsWith(`${service}.`)) events.push(g.event);
  return events;
}
