import { randomUUID } from 'node:crypto';
import {
  assertCountry,
  createCommandPipeline,
  createCommands,
  createHttpApp,
  envelopesOf,
  httpOptionsFrom,
  type Aggregate,
  type Runtime,
} from '@passerelle/platform';
import { deactivate, provideSupport, reactivate, register, signAgreement, update, type Partner } from './domain.js';
import { checkParent, type HierarchyNode } from './hierarchy.js';
import { readRoutes } from './routes-read.js';
import {
  AgreementBody,
  ContactsBody,
  DeactivateBody,
  IdParams,
  ReactivateBody,
  RegisterPartnerBody,
  SupportBody,
  UpdatePartnerBody,
} from './schemas.js';
import { AgreementRecorded, ContactsView, PartnerView, SupportRecorded } from './responses.js';
import type { PartnerStore } from './store.js';
import { partnerView } from './views.js';

const today = () => new Date().toISOString().slice(0, 10);
const TAGS = ['partners'];

/** The partners HTTP API. */
export function createApp(rt: Pick<Runtime, 'logger' | 'verify' | 'readiness' | 'config'>, store: PartnerStore) {
  const partners = createCommandPipeline(store.partners, 'partner');
  const commands = createCommands(partners, partnerView);

  const hierarchyNode = async (id: string): Promise<HierarchyNode | undefined> => {
    const a = await store.partners.find(id);
    return a && { country: a.country, parentId: a.state.parentId, active: a.state.active };
  };

  /** Gives back claimed names the stored partner does not bear (after a failed write, or names a rename dropped). */
  async function releaseUnused(country: string, id: string, keys: string[]) {
    if (!keys.length) return;
    const bearing = new Set((await store.partners.find(id))?.state.nameKeys ?? []);
    await store.names.release(
      country,
      id,
      keys.filter((k) => !bearing.has(k)),
    );
  }

  return createHttpApp({
    service: 'partners',
    about: {
      title: 'Passerelle partners',
      description: 'Who the programme works with: partners, agreements, and the support each received.',
    },
    ...httpOptionsFrom(rt),
    routes(api) {
      api.post(
        '/partners',
        {
          summary: 'Register a partner (names unique per country, accents, case and punctuation ignored)',
          scope: 'partners:write',
          body: RegisterPartnerBody,
          response: PartnerView,
          status: 201,
          tags: TAGS,
        },
        async ({ body, principal, req, res }) => {
          assertCountry(principal, body.country);
          const id = randomUUID();
          const { contacts, ...profile } = body;
          const warnings = body.parentId
            ? await checkParent(hierarchyNode, { country: body.country }, body.parentId)
            : [];
          const d = register(id, profile, { today: today() });
          // A new id: nobody else can touch this partner yet, and the claims' unique ids settle a name race.
          const claimed = await store.names.claim(body.country, id, d.state.name, d.state.nameKeys);
          let a: Aggregate<Partner>;
          try {
            a = await store.partners.create(id, body.country, d.state, envelopesOf({ req, principal }, d.events));
          } catch (e) {
            await store.names.release(body.country, id, claimed);
            throw e;
          }
          if (contacts?.length) await store.contacts.put(id, body.country, contacts);
          res.location(`/partners/${id}`);
          return partnerView(a, warnings);
        },
      );

      api.patch(
        '/partners/:id',
        {
          summary: 'Update a partner (a rename is an event carrying the new names)',
          scope: 'partners:write',
          params: IdParams,
          body: UpdatePartnerBody,
          response: PartnerView,
          tags: TAGS,
        },
        ({ params, body, principal, req }) =>
          store.renaming(params.id, async () => {
            const { version, effectiveDate, ...patch } = body;
            const current = await partners.editable(principal, params.id, version);
            const warnings = patch.parentId
              ? await checkParent(hierarchyNode, { id: current.id, country: current.country }, patch.parentId)
              : [];
            const d = update(current.id, current.state, patch, { today: today(), effectiveDate });
            if (!d.events.length) return partnerView(current);
            const added = d.state.nameKeys.filter((k) => !current.state.nameKeys.includes(k));
            const dropped = current.state.nameKeys.filter((k) => !d.state.nameKeys.includes(k));
            const claimed = await store.names.claim(current.country, current.id, d.state.name, added);
            let a: Aggregate<Partner>;
            try {
              a = await store.partners.append(current, version, d.state, envelopesOf({ req, principal }, d.events));
            } catch (e) {
              await releaseUnused(current.country, current.id, claimed);
              throw e;
            }
            await releaseUnused(current.country, current.id, dropped);
            if (JSON.stringify(d.state.name) !== JSON.stringify(current.state.name))
              await store.names.rename(current.id, d.state.name);
            return partnerView(a, warnings);
          }),
      );

      commands.post(api, '/partners/:id/deactivate', {
        summary: 'Deactivate a partner',
        scope: 'partners:write',
        params: IdParams,
        body: DeactivateBody,
        response: PartnerView,
        tags: TAGS,
        decide: (p, { params, body }) => deactivate(params.id, p, body, { today: today() }),
      });

      commands.post(api, '/partners/:id/reactivate', {
        summary: 'Reactivate a deactivated partner',
        scope: 'partners:write',
        params: IdParams,
        body: ReactivateBody,
        response: PartnerView,
        tags: TAGS,
        decide: (p, { params, body }) => reactivate(params.id, p, body, { today: today() }),
      });

      api.post(
        '/partners/:id/agreements',
        {
          summary: 'Record an agreement with a partner',
          scope: 'partners:write',
          params: IdParams,
          body: AgreementBody,
          response: AgreementRecorded,
          status: 201,
          tags: TAGS,
        },
        async ({ params, body, principal, req, res }) => {
          const { version, ...terms } = body;
          const agreementId = randomUUID();
          const { aggregate, decision } = await partners.change({ req, principal }, params.id, version, (p) =>
            signAgreement(params.id, p, { id: agreementId, ...terms }),
          );
          res.location(`/partners/${params.id}`);
          return { ...partnerView(aggregate, decision.warnings), agreementId };
        },
      );

      api.post(
        '/partners/:id/support',
        {
          summary: 'Record support provided to a partner',
          scope: 'partners:write',
          params: IdParams,
          body: SupportBody,
          response: SupportRecorded,
          status: 201,
          tags: TAGS,
        },
        async ({ params, body, principal, req, res }) => {
          const { version, ...support } = body;
          const supportId = randomUUID();
          const { aggregate, decision } = await partners.change({ req, principal }, params.id, version, (p) =>
            provideSupport(params.id, p, { id: supportId, ...support }, { today: today() }),
          );
          res.location(`/partners/${params.id}`);
          return { ...partnerView(aggregate, decision.warnings), supportId };
        },
      );

      api.put(
        '/partners/:id/contacts',
        {
          summary: 'Replace the contact people of a partner (role and work e-mail only; never published)',
          scope: 'partners:write',
          params: IdParams,
          body: ContactsBody,
          response: ContactsView,
          excludeErrors: [409, 422],
          tags: TAGS,
        },
        async ({ params, body, principal }) => {
          const current = await partners.editable(principal, params.id);
          await store.contacts.put(current.id, current.country, body.contacts);
          return { id: current.id, contacts: body.contacts };
        },
      );

      readRoutes(api, store);
    },
  });
}
