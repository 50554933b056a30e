import type { Router } from 'express';
import { z } from 'zod';
import { Country, IsoDate } from '@passerelle/contracts';
import { assertCountry, countryFilter, createHttpApp, parseQuery, principalOf, requireScope, type Runtime } from '@passerelle/platform';
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
    logger: rt.logger,
    verify: rt.verify,
    readiness: rt.readiness,
    bodyLimit: rt.config.BODY_LIMIT,
    rateLimitPerMinute: rt.config.RATE_LIMIT_PER_MINUTE,
    routes(r: Router) {
      r.get('/reports/participants', requireScope('reports:read'), async (req, res) => {
        const q = parseQuery(ParticipantsQuery, req);
        const p = principalOf(req);
        if (q.country) assertCountry(p, q.country);
        const rows = (await model.participants(q.by, { ...q, countries: countryFilter(p) })).map((r) => ({ [q.by]: r.key, participants: r.participants }));
        res.json({ by: q.by, unit: 'participants: sum of attendance counts (people attending two trainings count twice)', rows });
      });
      r.get('/projection/status', requireScope('reports:read'), async (_req, res) => {
        res.json(await status());
      });
    },
  });
}
