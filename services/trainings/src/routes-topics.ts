import { Country } from '@passerelle/contracts';
import { assertCountry, envelopesOf, ValidationError, type Api, type Principal } from '@passerelle/platform';
import { AddTopicBody, TopicList, TopicView } from './schemas.js';
import type { TrainingStore } from './store.js';
import { today } from './context.js';
import { addTopic } from './topics.js';

/** The country an admin adds a topic for: the one named, else the only one of the token. */
function topicCountry(p: Principal, named: Country | undefined): Country {
  const only = p.countries.size === 1 ? Country.safeParse([...p.countries][0]) : undefined;
  const country = named ?? (only?.success ? only.data : undefined);
  if (!country)
    throw new ValidationError('name the country the topic is added for', [
      { path: 'body.country', message: 'required when the token covers several countries' },
    ]);
  assertCountry(p, country);
  return country;
}

/** The controlled list of training topics. */
export function topicRoutes(api: Api, store: TrainingStore) {
  api.get(
    '/topics',
    {
      summary: 'Topics a training can have, labelled in French and English',
      scope: 'trainings:read',
      response: TopicList,
      tags: ['topics'],
    },
    async () => ({ items: await store.listTopics() }),
  );
  api.post(
    '/topics',
    {
      summary: 'Add a topic to the controlled list',
      description:
        'For admins (scope trainings:admin). The topic serves every country; codes are lower_snake_case and never reused.',
      scope: 'trainings:admin',
      body: AddTopicBody,
      response: TopicView,
      status: 201,
      tags: ['topics'],
    },
    async ({ body, principal, req }) => {
      const country = topicCountry(principal, body.country);
      const d = addTopic(body, { country, today: today(), existing: await store.topics() });
      return store.addTopic(d.state, country, envelopesOf({ req, principal }, d.events));
    },
  );
}
