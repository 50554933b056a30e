import {
  BUILT_IN_TOPICS,
  BUILT_IN_TOPIC_LABELS,
  topicAdded,
  type Country,
  type Localized,
} from '@passerelle/contracts';
import { ConflictError } from '@passerelle/platform';
import type { Decision } from './domain.js';

/** A topic of the controlled list, as GET /topics shows it. */
export interface Topic {
  code: string;
  label: Localized;
  builtIn: boolean;
}

/** The topics every deployment starts with, labelled. */
export const builtInTopics = (): Topic[] =>
  BUILT_IN_TOPICS.map((code) => ({ code, label: BUILT_IN_TOPIC_LABELS[code], builtIn: true }));

/** Adds a topic to the controlled list; its code must be new. `country` only routes the event (topics serve every country). */
export function addTopic(
  cmd: { code: string; label: Localized },
  ctx: { country: Country; today: string; existing: ReadonlySet<string> },
): Decision<Topic> {
  if (ctx.existing.has(cmd.code))
    throw new ConflictError(`the topic ${cmd.code} is already in the list`, {}, 'TOPIC_EXISTS');
  const state: Topic = { code: cmd.code, label: cmd.label, builtIn: false };
  return {
    state,
    events: [
      topicAdded.build({
        subject: cmd.code,
        country: ctx.country,
        data: { code: cmd.code, label: cmd.label, businessDate: ctx.today },
      }),
    ],
  };
}
