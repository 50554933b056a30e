import type { Filter } from 'mongodb';
import {
  assertCountry,
  countryFilter,
  STATE_ONLY,
  type AggregateDoc,
  type Api,
  type Principal,
} from '@passerelle/platform';
import type { Partner } from './domain.js';
import { prefixPattern } from './names.js';
import { IdParams, ListQuery } from './schemas.js';
import { PartnerDetail, PartnerPage } from './responses.js';
import type { PartnerStore } from './store.js';
import { partnerRef, partnerSummary, partnerView } from './views.js';

const toAggregate = (d: AggregateDoc<Partner>) => ({
  id: d._id,
  country: d.country,
  version: d.version,
  state: d.state,
});

/** The Mongo filter of a list request, within the countries the caller may read. */
export function listFilter(q: ListQuery, principal: Principal): Filter<AggregateDoc<Partner>> {
  const filter: Record<string, unknown> = {};
  const allowed = countryFilter(principal);
  if (q.country) {
    assertCountry(principal, q.country);
    filter.country = q.country;
  } else if (allowed) {
    filter.country = { $in: allowed };
  }
  if (q.type) filter['state.type'] = q.type;
  if (q.level) filter['state.level'] = q.level;
  if (q.tag) filter['state.tags'] = q.tag;
  if (q.active !== undefined) filter['state.active'] = q.active;
  if (q.parentId) filter['state.parentId'] = q.parentId;
  if (q.q) {
    const pattern = prefixPattern(q.q);
    // A query of punctuation only matches nothing rather than everything.
    filter['state.searchKeys'] = pattern ? { $regex: pattern } : { $in: [] };
  }
  return filter as Filter<AggregateDoc<Partner>>;
}

/** Read routes: the filtered list and one partner with its agreements, support and history. */
export function readRoutes(api: Api, store: PartnerStore) {
  const docs = store.partners.collection;

  api.get(
    '/partners',
    {
      summary: 'List partners (filter by country, type, level, tag, active; search a name prefix in any language)',
      scope: 'partners:read',
      query: ListQuery,
      response: PartnerPage,
      excludeErrors: [422],
      tags: ['partners'],
    },
    async ({ query, principal }) => {
      return store.partners.page(
        listFilter(query, principal),
        query,
        { sort: { 'state.sortKey': 1, _id: 1 } },
        partnerSummary,
      );
    },
  );

  api.get(
    '/partners/:id',
    {
      summary: 'One partner with its agreements, support history, contacts and event history',
      scope: 'partners:read',
      params: IdParams,
      response: PartnerDetail,
      tags: ['partners'],
    },
    async ({ params, principal }) => {
      const a = await store.partners.get(params.id);
      assertCountry(principal, a.country);
      const [history, contacts, parent, children] = await Promise.all([
        store.partners.history(a.id),
        store.contacts.get(a.id),
        a.state.parentId ? store.partners.find(a.state.parentId) : undefined,
        docs
          .find({ 'state.parentId': a.id } as Filter<AggregateDoc<Partner>>, { projection: STATE_ONLY })
          .sort({ 'state.sortKey': 1 })
          .limit(200)
          .toArray(),
      ]);
      return {
        ...partnerView(a),
        ...(parent ? { parent: partnerRef(parent) } : {}),
        children: children.map((d) => partnerRef(toAggregate(d as AggregateDoc<Partner>))),
        contacts,
        history,
      };
    },
  );
}
