import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Country, createEnvelope } from '@passerelle/contracts';
import {
  AppError,
  ErrorCode,
  ForbiddenError,
  assertCountry,
  countryFilter,
  type Logger,
  type Principal,
} from '@passerelle/platform';
import { requireKeyMaker } from './beneficiaries.js';
import type { KeyMaker } from './keys.js';
import { CaseReference } from './schemas.js';
import type { DeliveryStore } from './store.js';

/** The person to forget, and the country whose office handles the request (the audit event is filed under it). */
export const EraseBody = z.strictObject({ caseReference: CaseReference, country: Country });
export type EraseBody = z.infer<typeof EraseBody>;

export const ERASE_DESCRIPTION =
  'Forgets a person: destroys the keyring entry linking their case reference to their pseudonym. ' +
  'Their past records stay and count once under the old pseudonym; a later delivery to the same reference counts them as a new person. ' +
  'Audited by assistance.beneficiary.erased, which carries neither the reference nor the pseudonym. 404 when no person is known by the reference. ' +
  "The token must cover the request's country and every country where the person's current deliveries are.";

/** 404 that says nothing about the reference: not even whether it was ever seen. */
const unknownPerson = () => new AppError(404, ErrorCode.NotFound, 'no person is known by this case reference');

export interface EraseInput {
  store: DeliveryStore;
  keyOf: KeyMaker | undefined;
  logger: Logger;
  principal: Principal;
  body: EraseBody;
  correlationid: string;
}

/**
 * Writes the audit record first, then destroys the entry. A crash between the two leaves an audit of an erasure
 * that did not happen, which the admin sees (an error) and repeats; the other order could forget a person
 * without any trace of who did it.
 */
export async function eraseBeneficiary({ store, keyOf, logger, principal, body, correlationid }: EraseInput) {
  assertCountry(principal, body.country);
  const lookup = requireKeyMaker(keyOf)(body.caseReference);
  const pseudonym = await store.keyring.find(lookup);
  if (!pseudonym) throw unknownPerson();
  const allowed = countryFilter(principal);
  if (allowed) {
    const docs = await store.deliveries.collection
      .find({ 'state.beneficiaries.key': pseudonym } as never, { projection: { country: 1 } })
      .toArray();
    if (docs.some((d) => !allowed.includes(d.country)))
      throw new ForbiddenError('this person has deliveries in a country your token does not cover');
  }
  const erasureId = randomUUID();
  const date = new Date().toISOString().slice(0, 10);
  const event = createEnvelope(
    { type: 'assistance.beneficiary.erased', subject: erasureId, country: body.country, data: { erasureId, date } },
    { actor: principal.actor, correlationid },
  );
  await store.erasures.create(erasureId, body.country, { status: 'erased', date }, [event]);
  const destroyed = await store.keyring.erase(lookup);
  // Not destroyed: a concurrent erasure of the same person won the race; the person is forgotten either way.
  logger.info({ erasureId, country: body.country, concurrent: !destroyed }, 'beneficiary erased');
  return { erasureId, date };
}
