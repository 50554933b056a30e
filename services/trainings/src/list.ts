import type { Filter } from 'mongodb';
import { assertCountry, countryFilter, ValidationError, type AggregateDoc, type Principal } from '@passerelle/platform';
import type { Training } from './domain.js';
import type { ListQuery } from './schemas.js';

/** The database filter of a list query, limited to the countries the caller may read (another country asked for is a 403). */
export function listFilter(q: ListQuery, p: Principal): Filter<AggregateDoc<Training>> {
  if (q.from && q.to && q.to < q.from)
    throw new ValidationError('the period is empty', [
      { path: 'query.to', message: `to (${q.to}) is before from (${q.from})` },
    ]);
  const readable = countryFilter(p);
  if (q.country) assertCountry(p, q.country);
  const f: Record<string, unknown> = {};
  if (q.country) f.country = q.country;
  else if (readable) f.country = { $in: readable };
  if (q.region) f['state.place.region'] = q.region;
  if (q.topic) f['state.topics'] = q.topic;
  if (q.status) f['state.status'] = q.status;
  if (q.partnerId) f['state.partnerIds'] = q.partnerId;
  if (q.from || q.to) f['state.startDate'] = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
  return f as Filter<AggregateDoc<Training>>;
}
