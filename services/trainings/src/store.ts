import type { Db, Filter } from 'mongodb';
import { ConflictError, OUTBOX_INDEXES, createAggregateStore, createPartnerDirectory, ensureIndexes, isDuplicateKey, type AggregateDoc, type Relay } from '@passerelle/platform';
import type { Envelope } from '@passerelle/contracts';
import type { Training } from './domain.js';
import { builtInTopics, type Topic } from './topics.js';

/** Trainings with their outbox, and the controlled list of topics (built-in plus those admins added, with theirs). */
export async function createTrainingStore(db: Db, relay?: Relay) {
  const onWrite = relay ? { onWrite: (c: unknown, id: string) => relay.kick(c as never, id) } : {};
  const trainings = createAggregateStore<Training>({ db, collection: 'trainings', what: 'training', ...onWrite });
  const addedTopics = createAggregateStore<Topic>({ db, collection: 'topics', what: 'topic', ...onWrite });
  await ensureIndexes(db, {
    trainings: [
      ...OUTBOX_INDEXES,
      { key: { country: 1, 'state.startDate': -1 }, name: 'by_country_date' },
      { key: { 'state.topics': 1 }, name: 'by_topic' },
      { key: { 'state.status': 1 }, name: 'by_status' },
      { key: { 'state.partnerIds': 1 }, name: 'by_partner' },
    ],
    topics: [...OUTBOX_INDEXES],
  });
  relay?.watch(trainings.collection as never);
  relay?.watch(addedTopics.collection as never);

  /** Every topic staff may choose from, built-in first, then added ones by code. */
  async function listTopics(): Promise<Topic[]> {
    const added = await addedTopics.collection.find({} as Filter<AggregateDoc<Topic>>, { projection: { events: 0 } }).sort({ _id: 1 }).toArray();
    return [...builtInTopics(), ...added.map((d) => d.state)];
  }

  return {
    trainings,
    listTopics,
    /** The partners this service knows from partner events (see startPartnerFeed in main.ts). */
    partners: createPartnerDirectory(db),
    /** Codes of the topics staff may choose from. */
    async topics(): Promise<Set<string>> {
      return new Set((await listTopics()).map((t) => t.code));
    },
    /** Stores an added topic with its event; a second writer of the same code gets a 409. */
    async addTopic(topic: Topic, country: string, events: Envelope[]): Promise<Topic> {
      try {
        return (await addedTopics.create(topic.code, country, topic, events)).state;
      } catch (e) {
        if (e instanceof ConflictError || isDuplicateKey(e)) throw new ConflictError(`the topic ${topic.code} is already in the list`, {}, 'TOPIC_EXISTS');
        throw e;
      }
    },
  };
}
export type TrainingStore = Awaited<ReturnType<typeof createTrainingStore>>;
