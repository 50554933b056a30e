import type { Collection, Db } from 'mongodb';
import type { Fact } from '../facts/facts.js';
import { cellOf, partsIn, type Cell, type CellDoc } from './cells.js';
import { applier, forgetGuards as forgetAppliers } from './applier.js';
import {
  canonicalInstant,
  CELL_DIRECTORY,
  CELLS_MARK,
  generationCollections,
  type Checkpoint,
  type Sequenced,
  type Stamps,
  type Version,
} from './model-docs.js';

export { CellReads } from './cell-store.js';
export {
  applierPaths,
  configureApplier,
  FERRETDB_WRITES_PER_CALL,
  writesPerCallOn,
  type ApplierPaths,
} from './applier.js';
export { canonicalInstant, type Sequenced, type Version } from './model-docs.js';

/** Where reports read facts: the current ones, or, as of an instant, every version with the newest by then picked. */
export interface FactsView {
  collection: Collection<Fact>;
  asOf?: { instant: string; versions: Collection<Version> };
  /** The generation's cells (now only): what reports read for the kinds kept as cells (cells.ts)… */
  cells?: Collection<CellDoc>;
  /** …once the generation has them for every fact (one written before cells existed is read from facts until rebuilt). */
  hasCells?: () => Promise<boolean>;
  /** The ids of the generation's cells (model-docs.ts), undefined before its first cell. */
  cellIds?: () => Promise<string[] | undefined>;
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
/** The checkpoint documents a request read (see modelVersion). */
const snapshots = new WeakMap<object, Promise<Array<Checkpoint | Stamps>>>();

/** Generations known to have cells: a mark, once written, stays while the generation does. */
const withCells = new Set<string>();

/** Forgets cached guards and cells marks (after a generation is dropped, or in tests that restart a projection in-process). */
export function forgetGuards(): void {
  forgetAppliers();
  withCells.clear();
}

export function readModel(db: Db, gen: number | string) {
  const { facts, cells, history, versions, sources, checkpoint, directory } = generationCollections(db, gen);
  for (const c of [facts, history]) checkpoints.set(`${c.dbName}.${c.collectionName}`, checkpoint);
  return {
    gen,
    facts,
    cells,
    history,
    versions,
    sources,
    checkpoint,
    view,
    applyBatch: (batch: Sequenced[]) => applier(db, gen).apply(batch),
    sweep: () => applier(db, gen).sweep(),
    holdCells: (rows: number) => applier(db, gen).holdCells(rows),
    releaseCells: () => applier(db, gen).releaseCells(),
    lastSeq,
    dump,
    dumpHistory,
    dumpCells,
    hasCells,
  };

  /** The model now, or as it stood at an instant of record time. */
  function view(instant?: string): ModelView {
    const at = instant === undefined ? undefined : canonicalInstant(instant);
    return {
      gen,
      facts:
        at === undefined
          ? { collection: facts, cells, hasCells, cellIds }
          : { collection: history, asOf: { instant: at, versions } },
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
  async function hasCells(): Promise<boolean> {
    const key = `${db.databaseName}/${gen}`;
    if (withCells.has(key)) return true;
    const marked = !!(await checkpoint.findOne({ _id: CELLS_MARK }));
    if (marked) withCells.add(key);
    return marked;
  }
  async function cellIds(): Promise<string[] | undefined> {
    const d = await directory.findOne({ _id: CELL_DIRECTORY });
    return d?.ids;
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
  /** Every cell holding parts, as readers see it, in a stable order: what two models' cells are compared by. */
  async function dumpCells(): Promise<Array<Cell>> {
    return (await cells.find({}).sort({ _id: 1 }).toArray()).map(partsIn).filter((c) => c.parts.length);
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

const checkpoints = new Map<string, Collection<Checkpoint>>();

/** The values a condition on a field allows, when it says (a value or `$in`); undefined when it does not. */
function allowed(cond: unknown): string[] | undefined {
  if (typeof cond === 'string') return [cond];
  const list = cond && typeof cond === 'object' ? (cond as { $in?: unknown }).$in : undefined;
  return Array.isArray(list) ? list.map(String) : undefined;
}

/**
 * The checkpoint and one stamps document per writing process: a handful of documents, read once per request (a
 * factsheet makes dozens of reads), so its reads all see the model as it was when it began.
 */
async function stampsOf(facts: Collection<Fact>, request?: object): Promise<Array<Checkpoint | Stamps> | undefined> {
  const checkpoint = checkpoints.get(`${facts.dbName}.${facts.collectionName}`);
  if (!checkpoint) return undefined;
  const read = () => checkpoint.find({}).toArray() as Promise<Array<Checkpoint | Stamps>>;
  let pending = request ? snapshots.get(request) : undefined;
  if (!pending) {
    pending = read();
    if (request) snapshots.set(request, pending);
  }
  return pending;
}

/**
 * For each cell id, a string that changes whenever that cell may have changed: batches that touched its page, a
 * redelivery of its kind in its country, a sweep. Read before the cells it tags (stamps are written after cells), so a
 * cell is never tagged newer than it is. Undefined when the facts have no checkpoint.
 */
export async function cellTags(
  facts: Collection<Fact>,
  request?: object,
): Promise<((id: string) => string | undefined) | undefined> {
  const docs = await stampsOf(facts, request);
  if (!docs) return undefined;
  const writers = docs
    .filter((d): d is Stamps => d._id.startsWith('stamps:'))
    .sort((a, b) => a._id.localeCompare(b._id));
  return (id) => {
    const c = cellOf(id);
    if (!c) return undefined;
    return writers
      .map((w) => {
        const whole = w.whole?.[c.country];
        return `${w._id.slice(7, 15)}:${w.swept ?? 0}:${whole?._any ?? 0}:${whole?.[c.kind] ?? 0}:${w.months?.[c.country]?.[c.kind]?.[`${c.month}:${c.page}`] ?? 0}`;
      })
      .join('|');
  };
}

/**
 * A string that changes whenever facts a read may see may have changed. For a read of given kinds in given countries,
 * only batches that changed those kinds there (and sweeps) change it: a dashboard's cached figures survive batches
 * about other things. `request` (the view a request reads through) reads the checkpoint once for all its reads. Any other read (as of an instant, or across kinds or countries) changes with every batch.
 */
export async function modelVersion(
  facts: Collection<Fact>,
  match: Record<string, unknown> = {},
  request?: object,
): Promise<string | undefined> {
  const docs = await stampsOf(facts, request);
  if (!docs) return undefined;
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
