import type { Collection } from 'mongodb';
import type { Fact } from '../facts.js';

/** A fact as figures read it: only some of its fields. Shared between requests: never mutated. */
export type Doc = Record<string, unknown>;

interface Entry {
  docs: Promise<Doc[]>;
  size: number;
}

/**
 * Facts read for figures, kept until the read model changes. Reports are read far more often than the model moves,
 * and on FerretDB every read is a full scan: the same dashboard opened by ten people costs one read, not ten. A
 * cached read is keyed by the model's version (see `modelVersion`), which every batch and sweep changes, so an
 * answer is never older than one served without the cache. Bounded by the number of facts held; 0 turns it off.
 */
export function createFactCache(maxFacts: number) {
  const entries = new Map<string, Entry>();
  /** The version last seen per facts collection: entries of older versions are dropped when a newer one shows. */
  const versions = new Map<string, string>();
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
    /** The facts of `match` with `fields`, from the cache when the model has not changed since they were read. */
    async read(facts: Collection<Fact>, versionOf: () => Promise<string | undefined>, match: Record<string, unknown>, fields: string[], load: () => Promise<Doc[]>): Promise<Doc[]> {
      if (maxFacts <= 0) return load();
      const version = await versionOf();
      if (version === undefined) return load();
      const ns = `${facts.dbName}.${facts.collectionName}`;
      if (versions.get(ns) !== version) {
        versions.set(ns, version);
        for (const key of [...entries.keys()]) if (key.startsWith(`${ns}|`)) drop(key);
      }
      const key = `${ns}|${version}|${JSON.stringify(match)}|${fields.join(',')}`;
      const hit = entries.get(key);
      if (hit) {
        hits++;
        // Most recently used last: eviction takes from the front.
        entries.delete(key);
        entries.set(key, hit);
        return hit.docs;
      }
      misses++;
      const entry: Entry = { docs: load(), size: 0 };
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
