import type { Db, Filter, IndexDescription, Sort } from 'mongodb';
import type { Envelope } from '@passerelle/contracts';
import { paged } from './api.js';
import { detectBackend, needsAggregateLock } from './backend.js';
import { ConflictError, ErrorCode, NotFoundError } from './errors.js';
import { ensureIndexes, isDuplicateKey } from './mongo.js';
import {
  HISTORY_INDEXES,
  OUTBOX_INDEXES,
  historyName,
  saveHistory,
  splitLegacy,
  upgradeLegacy,
  type HistoryDoc,
  type LegacyFields,
  type Outbox,
  type StoredEvent,
} from './outbox.js';
import type { Relay } from './relay.js';
import { captureTraceContext } from './telemetry.js';
import { withAggregateLock } from './serial.js';

/**
 * One aggregate and the events it emitted that JetStream has not acknowledged yet, in one document: writing state
 * and events in a single-document update is atomic on MongoDB and FerretDB alike. Published events leave the
 * document for the `<collection>_events` collection, so it stays small however long the aggregate lives.
 */
export interface AggregateDoc<S> extends LegacyFields {
  _id: string;
  country: string;
  version: number;
  state: S;
  outbox: StoredEvent[];
  unpublished: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface Aggregate<S> {
  id: string;
  country: string;
  version: number;
  state: S;
}

/** Throws a 409 when the client edited an older version than the stored one (checked before any rule). */
export function expectVersion(current: { id: string; version: number }, expected: number, what: string): void {
  if (current.version !== expected) {
    throw new ConflictError(
      `${what} ${current.id} was changed by someone else (version ${current.version}, you sent ${expected}); reload and try again`,
      { currentVersion: current.version },
      ErrorCode.VersionConflict,
    );
  }
}

/** Leaves out the outbox (and a legacy document's events) when reading state. */
export const STATE_ONLY = { outbox: 0, events: 0 } as const;

export interface AggregateStoreOptions {
  db: Db;
  collection: string;
  /** The aggregate's name in messages, e.g. "training". */
  what: string;
  /** The relay that publishes this store's outbox: it is told of every write so it publishes at once. */
  relay?: Relay | undefined;
  /** Serialise writes per aggregate in this process; by default only on FerretDB (see `needsAggregateLock`). */
  lock?: boolean;
}

/** A store of aggregates with an outbox; see `openAggregateStore` for one with its indexes and legacy documents upgraded. */
export function createAggregateStore<S>(opts: AggregateStoreOptions) {
  const collection = opts.db.collection<AggregateDoc<S>>(opts.collection);
  const history = opts.db.collection<HistoryDoc>(historyName(opts.collection));
  const byId = (id: string) => ({ _id: id }) as Filter<AggregateDoc<S>>;
  const lockNeeded =
    opts.lock !== undefined ? Promise.resolve(opts.lock) : detectBackend(opts.db).then(needsAggregateLock);
  /** Runs a write under the per-aggregate lock where the backend needs it; MongoDB's conditional updates are atomic. */
  const locked = async <T>(id: string, work: () => Promise<T>): Promise<T> =>
    (await lockNeeded) ? withAggregateLock(collection, id, work) : work();
  const stored = (events: Envelope[], from: number): StoredEvent[] => {
    const trace = captureTraceContext();
    return events.map((event, i) => ({ event, trace, seq: from + i }));
  };
  const toAggregate = (d: Pick<AggregateDoc<S>, '_id' | 'country' | 'version' | 'state'>): Aggregate<S> => ({
    id: d._id,
    country: d.country,
    version: d.version,
    state: d.state,
  });

  const outbox: Outbox = {
    name: `${opts.db.databaseName}.${opts.collection}`,
    async pending(staleBefore, limit) {
      const docs = await collection
        .find({ unpublished: true, updatedAt: { $lt: staleBefore } } as Filter<AggregateDoc<S>>, {
          projection: { _id: 1 },
        })
        .limit(limit)
        .toArray();
      return docs.map((d) => d._id);
    },
    publish: (id, send) =>
      locked(id, async () => {
        // Only the pending events and the version are read, never the history.
        let doc = await collection.findOne(byId(id), {
          projection: { outbox: 1, version: 1, events: 1, published: 1 },
        });
        if (doc?.events) {
          await upgradeLegacy(collection as never, history, id);
          doc = await collection.findOne(byId(id), { projection: { outbox: 1, version: 1 } });
        }
        if (!doc) return 0;
        const pending = doc.outbox ?? [];
        for (const e of pending) await send(e);
        // History first, then out of the document: a crash in between republishes (deduplicated by Nats-Msg-Id) and
        // re-inserts (deduplicated by event id), and never loses an event.
        await saveHistory(history, id, pending);
        const r = await collection.updateOne(
          { _id: id, version: doc.version } as Filter<AggregateDoc<S>>,
          { $set: { outbox: [], unpublished: false } } as never,
        );
        if (r.matchedCount === 0 && pending.length) {
          // A command appended meanwhile: remove only what was sent, keep the flag; that write's own kick publishes the rest.
          const last = pending[pending.length - 1]!.seq;
          if (await lockNeeded) {
            // FerretDB 1.24 applies no $pull with a condition (it matches, changes nothing); under the lock, in this
            // process, reading the outbox and writing back the rest is as safe.
            const now = await collection.findOne(byId(id), { projection: { outbox: 1 } });
            await collection.updateOne(byId(id), {
              $set: { outbox: (now?.outbox ?? []).filter((e) => e.seq > last) },
            } as never);
          } else {
            await collection.updateOne(byId(id), { $pull: { outbox: { seq: { $lte: last } } } } as never);
          }
        }
        return pending.length;
      }),
    backlog: () => collection.countDocuments({ unpublished: true } as Filter<AggregateDoc<S>>),
  };
  opts.relay?.watch(outbox);
  const notify = (id: string) => opts.relay?.kick(outbox, id);

  return {
    collection,
    /** The collection of published events (the history), one document per event. */
    historyCollection: history,
    outbox,
    /** Runs work on one aggregate under the same lock as the store's writes (for maintenance scripts). */
    locked,
    /** The aggregate, or undefined. */
    async find(id: string): Promise<Aggregate<S> | undefined> {
      const d = await collection.findOne(byId(id), { projection: STATE_ONLY });
      return d ? toAggregate(d as AggregateDoc<S>) : undefined;
    },
    /** The aggregate, or a 404. */
    async get(id: string): Promise<Aggregate<S>> {
      const a = await this.find(id);
      if (!a) throw new NotFoundError(opts.what, id);
      return a;
    },
    /** Every event of the aggregate, oldest first: the published ones from the history, then those still in the outbox. */
    async history(id: string): Promise<Envelope[]> {
      const d = await collection.findOne(byId(id), { projection: { outbox: 1, events: 1, published: 1 } });
      if (!d) throw new NotFoundError(opts.what, id);
      const legacy = d.events ? splitLegacy(d) : { sent: [], outbox: d.outbox ?? [] };
      const bySeq = new Map<number, Envelope>();
      for (const h of await history.find({ aggregate: id }).sort({ seq: 1 }).toArray()) bySeq.set(h.seq, h.event);
      for (const e of [...legacy.sent, ...legacy.outbox]) bySeq.set(e.seq, e.event);
      return [...bySeq.entries()].sort(([a], [b]) => a - b).map(([, e]) => e);
    },
    /** One page of aggregates matching `filter`, in `sort` order then by id, without their outboxes. */
    async page<T>(
      filter: Filter<AggregateDoc<S>>,
      q: { page: number; pageSize: number },
      how: { sort: Sort; omit?: string[] },
      map: (a: Aggregate<S>) => T,
    ) {
      const projection = { ...STATE_ONLY, ...Object.fromEntries((how.omit ?? []).map((f) => [f, 0])) };
      const [docs, total] = await Promise.all([
        collection
          .find(filter, { projection })
          .sort(how.sort)
          .skip((q.page - 1) * q.pageSize)
          .limit(q.pageSize)
          .toArray(),
        collection.countDocuments(filter),
      ]);
      return paged(
        docs.map((d) => map(toAggregate(d as AggregateDoc<S>))),
        total,
        q,
      );
    },
    /** Inserts a new aggregate with its first events; a 409 if the id exists. */
    async create(id: string, country: string, state: S, events: Envelope[]): Promise<Aggregate<S>> {
      const now = new Date();
      const doc: AggregateDoc<S> = {
        _id: id,
        country,
        version: events.length,
        state,
        outbox: stored(events, 1),
        unpublished: events.length > 0,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await locked(id, () => collection.insertOne(doc as never));
      } catch (e) {
        if (isDuplicateKey(e)) throw new ConflictError(`${opts.what} ${id} already exists`);
        throw e;
      }
      notify(id);
      return toAggregate(doc);
    },
    /** Replaces the state and appends events if nobody wrote since `expectedVersion`; else a 409 with the current version. */
    async append(
      current: Pick<Aggregate<S>, 'id' | 'country'>,
      expectedVersion: number,
      state: S,
      events: Envelope[],
    ): Promise<Aggregate<S>> {
      const { id, country } = current;
      if (!events.length) return { id, country, version: expectedVersion, state };
      const version = expectedVersion + events.length;
      const r = await locked(id, () =>
        collection.updateOne(
          { _id: id, version: expectedVersion } as Filter<AggregateDoc<S>>,
          {
            $set: { state, version, unpublished: true, updatedAt: new Date() },
            $push: { outbox: { $each: stored(events, expectedVersion + 1) } },
          } as never,
        ),
      );
      if (r.matchedCount === 0) {
        expectVersion(await this.get(id), expectedVersion, opts.what);
      }
      notify(id);
      return { id, country, version, state };
    },
    /** Upgrades every document written before published events left it (idempotent; run at start-up). */
    async upgradeLegacy(): Promise<number> {
      let n = 0;
      for (const d of await collection
        .find({ events: { $exists: true } } as Filter<AggregateDoc<S>>, { projection: { _id: 1 } })
        .toArray()) {
        while (!(await locked(d._id, () => upgradeLegacy(collection as never, history, d._id))));
        n++;
      }
      return n;
    },
  };
}
export type AggregateStore<S> = ReturnType<typeof createAggregateStore<S>>;

/** A store ready for use: its indexes (outbox, history, and the service's own) exist and legacy documents are upgraded. */
export async function openAggregateStore<S>(
  opts: AggregateStoreOptions & { indexes?: IndexDescription[] },
): Promise<AggregateStore<S>> {
  const store = createAggregateStore<S>(opts);
  await ensureIndexes(opts.db, {
    [opts.collection]: [...OUTBOX_INDEXES, ...(opts.indexes ?? [])],
    [historyName(opts.collection)]: HISTORY_INDEXES,
  });
  await store.upgradeLegacy();
  return store;
}
