import type { Collection, Db } from 'mongodb';
import type { PasserelleEvent } from '@passerelle/contracts';
import { randomUUID } from 'node:crypto';
import { changesOf, type Fact } from '../facts/facts.js';
import { kindOfSource } from '../facts/source-kinds.js';

/**
 * The source log, append-only: `<source>@<seq>` when an event was applied (a guard), `<source>@<seq>:r` before
 * its facts are written (a reservation), each with the number of facts. Inserts are the one write FerretDB does
 * without scanning a collection; loading folds them per source.
 */
interface SourceDoc {
  _id: string;
  source: string;
  seq: number;
  count: number;
  /** Set on guards only. */
  applied?: true;
}

/** What this process knows of one source: the newest event applied, and every event whose facts may exist. */
interface SourceState {
  lastSeq: number;
  written: Map<number, number>;
}

export interface Sequenced {
  event: PasserelleEvent;
  seq: number;
  /** Delivered before to a process that died: its writes may still land, see `sweep`. */
  redelivered?: boolean;
}

const factId = (source: string, seq: number, i: number) => `${source}@${seq}#${i}`;

/**
 * One version of a source: an event that set its facts, recorded at `recordedAt`. Every event gets one, even when a
 * newer event of its source was applied first or in the same batch, so the versions tell what the model held at any
 * instant: for each source, its newest version recorded by then (exactly what a replay up to that instant keeps).
 */
export interface Version {
  _id: string;
  source: string;
  seq: number;
  count: number;
  eventId: string;
  eventType: string;
  recordedAt: string;
}

/** A record-time instant in the one form facts and versions store it, so string comparison orders instants. */
export const canonicalInstant = (instant: string) => new Date(instant).toISOString();

/** Where reports read facts: the current ones, or, as of an instant, every version with the newest by then picked. */
export interface FactsView {
  collection: Collection<Fact>;
  asOf?: { instant: string; versions: Collection<Version> };
}

/** The model a report reads: now, or as it stood at an instant of record time (a query over versions: nothing is built). */
export interface ModelView {
  gen: number | string;
  facts: FactsView;
  /** The newest event of a source in this view (a void leaves no fact to name it). */
  lastEventOf(source: string): Promise<{ eventId: string | null; eventType: string | null; recordedAt: string | null }>;
}

/**
 * One generation of the read model: facts replaced per source, each source guarded by the highest stream
 * sequence applied to it. Because a source always ends up holding the facts of its newest event, applying
 * events twice, out of order or after a crash converges to the same model as a clean replay.
 *
 * A fact's id carries the sequence of the event that made it (`<source>@<seq>#<n>`), so facts are only ever
 * inserted, never overwritten, and the ids of a source's older facts are known without reading: they are deleted
 * by id, in one call per batch (see `deleteFacts`: on FerretDB every delete reads the whole collection).
 *
 * The source log is cached in memory, bounded (one worker per generation and partition writes a source): a source
 * not held is read back with the batch that needs it.
 */
export function readModel(db: Db, gen: number | string) {
  const facts = db.collection<Fact>(`g${gen}_facts`);
  const history = db.collection<Fact>(`g${gen}_history`);
  const versions = db.collection<Version>(`g${gen}_versions`);
  const sources = db.collection<SourceDoc>(`g${gen}_sources`);
  const checkpoint = db.collection<Checkpoint>(`g${gen}_checkpoint`);
  for (const c of [facts, history]) checkpoints.set(`${c.dbName}.${c.collectionName}`, checkpoint);
  return {
    gen,
    facts,
    history,
    versions,
    sources,
    checkpoint,
    view,
    applyBatch: (batch: Sequenced[]) => applier(db, gen).apply(batch),
    sweep: () => applier(db, gen).sweep(),
    lastSeq,
    dump,
    dumpHistory,
  };

  /** The model now, or as it stood at an instant of record time. */
  function view(instant?: string): ModelView {
    const at = instant === undefined ? undefined : canonicalInstant(instant);
    return {
      gen,
      facts: at === undefined ? { collection: facts } : { collection: history, asOf: { instant: at, versions } },
      async lastEventOf(source) {
        const [v] = await versions
          .find({ source, ...(at === undefined ? {} : { recordedAt: { $lte: at } }) })
          .sort({ seq: -1 })
          .limit(1)
          .toArray();
        return { eventId: v?.eventId ?? null, eventType: v?.eventType ?? null, recordedAt: v?.recordedAt ?? null };
      },
    };
  }
  async function lastSeq(): Promise<number> {
    return (await checkpoint.findOne({ _id: 'checkpoint' }))?.seq ?? 0;
  }
  /** Every fact, in a stable order: what two models are compared by. */
  async function dump(): Promise<Fact[]> {
    return facts
      .find({}, { projection: { recordedAt: 0 } })
      .sort({ _id: 1 })
      .toArray();
  }
  /** Every version and its facts, in a stable order: what "as of" answers are read from. */
  async function dumpHistory(): Promise<{ history: Fact[]; versions: Version[] }> {
    return {
      history: await history.find({}).sort({ _id: 1 }).toArray(),
      versions: await versions.find({}).sort({ _id: 1 }).toArray(),
    };
  }
}
export type ReadModel = ReturnType<typeof readModel>;

interface Checkpoint {
  _id: string;
  seq: number;
  applied: number;
  /** Facts deleted by sweeps: they change the model without a batch. */
  swept?: number;
  at: Date;
}

/**
 * What one process changed in a generation: per country, a counter per kind of fact (`_any` for a source of no known
 * kind), and the facts its sweeps removed. One document per process, written by it alone, one batch after another:
 * FerretDB's updates are not atomic, and a counter two writers share could lose an increment, which here would keep a
 * stale report cached.
 */
interface Stamps {
  _id: string;
  changed?: Record<string, Record<string, number>>;
  swept?: number;
}
const STAMPS = `stamps:${randomUUID()}`;

const checkpoints = new Map<string, Collection<Checkpoint>>();

/** The values a condition on a field allows, when it says (a value or `$in`); undefined when it does not. */
function allowed(cond: unknown): string[] | undefined {
  if (typeof cond === 'string') return [cond];
  const list = cond && typeof cond === 'object' ? (cond as { $in?: unknown }).$in : undefined;
  return Array.isArray(list) ? list.map(String) : undefined;
}

/**
 * A string that changes whenever facts a read may see may have changed. For a read of given kinds in given countries,
 * only batches that changed those kinds there (and sweeps) change it: a dashboard's cached figures survive batches
 * about other things. Any other read (as of an instant, or across kinds or countries) changes with every batch.
 */
export async function modelVersion(
  facts: Collection<Fact>,
  match: Record<string, unknown> = {},
): Promise<string | undefined> {
  const checkpoint = checkpoints.get(`${facts.dbName}.${facts.collectionName}`);
  if (!checkpoint) return undefined;
  // The checkpoint and one stamps document per writing process: a handful of small documents.
  const docs = (await checkpoint.find({}).toArray()) as Array<Checkpoint | Stamps>;
  const c = docs.find((d): d is Checkpoint => d._id === 'checkpoint');
  if (!c) return 'empty';
  const kinds = allowed(match.kind);
  const countries = allowed(match.country);
  if (!kinds || !countries || !facts.collectionName.endsWith('_facts'))
    return `${c.seq}/${c.applied}/${c.swept ?? 0}/${new Date(c.at).getTime()}`;
  const writers = docs
    .filter((d): d is Stamps => d._id.startsWith('stamps:'))
    .sort((a, b) => a._id.localeCompare(b._id));
  return (
    writers
      .map(
        (w) =>
          `${w._id.slice(7, 15)}:${w.swept ?? 0}:${countries.map((ct) => [w.changed?.[ct]?._any ?? 0, ...kinds.map((k) => w.changed?.[ct]?.[k] ?? 0)].join(',')).join(';')}`,
      )
      .join('|') || 'unchanged'
  );
}

const appliers = new Map<string, ReturnType<typeof createApplier>>();

/** The applier of a generation, shared in this process so its guard cache stays the single source of truth here. */
function applier(db: Db, gen: number | string) {
  const key = `${db.databaseName}/${gen}`;
  let a = appliers.get(key);
  if (!a) appliers.set(key, (a = createApplier(db, gen)));
  return a;
}

/** Forgets cached guards (after a generation is dropped, or in tests that restart a projection in-process). */
export const forgetGuards = () => appliers.clear();

function createApplier(db: Db, gen: number | string) {
  const facts = db.collection<Fact>(`g${gen}_facts`);
  const history = db.collection<Fact>(`g${gen}_history`);
  const versions = db.collection<Version>(`g${gen}_versions`);
  const sources = db.collection<SourceDoc>(`g${gen}_sources`);
  const checkpoint = db.collection<Checkpoint>(`g${gen}_checkpoint`);
  const stamps = db.collection<Stamps>(`g${gen}_checkpoint`);
  const limit = paths.sourceCacheLimit;
  const known = createSourceCache(limit);
  let queue: Promise<unknown> = Promise.resolve();
  /** Facts of events a dead process was applying: written late, they would outlive a newer event's clean-up. */
  const suspects: Array<{ source: string; seq: number; count: number }> = [];
  /** Unbounded (FerretDB): the whole source log, read once. Bounded: whether the generation was empty when we began. */
  let loaded: Promise<boolean> | undefined;

  /** Folds source log documents into one state per source. */
  const fold = (docs: SourceDoc[], into = new Map<string, SourceState>()) => {
    for (const d of docs) {
      const s = into.get(d.source) ?? { lastSeq: 0, written: new Map<number, number>() };
      if (d.applied) s.lastSeq = Math.max(s.lastSeq, d.seq);
      s.written.set(d.seq, Math.max(s.written.get(d.seq) ?? 0, d.count));
      into.set(d.source, s);
    }
    return into;
  };

  /**
   * The state of each source of a batch. Unbounded, every source is held (read once at the start). Bounded, a source
   * not held is read back from the log, with the others the batch misses, in one indexed query; nothing is read while
   * every source this process wrote is still held in a generation that was empty when it began (a rebuild).
   */
  async function statesOf(names: string[]): Promise<Map<string, SourceState>> {
    const complete = await (loaded ??=
      limit === Infinity
        ? sources
            .find({})
            .toArray()
            .then((all) => {
              for (const [n, st] of fold(all)) known.set(n, st, true);
              return true;
            })
        : sources.estimatedDocumentCount().then((n) => n === 0));
    const out = new Map<string, SourceState>();
    const missing: string[] = [];
    for (const n of names) {
      const st = known.get(n);
      if (st) out.set(n, st);
      else missing.push(n);
    }
    if (!missing.length || (complete && !known.evicted())) return out;
    for (const [n, st] of fold(await sources.find({ source: { $in: missing } }).toArray())) {
      out.set(n, st);
      known.set(n, st);
    }
    return out;
  }

  /**
   * Applies events (in stream order): reserve, insert the new facts of each changed source, delete the source's
   * facts of every other event by id, then record the guards and the checkpoint. A crash between steps leaves
   * guards behind facts, so the redelivery inserts the same ids again (no effect) and deletes the rest.
   */
  async function apply(batch: Sequenced[]): Promise<{ applied: number; duplicates: number }> {
    if (!batch.length) return { applied: 0, duplicates: 0 };
    // Within a batch only the newest event of each source matters: it replaces whatever came before. Newest by
    // sequence, not by position: after a crash, redelivered old events arrive behind new ones.
    const latest = new Map<
      string,
      { change: ReturnType<typeof changesOf>[number]; event: PasserelleEvent; seq: number }
    >();
    const past: Fact[] = [];
    const kept: Version[] = [];
    for (const { event, seq, redelivered } of batch) {
      const recordedAt = canonicalInstant(event.time);
      for (const change of changesOf(event)) {
        if ((latest.get(change.source)?.seq ?? 0) < seq) latest.set(change.source, { change, event, seq });
        if (redelivered && change.facts.length)
          suspects.push({ source: change.source, seq, count: change.facts.length });
        // Every version is kept, the superseded ones too: "as of" questions read them (facts first, then the version
        // that makes them visible, so a crash in between leaves nothing half visible).
        change.facts.forEach((f, i) =>
          past.push({
            ...f,
            _id: factId(change.source, seq, i),
            source: change.source,
            seq,
            eventId: event.id,
            eventType: event.type,
            country: event.country,
            recordedAt,
          }),
        );
        kept.push({
          _id: `${change.source}@${seq}`,
          source: change.source,
          seq,
          count: change.facts.length,
          eventId: event.id,
          eventType: event.type,
          recordedAt,
        });
      }
    }
    if (past.length) await history.insertMany(past, { ordered: false }).catch(ignoreDuplicates);
    if (kept.length) await versions.insertMany(kept, { ordered: false }).catch(ignoreDuplicates);
    const states = await statesOf([...latest.keys()]);
    const inserts: Fact[] = [];
    const stale: string[] = [];
    const log: SourceDoc[] = [];
    let duplicates = 0;
    for (const [source, { change, event, seq }] of latest) {
      if ((states.get(source)?.lastSeq ?? 0) >= seq) {
        duplicates++;
        continue;
      }
      change.facts.forEach((f, i) =>
        inserts.push({
          ...f,
          _id: factId(source, seq, i),
          source,
          seq,
          eventId: event.id,
          eventType: event.type,
          country: event.country,
          recordedAt: event.time,
        }),
      );
      for (const [old, count] of states.get(source)?.written ?? [])
        if (old !== seq) for (let i = 0; i < count; i++) stale.push(factId(source, old, i));
      log.push({ _id: `${source}@${seq}`, source, seq, count: change.facts.length, applied: true });
    }
    const reservations = log.filter((g) => g.count > 0).map(({ applied: _a, ...g }) => ({ ...g, _id: `${g._id}:r` }));
    if (reservations.length) await sources.insertMany(reservations, { ordered: false }).catch(ignoreDuplicates);
    if (inserts.length) await facts.insertMany(inserts, { ordered: false }).catch(ignoreDuplicates);
    await deleteFacts(facts, stale);
    if (log.length) {
      await sources.insertMany(log, { ordered: false }).catch(ignoreDuplicates);
      for (const g of log)
        known.set(g.source, { lastSeq: g.seq, written: new Map(g.count ? [[g.seq, g.count]] : []) }, true);
    }
    // Every source delivered counts as changed, duplicates too: a duplicate may be the redelivery of an event whose
    // facts and guard a dead process wrote after this one had started, so reads cached since may have missed them.
    const changed: Record<string, number> = {};
    for (const [source, { event }] of latest) changed[`changed.${event.country}.${kindOfSource(source) ?? '_any'}`] = 1;
    if (latest.size) await stamps.updateOne({ _id: STAMPS }, { $inc: changed }, { upsert: true });
    const last = Math.max(...batch.map((b) => b.seq));
    await checkpoint.updateOne(
      { _id: 'checkpoint' },
      { $max: { seq: last }, $inc: { applied: batch.length }, $set: { at: new Date() } },
      { upsert: true },
    );
    return { applied: log.length, duplicates };
  }

  return {
    /** Batches of one generation are applied one after another, in the order given. */
    apply(batch: Sequenced[]) {
      const run = queue.then(() => apply(batch));
      queue = run.catch(() => {
        // A failed write may have left the database ahead of the cache; read the log again next time.
        known.clear();
        loaded = undefined;
      });
      return run;
    },
    /**
     * Deletes facts of redelivered events that a newer event of their source has replaced since: a write the dead
     * process had sent may have landed after that clean-up. Returns how many ids were deleted.
     */
    sweep() {
      const run = queue.then(async () => {
        const taken = suspects.splice(0);
        const states = await statesOf([...new Set(taken.map((x) => x.source))]);
        const ids = taken
          .filter((x) => (states.get(x.source)?.lastSeq ?? 0) > x.seq)
          .flatMap((x) => Array.from({ length: x.count }, (_, i) => factId(x.source, x.seq, i)));
        if (!ids.length) return 0;
        const removed = await deleteFacts(facts, ids);
        if (removed) {
          await stamps.updateOne({ _id: STAMPS }, { $inc: { swept: removed } }, { upsert: true });
          await checkpoint.updateOne({ _id: 'checkpoint' }, { $inc: { swept: removed } });
        }
        return removed;
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

/** What the applier does differently per server (set at start from the detected backend; see main.ts). */
export interface ApplierPaths {
  /**
   * How many sources an applier keeps in memory. Infinity keeps the whole source log, read once (FerretDB: it scans
   * the collection for any query but by `_id`); a number bounds memory and reads a missing source back through the
   * `source` index (MongoDB).
   */
  sourceCacheLimit: number;
  /** Delete a few replaced facts one `_id` statement each (FerretDB hands those to its storage; `$in` it filters in Go). */
  fewIdsOneByOne: boolean;
}

let paths: ApplierPaths = { sourceCacheLimit: Infinity, fewIdsOneByOne: true };
/** Sets the applier's per-server paths; appliers created afterwards use them. */
export const configureApplier = (p: Partial<ApplierPaths>) => {
  paths = { ...paths, ...p };
};
/** The applier's per-server paths, as set. */
export const applierPaths = (): ApplierPaths => paths;

/**
 * Source states, least recently used first out: memory stays bounded however many sources a generation has. A source
 * not held is read back from the source log (see `statesOf`); `evicted` says whether that can happen.
 */
export function createSourceCache(limit: number) {
  const map = new Map<string, SourceState>();
  let evicted = false;
  return {
    get(name: string): SourceState | undefined {
      const s = map.get(name);
      if (s) {
        map.delete(name);
        map.set(name, s);
      }
      return s;
    },
    /** Holds a state; `written` marks a state this process just wrote (it is the truth, whatever was held). */
    set(name: string, s: SourceState, written = false) {
      if (!written && map.has(name)) return;
      map.delete(name);
      map.set(name, s);
      while (map.size > limit) {
        map.delete(map.keys().next().value!);
        evicted = true;
      }
    },
    /** Forgets every state (after a failed write); the applier then reads the log again as at its start. */
    clear: () => map.clear(),
    evicted: () => evicted,
  };
}

/** Up to this many replaced facts are deleted one statement each (see deleteFacts). */
const FEW_IDS = 16;

/**
 * Deletes facts by id in one call. Few ids go as one statement each: an `_id` look-up that FerretDB hands to its
 * backend. Many go as one `$in`, which FerretDB filters document by document in Go, once per call however many ids.
 * On MongoDB both are index look-ups and one `$in` is one round trip, so it always goes as one call. Measured here (bench `storage`, 16,000 documents): one
 * `_id` delete 11–116 ms, one `$in` of 200 ids 1.3–1.4 s; a live projection's batches mostly replace a few facts.
 */
async function deleteFacts(facts: Collection<Fact>, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  if (paths.fewIdsOneByOne && ids.length <= FEW_IDS)
    return (
      await facts.bulkWrite(
        ids.map((_id) => ({ deleteOne: { filter: { _id } } })),
        { ordered: false },
      )
    ).deletedCount;
  return (await facts.deleteMany({ _id: { $in: ids } })).deletedCount;
}

/** Swallows an unordered insert's failure when every document it refused was already there (a redelivery). */
function ignoreDuplicates(e: unknown) {
  const errors = (e as { writeErrors?: Array<{ code: number }> | { code: number } }).writeErrors;
  const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
  if (!list.length || list.some((w) => w.code !== 11000)) throw e;
}
