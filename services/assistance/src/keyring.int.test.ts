import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import { isolatedEnv } from '@passerelle/testkit';
import { createKeyring } from './keyring.js';

// The keyring alone, against the real database: get-or-create must hold under concurrent requests.
const env = isolatedEnv('assistance_keyring');
let client: MongoClient;
let db: Db;
const lookup = (n: number) => `${n}`.padStart(64, 'a');

beforeAll(async () => {
  client = await new MongoClient(env.infra.mongoUrl).connect();
  db = client.db(env.env('assistance').MONGO_DB!);
});
afterAll(() => client?.close());

describe('the keyring', () => {
  it('gives a new person a random pseudonym and the same one ever after', async () => {
    const k = createKeyring(db);
    const first = await k.pseudonymsOf([lookup(1), lookup(2), lookup(1)]);
    expect(first.size).toBe(2);
    expect(first.get(lookup(1))).toMatch(/^[0-9a-f]{64}$/);
    expect(first.get(lookup(1))).not.toBe(first.get(lookup(2)));
    expect(await k.pseudonymsOf([lookup(2), lookup(1)])).toEqual(first);
    expect(await k.find(lookup(1))).toBe(first.get(lookup(1)));
  });

  it('concurrent requests for the same new people agree on one pseudonym each (one insert wins, the others read it back)', async () => {
    const people = Array.from({ length: 30 }, (_, i) => lookup(100 + i));
    // Overlapping lists from several "requests" at once, each through its own keyring object as replicas would.
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, r) => createKeyring(db).pseudonymsOf(people.slice(r * 3, r * 3 + 15))),
    );
    const agreed = new Map<string, string>();
    for (const a of answers) {
      for (const [k, v] of a) {
        expect(agreed.get(k) ?? v).toBe(v);
        agreed.set(k, v);
      }
    }
    const stored = await createKeyring(db)
      .collection.find({ _id: { $in: people } })
      .toArray();
    expect(stored.length).toBe(30);
    for (const e of stored) expect(agreed.get(e._id)).toBe(e.pseudonym);
  });

  it('reads and creates more people than one look-up holds', async () => {
    const many = Array.from({ length: 2500 }, (_, i) => lookup(10_000 + i));
    const k = createKeyring(db);
    const made = await k.pseudonymsOf(many);
    expect(new Set(made.values()).size).toBe(2500);
    expect(await k.pseudonymsOf(many)).toEqual(made);
  });

  it('erasing destroys the entry; the next look-up makes a new person', async () => {
    const k = createKeyring(db);
    const before = (await k.pseudonymsOf([lookup(7)])).get(lookup(7));
    expect(await k.erase(lookup(7))).toBe(true);
    expect(await k.erase(lookup(7))).toBe(false);
    expect(await k.find(lookup(7))).toBeUndefined();
    expect((await k.pseudonymsOf([lookup(7)])).get(lookup(7))).not.toBe(before);
  });
});
