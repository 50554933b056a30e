import { describe, expect, it } from 'vitest';
import type { Collection } from 'mongodb';
import { createFactCache, type Doc } from './fact-cache.js';
import type { Fact } from '../facts/facts.js';

const facts = (name: string) => ({ dbName: 'db', collectionName: name }) as unknown as Collection<Fact>;
const docs = (n: number, tag = 'x'): Doc[] => Array.from({ length: n }, (_, i) => ({ value: i, tag }));

/** A loader that counts its calls and answers after a tick, like a database. */
function loader(answer: () => Doc[]) {
  const l = {
    calls: 0,
    load: async () => {
      l.calls++;
      await new Promise((r) => setTimeout(r, 1));
      return answer();
    },
  };
  return l;
}

describe('the fact cache', () => {
  it('reads once per model version and query, and again when the version changes', async () => {
    const cache = createFactCache(100);
    let version = 'v1';
    const l = loader(() => docs(3, version));
    const read = () => cache.read(facts('g1_facts'), async () => version, { kind: 'attendance' }, ['value'], l.load);
    expect(await read()).toEqual(docs(3, 'v1'));
    expect(await read()).toEqual(docs(3, 'v1'));
    expect(l.calls).toBe(1);
    version = 'v2';
    expect(await read()).toEqual(docs(3, 'v2'));
    expect(l.calls).toBe(2);
    // The v1 entry went with the new version: only one is held.
    expect(cache.stats()).toMatchObject({ entries: 1, facts: 3, hits: 1, misses: 2 });
  });

  it('hands the loader what the stale entry held, and shares one load among requests arriving meanwhile', async () => {
    const cache = createFactCache(100);
    let version = 'v1';
    const seen: Array<Doc[] | undefined> = [];
    const load = async (previous?: Doc[]) => {
      seen.push(previous);
      await new Promise((r) => setTimeout(r, 1));
      return docs(2, version);
    };
    const read = () => cache.read(facts('g1_cells'), async () => version, { kind: 'attendance' }, ['*'], load);
    await read();
    version = 'v2';
    const [a, b] = await Promise.all([read(), read()]);
    expect(a).toBe(b);
    expect(seen).toEqual([undefined, docs(2, 'v1')]);
  });

  it('keeps different queries, fields and generations apart', async () => {
    const cache = createFactCache(100);
    const l = loader(() => docs(1));
    const v = async () => 'v';
    await cache.read(facts('g1_facts'), v, { kind: 'a' }, ['value'], l.load);
    await cache.read(facts('g1_facts'), v, { kind: 'b' }, ['value'], l.load);
    await cache.read(facts('g1_facts'), v, { kind: 'a' }, ['value', 'sex'], l.load);
    await cache.read(facts('g2_facts'), v, { kind: 'a' }, ['value'], l.load);
    expect(l.calls).toBe(4);
  });

  it('answers concurrent identical reads with one database read', async () => {
    const cache = createFactCache(100);
    const l = loader(() => docs(2));
    await Promise.all(
      Array.from({ length: 10 }, () => cache.read(facts('g1_facts'), async () => 'v', {}, ['value'], l.load)),
    );
    expect(l.calls).toBe(1);
  });

  it('holds at most maxFacts, dropping the least recently used, and never keeps a read larger than that', async () => {
    const cache = createFactCache(5);
    const v = async () => 'v';
    const read = (kind: string, n: number) =>
      cache.read(facts('g1_facts'), v, { kind }, ['value'], async () => docs(n));
    await read('a', 2);
    await read('b', 2);
    await read('a', 2); // a is now the most recent
    await read('c', 2); // 6 > 5: b goes
    expect(cache.stats()).toMatchObject({ entries: 2, facts: 4 });
    await read('huge', 6);
    expect(cache.stats()).toMatchObject({ entries: 2, facts: 4 });
    const l = loader(() => docs(2));
    await cache.read(facts('g1_facts'), v, { kind: 'a' }, ['value'], l.load);
    expect(l.calls).toBe(0);
  });

  it('does not keep a failed read', async () => {
    const cache = createFactCache(100);
    let fail = true;
    const load = async () => {
      if (fail) throw new Error('database gone');
      return docs(1);
    };
    await expect(cache.read(facts('g1_facts'), async () => 'v', {}, ['value'], load)).rejects.toThrow('database gone');
    fail = false;
    expect(await cache.read(facts('g1_facts'), async () => 'v', {}, ['value'], load)).toEqual(docs(1));
  });

  it('turned off (0), reads every time and never asks for the version', async () => {
    const cache = createFactCache(0);
    const l = loader(() => docs(1));
    const version = async () => {
      throw new Error('not asked');
    };
    await cache.read(facts('g1_facts'), version, {}, ['value'], l.load);
    await cache.read(facts('g1_facts'), version, {}, ['value'], l.load);
    expect(l.calls).toBe(2);
  });
});
