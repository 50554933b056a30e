import type { Collection } from 'mongodb';

/** Runs work on one key strictly one after another in this process; different keys run concurrently. */
export function createSerialiser() {
  const tails = new Map<string, Promise<unknown>>();
  return function serial<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (tails.get(key) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

const aggregates = createSerialiser();

/**
 * Runs every write to one aggregate document (commands and the relay's publish mark) one after another.
 * FerretDB 1.24 applies an update as a read followed by a separate write (FerretDB/FerretDB#3040), so two
 * overlapping updates of one document lose one of them, filter or not; MongoDB needs none of this. Across
 * replicas sharing one FerretDB the race remains: run one replica per service there.
 */
export function withAggregateLock<T>(
  collection: Pick<Collection, 'dbName' | 'collectionName'>,
  id: string,
  work: () => Promise<T>,
): Promise<T> {
  return aggregates(`${collection.dbName}.${collection.collectionName}/${id}`, work);
}
