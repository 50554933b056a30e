import type { Collection, Filter } from 'mongodb';
import type { Envelope } from '@passerelle/contracts';
import { isDuplicateKey } from './mongo.js';
import type { TraceCarrier } from './telemetry.js';

/** An event waiting in its aggregate's outbox, with its place in the aggregate's history and the trace it was written under. */
export interface StoredEvent {
  event: Envelope;
  trace: TraceCarrier;
  /** 1 for the aggregate's first event; the aggregate's version once this event was applied. */
  seq: number;
}

/** A published event, kept in the `<collection>_events` collection so the aggregate document stays small. */
export interface HistoryDoc {
  _id: string;
  aggregate: string;
  seq: number;
  event: Envelope;
}

/**
 * The fields an aggregate document had before published events left it: every event ever emitted, and how many
 * of them the relay had sent. Documents written that way are upgraded (see `upgradeLegacy`).
 */
export interface LegacyFields {
  events?: Array<Omit<StoredEvent, 'seq'>>;
  published?: number;
}

/** What the relay needs from a store: find aggregates with pending events, publish them, count them. */
export interface Outbox {
  /** `db.collection`, for logs and for running one publish per aggregate at a time. */
  readonly name: string;
  /** Ids of aggregates with events not yet acknowledged, untouched since `staleBefore`. */
  pending(staleBefore: Date, limit: number): Promise<string[]>;
  /** Sends this aggregate's pending events in order, records them as history, and removes them from the document. */
  publish(id: string, send: (e: StoredEvent) => Promise<void>): Promise<number>;
  /** Aggregates with events not yet acknowledged. */
  backlog(): Promise<number>;
}

export const OUTBOX_INDEXES = [{ key: { unpublished: 1, updatedAt: 1 }, name: 'outbox_pending' }];
export const HISTORY_INDEXES = [{ key: { aggregate: 1, seq: 1 }, name: 'by_aggregate_seq' }];

/** The history collection of an aggregate collection. */
export const historyName = (collection: string) => `${collection}_events`;

/** Stores published events as history; storing one twice is harmless (its id is the key), so a retried publish may. */
export async function saveHistory(
  history: Collection<HistoryDoc>,
  aggregate: string,
  events: readonly StoredEvent[],
): Promise<void> {
  if (!events.length) return;
  try {
    await history.insertMany(
      events.map((e) => ({ _id: e.event.id, aggregate, seq: e.seq, event: e.event })),
      { ordered: false },
    );
  } catch (e) {
    const errors = (e as { writeErrors?: unknown[] }).writeErrors;
    const onlyDuplicates = Array.isArray(errors)
      ? errors.every((w) => isDuplicateKey(w) || isDuplicateKey((w as { err?: unknown }).err))
      : isDuplicateKey(e);
    if (!onlyDuplicates) throw e;
  }
}

/** Pure: the outbox a legacy document stands for (events the relay had not sent, then any pushed since) and its sent events. */
export function splitLegacy(doc: LegacyFields & { outbox?: StoredEvent[] }): {
  sent: StoredEvent[];
  outbox: StoredEvent[];
} {
  const all = (doc.events ?? []).map((e, i) => ({ ...e, seq: i + 1 }));
  const published = Math.min(doc.published ?? 0, all.length);
  return { sent: all.slice(0, published), outbox: [...all.slice(published), ...(doc.outbox ?? [])] };
}

type Doc = { _id: string; version: number; outbox?: StoredEvent[] } & LegacyFields;

/**
 * Moves a legacy document's sent events to the history and keeps the rest as its outbox, in one conditional write
 * after the (idempotent) history insert: a crash in between leaves a legacy document the next pass upgrades again.
 * False when the document changed meanwhile (the caller reads it again); true when done or nothing to do.
 */
export async function upgradeLegacy(
  collection: Collection<Doc>,
  history: Collection<HistoryDoc>,
  id: string,
): Promise<boolean> {
  const doc = await collection.findOne({ _id: id, events: { $exists: true } } as Filter<Doc>);
  if (!doc) return true;
  const { sent, outbox } = splitLegacy(doc);
  await saveHistory(history, id, sent);
  const r = await collection.updateOne(
    { _id: id, version: doc.version } as Filter<Doc>,
    { $set: { outbox }, $unset: { events: '', published: '' } } as never,
  );
  return r.matchedCount === 1;
}
