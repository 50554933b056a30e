import { randomUUID } from 'node:crypto';
import type { Db, Filter } from 'mongodb';
import { createEnvelope, type Envelope } from '@passerelle/contracts';
import {
  captureTraceContext,
  detectBackend,
  type AggregateDoc,
  type Logger,
  type StoredEvent,
} from '@passerelle/platform';
import { DeliveryStatus, KEY_SCHEME, figuresData, type Delivery } from './domain.js';
import type { DeliveryStore } from './store.js';

/** The actor of the events the migration writes (a pseudonymous user id elsewhere; here, the migration itself). */
export const MIGRATION_ACTOR = 'assistance:migrate-keys';

export interface MigrationReport {
  /** Deliveries written before the keyring, now migrated. */
  deliveries: number;
  /** Of those, deliveries that published `assistance.delivery.rekeyed` (recorded, in keys mode). */
  rekeyed: number;
  /** Distinct old keys replaced by their pseudonym. */
  keys: number;
}

type Doc = AggregateDoc<Delivery>;
type Person = { key: string };
const PENDING = { 'state.keyScheme': { $exists: false } } as Filter<Doc>;
const ATTEMPTS = 5;

const peopleOf = (data: unknown): Person[] => {
  const list = (data as { beneficiaries?: unknown } | undefined)?.beneficiaries;
  return Array.isArray(list) ? (list as Person[]) : [];
};
const rekey = (list: Person[], to: ReadonlyMap<string, string>) =>
  list.map((p) => ({ ...p, key: to.get(p.key) ?? p.key }));
const rekeyData = (data: unknown, to: ReadonlyMap<string, string>) =>
  peopleOf(data).length ? { ...(data as object), beneficiaries: rekey(peopleOf(data), to) } : data;
/** Every key a delivery holds, in its state, its outbox and its published history. */
const oldKeysOf = (doc: Doc, history: readonly Envelope[]) => [
  ...new Set(
    [
      ...peopleOf(doc.state),
      ...[...(doc.outbox ?? []).map((e) => e.event), ...history].flatMap((e) => peopleOf(e.data)),
    ].map((p) => p.key),
  ),
];

/**
 * Moves deliveries recorded before the keyring to pseudonyms. Their keys are HMACs of case references, which is
 * exactly the keyring's lookup key: each old key gets an entry (the same race-safe get-or-create as a new delivery)
 * and its pseudonym replaces it in the state and in every event the service keeps (outbox and history), so the service's
 * database no longer holds a key anyone with the secret and a reference could find. A recorded delivery in keys
 * mode also gets an `assistance.delivery.rekeyed` event with its complete figures, so the read model replaces its
 * keys too; a voided one has no facts and needs none. Each delivery is one conditional single-document write that
 * also sets `state.keyScheme`, so a run stopped anywhere is finished by the next, and a finished run finds nothing.
 * Events already published stay in the stream with the old keys until its retention removes them.
 */
export async function migrateKeys(
  db: Db,
  store: DeliveryStore,
  opts: { logger?: Logger | undefined } = {},
): Promise<MigrationReport> {
  const c = store.deliveries.collection;
  const history = store.deliveries.historyCollection;
  const ferretdb = (await detectBackend(db)).engine === 'ferretdb';
  const correlationid = randomUUID();
  const report: MigrationReport = { deliveries: 0, rekeyed: 0, keys: 0 };
  const seen = new Set<string>();
  // Old key → pseudonym, filled in bulk: on FerretDB every keyring query reads the whole keyring, so one per
  // delivery would cost deliveries × people.
  const known = new Map<string, string>();
  async function pseudonymsFor(keys: string[]): Promise<ReadonlyMap<string, string>> {
    const missing = keys.filter((k) => !known.has(k));
    if (missing.length) for (const [k, v] of await store.keyring.pseudonymsOf(missing)) known.set(k, v);
    return known;
  }

  /** Migrates one delivery under its aggregate lock, so this process's commands and relay never interleave; false: retry. */
  const migrateOnce = (id: string) =>
    store.deliveries.locked(id, async (): Promise<boolean> => {
      const doc = await c.findOne({ _id: id } as Filter<Doc>);
      if (!doc || doc.state.keyScheme) return true;
      const published = await history.find({ aggregate: id }).toArray();
      const old = oldKeysOf(
        doc,
        published.map((h) => h.event),
      );
      const to = await pseudonymsFor(old);
      // Published events first, each rewritten alone (rewriting twice changes nothing); the document's write below is
      // what marks the delivery done, so a run stopped in between redoes this one.
      for (const h of published) {
        if (peopleOf(h.event.data).length)
          await history.updateOne({ _id: h._id }, { $set: { 'event.data': rekeyData(h.event.data, to) } } as never);
      }
      const state: Delivery = {
        ...doc.state,
        keyScheme: KEY_SCHEME,
        ...(doc.state.beneficiaries
          ? { beneficiaries: rekey(doc.state.beneficiaries, to) as Delivery['beneficiaries'] }
          : {}),
      };
      const outbox: StoredEvent[] = (doc.outbox ?? []).map((e) => ({
        ...e,
        event: { ...e.event, data: rekeyData(e.event.data, to) },
      }));
      const announce = state.status === DeliveryStatus.Recorded && state.mode === 'keys';
      if (announce) {
        const event = createEnvelope(
          {
            type: 'assistance.delivery.rekeyed',
            subject: id,
            country: state.place.country,
            data: figuresData(id, state),
          },
          { actor: MIGRATION_ACTOR, correlationid },
        );
        outbox.push({ event, trace: captureTraceContext(), seq: doc.version + 1 });
      }
      const set = {
        state,
        outbox,
        version: doc.version + (announce ? 1 : 0),
        updatedAt: new Date(),
        ...(announce ? { unpublished: true } : {}),
      };
      // The version condition guards against another process (replicas starting together on MongoDB). FerretDB
      // applies an update as a read then a write, so there it guards nothing and only makes every update decode the
      // whole collection (500 deliveries migrated in 4 minutes instead of 1 here); the lock is its guard, in one process.
      const filter = ferretdb ? { _id: id } : { _id: id, version: doc.version };
      const r = await c.updateOne(filter as Filter<Doc>, { $set: set } as never);
      if (r.matchedCount !== 1) return false;
      report.deliveries++;
      for (const k of old) seen.add(k);
      report.keys = seen.size;
      if (announce) {
        report.rekeyed++;
        store.relay?.kick(store.deliveries.outbox, id);
      }
      return true;
    });

  async function migrate(id: string): Promise<void> {
    // Not done: someone else wrote meanwhile (another process); read it again and redo this one.
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) if (await migrateOnce(id)) return;
    throw new Error(`delivery ${id} kept changing during the key migration; run it again`);
  }

  for (;;) {
    // One read of what is pending collects every old key in it; a second pass finds nothing (or what changed).
    const ids: string[] = [];
    const keys = new Set<string>();
    for await (const doc of c.find(PENDING)) {
      ids.push(doc._id);
      for (const k of oldKeysOf(doc, [])) keys.add(k);
    }
    if (ids.length)
      for await (const h of history.find({ aggregate: { $in: ids } }))
        for (const p of peopleOf(h.event.data)) keys.add(p.key);
    if (!ids.length) break;
    await pseudonymsFor([...keys]);
    for (const id of ids) await migrate(id);
  }
  seen.clear();
  known.clear();
  if (report.deliveries) opts.logger?.info({ ...report, correlationid }, 'beneficiary keys migrated to the keyring');
  return report;
}
