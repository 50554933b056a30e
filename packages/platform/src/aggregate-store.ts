import type { Collection, Db, Filter } from 'mongodb';
import type { Envelope } from '@passerelle/contracts';
import { ConflictError, ErrorCode, NotFoundError } from './errors.js';
import { isDuplicateKey } from './mongo.js';
import { captureTraceContext, type TraceCarrier } from './telemetry.js';
import { withAggregateLock } from './serial.js';

/** An event waiting in (or already sent from) its aggregate's outbox, with the trace it was written under. */
export interface StoredEvent {
  event: Envelope;
  trace: TraceCarrier;
}

/**
 * One aggregate, its state and every event it ever emitted, in one document. Writing state and events in a
 * single-document update is atomic on MongoDB and FerretDB alike; `published` counts events the relay has sent.
 */
export interface AggregateDoc<S> {
  _id: string;
  country: string;
  version: number;
  state: S;
  events: StoredEvent[];
  published: number;
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
    throw new ConflictError(`${what} ${current.id} was changed by someone else (version ${current.version}, you sent ${expected}); reload and try again`, { currentVersion: current.version }, ErrorCode.VersionConflict);
  }
}

export const OUTBOX_INDEXES = [{ key: { unpublished: 1, updatedAt: 1 }, name: 'outbox_pending' }];

/** A store of aggregates with an outbox; `onWrite` is told of every write so the relay can publish at once. */
export function createAggregateStore<S>(opts: { db: Db; collection: string; what: string; onWrite?: (collection: Collection<AggregateDoc<S>>, id: string) => void }) {
  const collection = opts.db.collection<AggregateDoc<S>>(opts.collection);
  const notify = (id: string) => opts.onWrite?.(collection, id);
  const stored = (events: Envelope[]): StoredEvent[] => {
    const trace = captureTraceContext();
    return events.map((event) => ({ event, trace }));
  };
  const toAggregate = (d: AggregateDoc<S>): Aggregate<S> => ({ id: d._id, country: d.country, version: d.version, state: d.state });

  return {
    collection,
    /** The aggregate, or undefined. */
    async find(id: string): Promise<Aggregate<S> | undefined> {
      const d = await collection.findOne({ _id: id } as Filter<AggregateDoc<S>>, { projection: { events: 0 } });
      return d ? toAggregate(d as AggregateDoc<S>) : undefined;
    },
    /** The aggregate, or a 404. */
    async get(id: string): Promise<Aggregate<S>> {
      const a = await this.find(id);
      if (!a) throw new NotFoundError(opts.what, id);
      return a;
    },
    /** Every event of the aggregate, oldest first. */
    async history(id: string): Promise<Envelope[]> {
      const d = await collection.findOne({ _id: id } as Filter<AggregateDoc<S>>, { projection: { events: 1 } });
      if (!d) throw new NotFoundError(opts.what, id);
      return d.events.map((e) => e.event);
    },
    /** Inserts a new aggregate with its first events; a 409 if the id exists. */
    async create(id: string, country: string, state: S, events: Envelope[]): Promise<Aggregate<S>> {
      const now = new Date();
      const doc: AggregateDoc<S> = { _id: id, country, version: events.length, state, events: stored(events), published: 0, unpublished: events.length > 0, createdAt: now, updatedAt: now };
      try {
        await withAggregateLock(collection, id, () => collection.insertOne(doc as never));
      } catch (e) {
        if (isDuplicateKey(e)) throw new ConflictError(`${opts.what} ${id} already exists`);
        throw e;
      }
      notify(id);
      return toAggregate(doc);
    },
    /** Replaces the state and appends events if nobody wrote since `expectedVersion`; else a 409 with the current version. */
    async append(current: Pick<Aggregate<S>, 'id' | 'country'>, expectedVersion: number, state: S, events: Envelope[]): Promise<Aggregate<S>> {
      const { id, country } = current;
      if (!events.length) return { id, country, version: expectedVersion, state };
      const version = expectedVersion + events.length;
      const r = await withAggregateLock(collection, id, () => collection.updateOne(
        { _id: id, version: expectedVersion } as Filter<AggregateDoc<S>>,
        { $set: { state, version, unpublished: true, updatedAt: new Date() }, $push: { events: { $each: stored(events) } } } as never,
      ));
      if (r.matchedCount === 0) {
        expectVersion(await this.get(id), expectedVersion, opts.what);
      }
      notify(id);
      return { id, country, version, state };
    },
  };
}
export type AggregateStore<S> = ReturnType<typeof createAggregateStore<S>>;
