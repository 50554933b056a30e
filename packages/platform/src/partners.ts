import type { Db } from 'mongodb';
import { registry } from '@passerelle/contracts';
import { startConsumer } from './consumer.js';
import { isDuplicateKey } from './mongo.js';
import { RuleViolation } from './errors.js';
import type { Runtime } from './runtime.js';

/** A partner as other services know it from partner events: enough to check an id, nothing more. */
export interface KnownPartner {
  _id: string;
  country: string;
  active: boolean;
  /** Stream sequence of the event that set it; older events change nothing. */
  seq: number;
}

const PARTNER_EVENTS = new Set([
  'partners.partner.registered',
  'partners.partner.updated',
  'partners.partner.deactivated',
  'partners.partner.reactivated',
]);

/**
 * A service's own copy of the partners (id, country, active), in its own database (collection `known_partners`),
 * fed by partner events, never by a call to the partners service.
 *
 * The check is scoped by country: an id is checked only in a country where the copy holds at least one partner.
 * Until the first partner of a country has arrived (a new deployment, a country not yet onboarded), ids there
 * are accepted as before; afterwards an unknown id is refused. Deactivated partners stay known (a delivery
 * dated before the deactivation is legitimate).
 */
export function createPartnerDirectory(db: Db) {
  const partners = db.collection<KnownPartner>('known_partners');
  return {
    collection: partners,
    /** Applies one partner event at its stream sequence; redelivered or out-of-order events change nothing. */
    async apply(data: { partnerId: string; country: string; active: boolean }, seq: number): Promise<void> {
      try {
        await partners.updateOne(
          { _id: data.partnerId, seq: { $lt: seq } },
          { $set: { country: data.country, active: data.active, seq } },
          { upsert: true },
        );
      } catch (e) {
        // The document exists with a sequence at least as new: this event is already applied or superseded.
        if (!isDuplicateKey(e)) throw e;
      }
    },
    /** The ids among `ids` that are not known partners, where the country's partners are known; [] otherwise. */
    async unknown(ids: readonly string[], country: string): Promise<string[]> {
      const wanted = [...new Set(ids)];
      if (!wanted.length || !(await partners.findOne({ country }, { projection: { _id: 1 } }))) return [];
      const found = new Set(
        (await partners.find({ _id: { $in: wanted } }, { projection: { _id: 1 } }).toArray()).map((p) => p._id),
      );
      return wanted.filter((id) => !found.has(id));
    },
  };
}
export type PartnerDirectory = ReturnType<typeof createPartnerDirectory>;

/**
 * Feeds a directory from the event stream through a durable consumer (`<service>_partners`, filtered on
 * `<prefix>.*.partners.partner.>`), stopped at shutdown. Other partner events (agreements, support) are skipped.
 */
export async function startPartnerFeed(
  rt: Pick<Runtime, 'nc' | 'js' | 'jsm' | 'streams' | 'logger' | 'onShutdown'>,
  service: string,
  directory: PartnerDirectory,
) {
  const consumer = await startConsumer({
    nc: rt.nc,
    js: rt.js,
    jsm: rt.jsm,
    streams: rt.streams,
    logger: rt.logger,
    durable: `${service}_partners`,
    filterSubjects: [`${rt.streams.prefix}.*.partners.partner.>`],
    handler: async (m) => {
      const event = registry.parse(m.data, m.subject);
      if (!PARTNER_EVENTS.has(event.type)) return;
      await directory.apply(
        event.data as { partnerId: string; country: string; active: boolean },
        m.info.streamSequence,
      );
    },
  });
  rt.onShutdown(() => consumer.stop());
  return consumer;
}

/** Refuses (422 UNKNOWN_PARTNER) ids the directory does not know, where it knows the country's partners. */
export async function assertKnownPartners(
  directory: PartnerDirectory,
  ids: readonly string[],
  country: string,
): Promise<void> {
  const unknown = await directory.unknown(ids, country);
  if (unknown.length) {
    throw new RuleViolation(
      'UNKNOWN_PARTNER',
      `unknown partner id(s): ${unknown.join(', ')}; use the id of a partner registered in the partners service`,
      { partnerIds: unknown },
    );
  }
}
