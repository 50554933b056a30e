import type { Db } from 'mongodb';
import { OUTBOX_INDEXES, createAggregateStore, ensureIndexes } from '@passerelle/platform';
import type { Framework } from './framework.js';
import type { SerialOutbox } from './outbox.js';

/**
 * Frameworks with their outbox. One document holds a framework's tree, indicators, targets and events, so that
 * an import (hundreds of events) is one atomic write: FerretDB has no multi-document transactions.
 */
export async function createFrameworkStore(db: Db, outbox?: SerialOutbox) {
  const aggregates = createAggregateStore<Framework>({ db, collection: 'frameworks', what: 'framework' });
  await ensureIndexes(db, {
    frameworks: [...OUTBOX_INDEXES, { key: { country: 1, 'state.programme': 1 }, name: 'by_country_programme' }],
  });
  outbox?.watch(aggregates.collection as never);
  // Writes go through the outbox's queue, and each one asks for a publish pass after it.
  const queued = <T>(write: () => Promise<T>): Promise<T> =>
    outbox ? outbox.serial(write).finally(() => outbox.kick()) : write();
  const frameworks: typeof aggregates = {
    ...aggregates,
    create: (...args) => queued(() => aggregates.create(...args)),
    append: (...args) => queued(() => aggregates.append(...args)),
  };
  return { frameworks };
}
export type FrameworkStore = Awaited<ReturnType<typeof createFrameworkStore>>;
