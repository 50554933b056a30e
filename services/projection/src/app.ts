import { z } from 'zod';
import { Country, IsoDate } from '@passerelle/contracts';
import { assertCountry, countryFilter, createHttpApp, type Runtime } from '@passerelle/platform';
import type { ReadModel } from './store.js';
import { PARTICIPANT_DIMENSIONS } from './domain.js';

const ParticipantsQuery = z.strictObject({
  by: z.enum(PARTICIPANT_DIMENSIONS).default('topic'),
  country: Country.optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
});

/** The reporting API: read only. */
export function createApp(rt: Pick<Runtime, 'logger' | 'verify' | 'readiness' | 'config'>, model: ReadModel, status: () => Promise<object>) {
  return createHttpApp({
    service: 'projection',
    about: { title: 'Passerelle reporting', description: 'Read-only reporting API over the read model built from the event stream.' },
    logger: rt.logger,
    verify: rt.verify,
    readiness: rt.readiness,
    bodyLimit: rt.config.BODY_LIMIT,
    rateLimitPerMinute: rt.config.RATE_LIMIT_PER_MINUTE,
    routes(api) {
      api.get('/reports/participants', { summary: 'Participants of held trainings by one dimension', scope: 'reports:read', query: ParticipantsQuery }, async ({ query: q, principal }) => {
        if (q.country) assertCountry(principal, q.country);
        const rows = (await model.participants(q.by, { ...q, countries: countryFilter(principal) })).map((r) => ({ [q.by]: r.key, participants: r.participants }));
        return { by: q.by, unit: 'participants: sum of attendance counts (people attending two trainings count twice)', rows };
      });
      api.get('/projection/status', { summary: 'Last sequence applied and lag behind the stream', scope: 'reports:read' }, () => status());
    },
  });
}
