import type { Db } from 'mongodb';
import { openAggregateStore, type Relay } from '@passerelle/platform';
import type { Framework } from './framework.js';

/**
 * Frameworks with their outbox. One document holds a framework's tree, indicators, targets and unpublished events,
 * so that an import (hundreds of events) is one atomic write: FerretDB has no multi-document transactions.
 */
export async function createFrameworkStore(db: Db, relay?: Relay) {
  const frameworks = await openAggregateStore<Framework>({
    db,
    collection: 'frameworks',
    what: 'framework',
    relay,
    indexes: [{ key: { country: 1, 'state.programme': 1 }, name: 'by_country_programme' }],
  });
  return { frameworks };
}
export type FrameworkStore = Awaited<ReturnType<typeof createFrameworkStore>>;
