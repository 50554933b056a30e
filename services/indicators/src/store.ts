import type { Db } from 'mongodb';
import { OUTBOX_INDEXES, createAggregateStore, ensureIndexes, type Relay } from '@passerelle/platform';
import type { Framework } from './framework.js';

/**
 * Frameworks with their outbox. One document holds a framework's tree, indicators, targets and events, so that
 * an import (hundreds of events) is one atomic write: FerretDB has no multi-document transactions.
 */
export async function createFrameworkStore(db: Db, relay?: Relay) {
  const onWrite = relay ? { onWrite: (c: unknown, id: string) => relay.kick(c as never, id) } : {};
  const frameworks = createAggregateStore<Framework>({ db, collection: 'frameworks', what: 'framework', ...onWrite });
  await ensureIndexes(db, {
    frameworks: [...OUTBOX_INDEXES, { key: { country: 1, 'state.programme': 1 }, name: 'by_country_programme' }],
  });
  relay?.watch(frameworks.collection as never);
  return { frameworks };
}
export type FrameworkStore = Awaited<ReturnType<typeof createFrameworkStore>>;
