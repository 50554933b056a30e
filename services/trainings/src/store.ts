import type { Db } from 'mongodb';
import { BUILT_IN_TOPICS } from '@passerelle/contracts';
import { OUTBOX_INDEXES, createAggregateStore, ensureIndexes, type Relay } from '@passerelle/platform';
import type { Training } from './domain.js';

/** Trainings with their outbox, and the controlled list of topics. */
export async function createTrainingStore(db: Db, relay?: Relay) {
  const trainings = createAggregateStore<Training>({
    db, collection: 'trainings', what: 'training',
    ...(relay ? { onWrite: (c, id) => relay.kick(c as never, id) } : {}),
  });
  await ensureIndexes(db, {
    trainings: [
      ...OUTBOX_INDEXES,
      { key: { country: 1, 'state.startDate': -1 }, name: 'by_country_date' },
      { key: { 'state.topics': 1 }, name: 'by_topic' },
    ],
  });
  relay?.watch(trainings.collection as never);
  return {
    trainings,
    /** Topics staff may choose from. */
    async topics(): Promise<Set<string>> {
      return new Set<string>(BUILT_IN_TOPICS);
    },
  };
}
export type TrainingStore = Awaited<ReturnType<typeof createTrainingStore>>;
