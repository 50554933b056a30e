/**
 * Values by name, least recently used first out: memory stays bounded however many names a generation has. A value
 * not held is read back by its owner; `evicted` says whether that can happen (nothing was ever dropped).
 */
export function createLru<T>(limit: number) {
  const map = new Map<string, T>();
  let evicted = false;
  return {
    get(name: string): T | undefined {
      const s = map.get(name);
      if (s !== undefined) {
        map.delete(name);
        map.set(name, s);
      }
      return s;
    },
    /** Holds a value; unless `written` (the caller just wrote it: it is the truth), a value held already stays. */
    set(name: string, s: T, written = true) {
      if (!written && map.has(name)) return;
      map.delete(name);
      map.set(name, s);
      while (map.size > limit) {
        map.delete(map.keys().next().value!);
        evicted = true;
      }
    },
    /** Forgets every value (after a failed write): the owner reads them again as at its start. */
    clear: () => map.clear(),
    evicted: () => evicted,
  };
}
