import type { Collection } from 'mongodb';
import type { Fact } from '../facts/facts.js';

/** A fact as figures read it: only some of its fields. Shared between requests: never mutated. */
export type Doc = Record<string, unknown>;

interface Entry {
  docs: Promise<Doc[]>;
  size: number;
  /** The model's version for this read when it was made. */
  version: string;
}

/**
 * Facts read for figures, kept until what they were read from changes. Reports are read far more often than the model
 * moves, and on FerretDB every read is a full scan: the same dashboard opened by ten people costs one read, not ten.
 * A cached read is tied to the model's version for its condition (see `modelVersion`: a batch or sweep that changed
 * its kinds in its countries changes it), so an answer is never older than one served without the cache. Bounded by
 * the number of facts held; 0 turns it off.
 */
export function createFactCache(maxFacts: number) {
  const entries = new Map<string, Entry>();
  let held = 0;
  let hits = 0;
  let misses = 0;

  const drop = (key: string) => {
    const e = entries.get(key);
    if (!e) return;
    held -= e.size;
    entries.delete(key);
  };

  return {
    /**
     * The facts of `match` with `fields`, from the cache when what they were read from has not changed since; else
     * loaded, with what the cache held before for the loader to reuse what is still current.
     */
    async read(
      facts: Collection<Fact>,
      versionOf: () => Promise<string | undefined>,
      match: Record<string, unknown>,
      fields: string[],
      load: (previous?: Doc[]) => Promise<Doc[]>,
    ): Promise<Doc[]> {
      if (maxFacts <= 0) return load();
      const version = await versionOf();
      if (version === undefined) return load();
      const key = `${facts.dbName}.${facts.collectionName}|${JSON.stringify(match)}|${fields.join(',')}`;
      const hit = entries.get(key);
      if (hit?.version === version) {
        hits++;
        // Most recently used last: eviction takes from the front.
        entries.delete(key);
        entries.set(key, hit);
        return hit.docs;
      }
      // What the stale entry held goes to the loader, which may keep what did not change (cells). The new entry is in
      // place before any wait, so requests arriving meanwhile share its load.
      const stale = hit?.docs;
      drop(key);
      misses++;
      const entry: Entry = {
        docs: stale ? stale.catch(() => undefined).then((previous) => load(previous)) : load(),
        size: 0,
        version,
      };
      entries.set(key, entry);
      try {
        const docs = await entry.docs;
        if (entries.get(key) === entry) {
          entry.size = docs.length;
          held += docs.length;
          if (docs.length > maxFacts) drop(key);
          for (const k of entries.keys()) {
            if (held <= maxFacts) break;
            if (k !== key) drop(k);
          }
        }
        return docs;
      } catch (e) {
        if (entries.get(key) === entry) drop(key);
        throw e;
      }
    },
    /** How the cache is doing, for the status endpoint. */
    stats: () => ({ entries: entries.size, facts: held, maxFacts, hits, misses }),
  };
}
export type FactCache = ReturnType<typeof createFactCache>;
