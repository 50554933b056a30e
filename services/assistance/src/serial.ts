/**
 * Runs work on one key strictly one after another (in this process).
 *
 * Why: FerretDB 1.24 runs an update as a read, then a separate write (FerretDB/FerretDB#3040), so two updates of
 * one document that overlap can lose one of them, filter or not: an edit and the relay's "published" mark raced
 * and the edit (state, version and its outbox events) silently vanished in about a third of tries. MongoDB updates
 * a document atomically and needs none of this; across replicas on FerretDB the race remains (see the report).
 */
export function createSerialiser() {
  const tails = new Map<string, Promise<unknown>>();
  return function serial<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (tails.get(key) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => { if (tails.get(key) === tail) tails.delete(key); });
    return run;
  };
}
export type Serialiser = ReturnType<typeof createSerialiser>;
