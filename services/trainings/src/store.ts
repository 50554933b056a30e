import type { Db, Filter } from 'mongodb';
import {
  ConflictError,
  STATE_ONLY,
  createPartnerDirectory,
  isDuplicateKey,
  openAggregateStore,
  type AggregateDoc,
  type Relay,
} from '@passerelle/platform';
import type { Envelope } from '@passerelle/contracts';
import type { Training } from './domain.js';
import { builtInTopics, type Topic } from './topics.js';

/** Trainings with their outbox, and the controlled list of topics (built-in plus those admins added, with theirs). */
export async function createTrainingStore(db: Db, relay?: Relay) {
  const trainings = await openAggregateStore<Training>({
    db,
    collection: 'trainings',
    what: 'training',
    relay,
    indexes: [
      { key: { country: 1, 'state.startDate': -1 }, name: 'by_country_date' },
      { key: { 'state.topics': 1 }, name: 'by_topic' },
      { key: { 'state.status': 1 }, name: 'by_status' },
      { key: { 'state.partnerIds': 1 }, name: 'by_partner' },
    ],
  });
  const addedTopics = await openAggregateStore<Topic>({ db, collection: 'topics', what: 'topic', relay });

  /** Every topic staff may choose from, built-in first, then added ones by code. */
  async function listTopics(): Promise<Topic[]> {
    const added = await addedTopics.collection
      .find({} as Filter<AggregateDoc<Topic>>, { projection: STATE_ONLY })
      .sort({ _id: 1 })
      .toArray();
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
        if (e instanceof ConflictError || isDuplicateKey(e))
          throw new ConflictError(`the topic ${topic.code} is already in the list`, {}, 'TOPIC_EXISTS');
        throw e;
      }
    },
  };
}
export type TrainingStore = Awaited<ReturnType<typeof createTrainingStore>>;
