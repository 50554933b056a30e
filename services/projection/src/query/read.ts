import { DIMENSION_FIELD, type Fact } from '../facts/facts.js';
import { applierPaths, cellTags, modelVersion, type FactsView } from '../apply/read-model.js';
import { cellQuery, readCells, rowsIn } from './cell-read.js';
import { createFactCache, type FactCache } from './fact-cache.js';
import type { Doc } from './tally.js';

export type { FactsView } from '../apply/read-model.js';

/** Fields every figure reads beside its own: what says whether a record counts a protected person (see protection.ts). */
export const PROTECTION_FIELDS = [
  'kind',
  'country',
  'key',
  'vulnerability',
  'age_group',
  ...new Set(Object.values(DIMENSION_FIELD)),
];

let cache: FactCache = createFactCache(0);
const rowsMemo = new WeakMap<Doc[], Map<string, Doc[]>>();
/** Keeps facts read for figures until the model changes (the service turns it on with REPORT_CACHE_FACTS). */
export function useFactCache(c: FactCache): FactCache {
  cache = c;
  return c;
}

/** For an as-of view: the newest version of each source recorded by its instant (what a replay up to then would keep). */
async function versionsAsOf(view: FactsView): Promise<Map<string, number>> {
  const { instant, versions } = view.asOf!;
  const load = async () =>
    (await versions
      .find({ recordedAt: { $lte: instant } }, { projection: { _id: 0, source: 1, seq: 1 } })
      .toArray()) as Doc[];
  const docs = await cache.read(
    view.collection,
    () => modelVersion(view.collection, {}, view),
    { '@versionsAsOf': instant },
    ['source', 'seq'],
    load,
  );
  const newest = new Map<string, number>();
  for (const d of docs)
    if ((newest.get(String(d.source)) ?? -1) < Number(d.seq)) newest.set(String(d.source), Number(d.seq));
  return newest;
}

/** Reads the facts of a condition in a view: now, or every version recorded by the instant, keeping each source's newest. */
async function load(
  view: FactsView,
  match: Record<string, unknown>,
  projection: Record<string, 0 | 1> | undefined,
): Promise<Doc[]> {
  if (!view.asOf) return (await view.collection.find(match, projection ? { projection } : {}).toArray()) as Doc[];
  const newest = await versionsAsOf(view);
  const withVersion = projection ? { ...projection, source: 1 as const, seq: 1 as const } : undefined;
  const docs = (await view.collection
    .find({ ...match, recordedAt: { $lte: view.asOf.instant } }, withVersion ? { projection: withVersion } : {})
    .toArray()) as Doc[];
  return docs.filter((d) => newest.get(String(d.source)) === d.seq);
}

/** The cache key of a read: the condition, and the instant of an as-of view. */
const keyOf = (view: FactsView, match: Record<string, unknown>) =>
  view.asOf ? { ...match, '@asOf': view.asOf.instant } : match;

/**
 * Reads what figures over a condition need, once: the rows of its cells when the model keeps the kinds asked as cells
 * (now, not as of an instant), else the facts, only the fields figures need. Rows tally exactly as the facts they
 * stand for (cells.ts); `facts: true` reads facts even so (explain lists the events behind a figure).
 */
export async function readFacts(
  view: FactsView,
  match: Record<string, unknown>,
  fields: Array<string | undefined>,
  opts: { facts?: boolean } = {},
): Promise<Doc[]> {
  const cells =
    view.cells && !view.asOf && !opts.facts && (await (view.hasCells?.() ?? true)) ? cellQuery(match) : undefined;
  if (cells) {
    const read = await cache.read(
      view.collection,
      () => modelVersion(view.collection, cells.cells, view),
      { ...cells.cells, '@cells': true },
      ['*'],
      async (previous) => {
        // Tags before cells: a cell read after its stamp moved is only read again, never kept when stale.
        const tagOf = await cellTags(view.collection, view);
        return readCells(
          view.cells!,
          cells,
          await view.cellIds?.(),
          applierPaths().cellReads,
          tagOf && { previous, tagOf },
        );
      },
    );
    // The same figure asked again (a breakdown's population, the protected people) gets the same rows, not a copy.
    const memo = rowsMemo.get(read) ?? rowsMemo.set(read, new Map()).get(read)!;
    const key = JSON.stringify(match);
    let rows = memo.get(key);
    if (!rows) {
      if (memo.size >= 64) memo.delete(memo.keys().next().value!);
      memo.set(key, (rows = rowsIn(read, cells)));
    }
    return rows;
  }
  const wanted = [...new Set(['value', ...PROTECTION_FIELDS, ...fields.filter((f): f is string => !!f)])];
  const projection = Object.fromEntries([['_id', 0], ...wanted.map((f) => [f, 1])]) as Record<string, 0 | 1>;
  return cache.read(
    view.collection,
    () => modelVersion(view.collection, match, view),
    keyOf(view, match),
    wanted,
    () => load(view, match, projection),
  );
}

/** Whole facts of a condition through the same cache: the small kinds reports look up (frameworks, indicators, targets). */
export async function readWholeFacts(view: FactsView, match: Record<string, unknown>): Promise<Fact[]> {
  return (await cache.read(
    view.collection,
    () => modelVersion(view.collection, match, view),
    keyOf(view, match),
    ['*'],
    () => load(view, match, undefined),
  )) as Fact[];
}
