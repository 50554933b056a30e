import type { Filter } from 'mongodb';
import { assertCountry, countryFilter, type AggregateDoc, type Principal } from '@passerelle/platform';
import type { Delivery } from './domain.js';
import type { ListQuery } from './schemas.js';
import type { DeliveryStore } from './store.js';

/** Regions are typed by hand: match them whole, ignoring case, with regex metacharacters taken literally. */
const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i');

/** The database filter for a list query, limited to the countries the caller may read. */
export function listFilter(q: ListQuery, p: Principal): Filter<AggregateDoc<Delivery>> {
  const allowed = countryFilter(p);
  if (q.country) assertCountry(p, q.country);
  const f: Record<string, unknown> = {};
  if (q.country) f.country = q.country;
  else if (allowed) f.country = { $in: allowed };
  if (q.region) f['state.place.region'] = exactly(q.region);
  if (q.kind) f['state.kind'] = q.kind;
  if (q.partnerId) f['state.partnerId'] = q.partnerId;
  if (q.context) f['state.context'] = q.context;
  if (q.status) f['state.status'] = q.status;
  if (q.from || q.to) f['state.date'] = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
  return f as Filter<AggregateDoc<Delivery>>;
}

/** One page of deliveries, newest delivery date first; list items carry counts, not per-person keys. */
export async function listDeliveries(store: DeliveryStore, q: ListQuery, p: Principal) {
  return store.deliveries.page(
    listFilter(q, p),
    q,
    { sort: { 'state.date': -1, _id: 1 }, omit: ['state.beneficiaries', 'state.keyScheme'] },
    (a) => ({ id: a.id, version: a.version, ...a.state }),
  );
}
