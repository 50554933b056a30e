import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { createEnvelope } from '@passerelle/contracts';
import { assertCountry, createHttpApp, httpOptionsFrom, expectVersion, type Aggregate, type Principal, type Runtime } from '@passerelle/platform';
import { SHEET_TYPES } from '@passerelle/sheets';
import { toBeneficiaries } from './beneficiaries.js';
import { correct, latestToday, record, voidDelivery, type Decision, type Delivery } from './domain.js';
import { IMPORT_DESCRIPTION, importDeliveries } from './import.js';
import type { KeyMaker } from './keys.js';
import { listDeliveries } from './list.js';
import { CorrectDeliveryBody, IdParams, ListQuery, RecordDeliveryBody, VoidDeliveryBody } from './schemas.js';
import type { DeliveryStore } from './store.js';

const view = (a: Aggregate<Delivery>) => ({ id: a.id, version: a.version, ...a.state });

const ABOUT = 'Humanitarian assistance delivered to vulnerable migrants. Beneficiaries are given as counts by sex × age group × '
  + 'vulnerability, or as a list of case references that the service turns into keyed-hash beneficiary keys (HMAC-SHA-256 under '
  + 'a per-deployment secret) and forgets: references are never stored, logged or published, and the same person gives the same key '
  + 'in every delivery, so reports can count unique people.';

/** The assistance HTTP API; `keyOf` is undefined where list mode is disabled. */
export function createApp(rt: Pick<Runtime, 'logger' | 'verify' | 'readiness' | 'config'>, store: DeliveryStore, keyOf: KeyMaker | undefined) {
  const envelopes = (req: Request, p: Principal, d: Decision) =>
    d.events.map((e) => createEnvelope(e, { actor: p.actor, correlationid: req.requestId }));

  /** Loads a delivery the caller may edit, checks the version, applies a decision, writes state and events together. */
  async function change(req: Request, p: Principal, id: string, version: number, decide: (d: Delivery) => Decision) {
    const current = await store.deliveries.get(id);
    assertCountry(p, current.country);
    expectVersion(current, version, 'delivery');
    const d = decide(current.state);
    return view(await store.deliveries.append(current, version, d.state, envelopes(req, p, d)));
  }

  return createHttpApp({
    service: 'assistance',
    about: { title: 'Passerelle assistance', description: ABOUT },
    ...httpOptionsFrom(rt),
    rawBodyTypes: [SHEET_TYPES.csv, SHEET_TYPES.xlsx],
    routes(api) {
      api.post('/deliveries', {
        summary: 'Record a delivery', scope: 'assistance:write', body: RecordDeliveryBody, status: 201,
        description: 'beneficiaries: {mode: "counts", rows: [{sex, ageGroup, flags, count}]} or {mode: "list", list: [{caseReference, sex, ageGroup | age, flags}]}.',
      }, async ({ body, principal, req, res }) => {
        assertCountry(principal, body.place.country);
        const { beneficiaries, ...details } = body;
        const id = randomUUID();
        const d = record(id, details, toBeneficiaries(beneficiaries, keyOf), { today: latestToday() });
        const a = await store.deliveries.create(id, body.place.country, d.state, envelopes(req, principal, d));
        res.location(`/deliveries/${id}`);
        return view(a);
      });
      api.post('/deliveries/import', {
        summary: 'Import deliveries from a distribution list (CSV or XLSX), all or nothing', scope: 'assistance:write',
        accepts: [SHEET_TYPES.csv, SHEET_TYPES.xlsx], status: 201, description: IMPORT_DESCRIPTION,
      }, ({ req, principal }) => importDeliveries({ store, keyOf, logger: rt.logger, req, principal, envelopes: (d) => envelopes(req, principal, d) }));
      api.get('/deliveries', { summary: 'List deliveries (newest first), filtered and paged', scope: 'assistance:read', query: ListQuery }, ({ query, principal }) =>
        listDeliveries(store, query, principal));
      api.get('/deliveries/:id', { summary: 'One delivery with its history', scope: 'assistance:read', params: IdParams }, async ({ params, principal }) => {
        const a = await store.deliveries.get(params.id);
        assertCountry(principal, a.country);
        const history = (await store.deliveries.history(params.id)).map((e, i) => ({ version: i + 1, type: e.type, time: e.time, actor: e.actor, data: e.data }));
        return { ...view(a), history };
      });
      api.post('/deliveries/:id/corrections', {
        summary: 'Correct a delivery: the fields given replace the current ones (omitted beneficiaries stay as they are)',
        scope: 'assistance:write', params: IdParams, body: CorrectDeliveryBody,
      }, ({ params, body, principal, req }) => {
        const { version, reason, beneficiaries, ...changes } = body;
        return change(req, principal, params.id, version, (d) =>
          correct(params.id, d, changes, beneficiaries ? toBeneficiaries(beneficiaries, keyOf) : undefined, reason, { today: latestToday() }));
      });
      api.post('/deliveries/:id/void', { summary: 'Void a delivery recorded in error', scope: 'assistance:write', params: IdParams, body: VoidDeliveryBody }, ({ params, body, principal, req }) =>
        change(req, principal, params.id, body.version, (d) => voidDelivery(params.id, d, body.reason)));
    },
  });
}
