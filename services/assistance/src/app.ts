import { randomUUID } from 'node:crypto';
import {
  assertCountry,
  assertKnownPartners,
  createCommandPipeline,
  createCommands,
  createHttpApp,
  httpOptionsFrom,
  type Runtime,
} from '@passerelle/platform';
import { DEFAULT_SHEET_LIMITS, SHEET_TYPES, type SheetLimits } from '@passerelle/sheets';
import { pseudonymise, toBeneficiaries } from './beneficiaries.js';
import { correct, latestToday, record, voidDelivery, type Beneficiaries, type Decision } from './domain.js';
import { ERASE_DESCRIPTION, EraseBody, eraseBeneficiary } from './erasure.js';
import { IMPORT_DESCRIPTION, importDeliveries } from './import.js';
import type { KeyMaker } from './keys.js';
import { listDeliveries } from './list.js';
import { CorrectDeliveryBody, IdParams, ListQuery, RecordDeliveryBody, VoidDeliveryBody } from './schemas.js';
import { DeliveryDetail, DeliveryPage, DeliveryView, ErasureResult, ImportResult } from './responses.js';
import type { DeliveryStore } from './store.js';
import { templateRoute } from './template.js';
import { ADMIN_SCOPE, deliveryView, historyView } from './views.js';

const ABOUT =
  'Humanitarian assistance delivered to vulnerable migrants. Beneficiaries are given as counts by sex × age group × ' +
  'vulnerability, or as a list of case references. The service gives each person a random pseudonym, kept in its keyring under ' +
  'a keyed hash (HMAC-SHA-256) of the reference; references are never stored, logged or published, and the same person has the ' +
  'same pseudonym in every delivery, so reports can count unique people. Erasing a person destroys their keyring entry. ' +
  'Pseudonyms are shown to assistance:admin only.';

/** The assistance HTTP API; `keyOf` is undefined where list mode is disabled; `limits` bound sheet imports. */
export function createApp(
  rt: Pick<Runtime, 'logger' | 'verify' | 'readiness' | 'config'>,
  store: DeliveryStore,
  keyOf: KeyMaker | undefined,
  limits: Partial<SheetLimits> = {},
) {
  const importLimits = { ...DEFAULT_SHEET_LIMITS, ...limits };
  const deliveries = createCommandPipeline(store.deliveries, 'delivery');
  const commands = createCommands(deliveries, (a, _warnings, p) => deliveryView(a, p));

  /**
   * Decides with the lookup keys first, so that input the rules refuse creates no keyring entry, then again with
   * the pseudonyms that are stored and published (the swap keeps people distinct, so the rules agree).
   */
  async function withPseudonyms(b: Beneficiaries, decide: (b: Beneficiaries) => Decision): Promise<Decision> {
    if (b.mode === 'counts') return decide(b);
    decide(b);
    return decide(await pseudonymise(b, store.keyring));
  }

  return createHttpApp({
    service: 'assistance',
    about: { title: 'Passerelle assistance', description: ABOUT },
    ...httpOptionsFrom(rt),
    rawBodyTypes: [SHEET_TYPES.csv, SHEET_TYPES.xlsx],
    routes(api) {
      api.post(
        '/deliveries',
        {
          summary: 'Record a delivery',
          scope: 'assistance:write',
          body: RecordDeliveryBody,
          response: DeliveryView,
          status: 201,
          description:
            'beneficiaries: {mode: "counts", rows: [{sex, ageGroup, flags, count}]} or {mode: "list", list: [{caseReference, sex, ageGroup | age, flags}]}.',
        },
        async ({ body, principal, req, res }) => {
          assertCountry(principal, body.place.country);
          await assertKnownPartners(store.partners, [body.partnerId], body.place.country);
          const { beneficiaries, ...details } = body;
          const id = randomUUID();
          const { aggregate } = await deliveries.create({ req, principal }, id, body.place.country, () =>
            withPseudonyms(toBeneficiaries(beneficiaries, keyOf), (b) =>
              record(id, details, b, { today: latestToday() }),
            ),
          );
          res.location(`/deliveries/${id}`);
          return deliveryView(aggregate, principal);
        },
      );
      api.post(
        '/deliveries/import',
        {
          summary: 'Import deliveries from a distribution list (CSV or XLSX), all or nothing',
          scope: 'assistance:write',
          accepts: [SHEET_TYPES.csv, SHEET_TYPES.xlsx],
          response: ImportResult,
          status: 201,
          description: IMPORT_DESCRIPTION,
        },
        ({ req, principal }) =>
          importDeliveries({ store, keyOf, logger: rt.logger, req, principal, limits: importLimits }),
      );
      templateRoute(api);
      api.get(
        '/deliveries',
        {
          summary: 'List deliveries (newest first), filtered and paged',
          scope: 'assistance:read',
          query: ListQuery,
          response: DeliveryPage,
          excludeErrors: [422],
        },
        ({ query, principal }) => listDeliveries(store, query, principal),
      );
      api.get(
        '/deliveries/:id',
        {
          summary: 'One delivery with its history',
          scope: 'assistance:read',
          params: IdParams,
          response: DeliveryDetail,
          description: `Beneficiary pseudonyms (key) only with ${ADMIN_SCOPE}; other callers get each person without it.`,
        },
        async ({ params, principal }) => {
          const a = await deliveries.read(principal, params.id);
          return {
            ...deliveryView(a, principal),
            history: historyView(await store.deliveries.history(params.id), principal),
          };
        },
      );
      commands.post(api, '/deliveries/:id/corrections', {
        summary:
          'Correct a delivery: the fields given replace the current ones (omitted beneficiaries stay as they are)',
        scope: 'assistance:write',
        params: IdParams,
        body: CorrectDeliveryBody,
        response: DeliveryView,
        async decide(d, { params, body: { version: _version, reason, beneficiaries, ...changes } }) {
          const today = latestToday();
          if (changes.partnerId)
            await assertKnownPartners(store.partners, [changes.partnerId], changes.place?.country ?? d.place.country);
          return beneficiaries
            ? withPseudonyms(toBeneficiaries(beneficiaries, keyOf), (b) =>
                correct(params.id, d, changes, b, reason, { today }),
              )
            : correct(params.id, d, changes, undefined, reason, { today });
        },
      });
      commands.post(api, '/deliveries/:id/void', {
        summary: 'Void a delivery recorded in error',
        scope: 'assistance:write',
        params: IdParams,
        body: VoidDeliveryBody,
        response: DeliveryView,
        decide: (d, { params, body }) => voidDelivery(params.id, d, body.reason),
      });
      api.post(
        '/beneficiaries/erase',
        {
          summary: 'Forget a person (right to erasure)',
          scope: ADMIN_SCOPE,
          body: EraseBody,
          response: ErasureResult,
          errors: [404],
          excludeErrors: [409],
          description: ERASE_DESCRIPTION,
        },
        ({ body, principal, req }) =>
          eraseBeneficiary({ store, keyOf, logger: rt.logger, principal, body, correlationid: req.requestId }),
      );
    },
  });
}
