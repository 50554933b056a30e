import type pg from 'pg';
import { registry as passerelleRegistry, type Envelope, type EventParser } from '@passerelle/events';

/** One stored event: the envelope as published (raw) and its data in the current dataversion. */
export interface EventRow {
  eventId: string;
  seq: number;
  type: string;
  country: string;
  subject: string;
  recordedAt: string;
  businessDate: string | null;
  publishedVersion: string;
  dataVersion: string;
  raw: unknown;
  data: unknown;
}

/** The row of an event read by the SDK (upcast) from the message bytes (as published). */
export function rowOf(event: Envelope, seq: number, raw: Uint8Array, businessDate: string | null): EventRow {
  const published = JSON.parse(new TextDecoder().decode(raw)) as { dataversion?: string };
  return {
    eventId: event.id,
    seq,
    type: event.type,
    country: event.country,
    subject: event.subject,
    recordedAt: event.time,
    businessDate,
    publishedVersion: published.dataversion ?? event.dataversion,
    dataVersion: event.dataversion,
    raw: published,
    data: event.data,
  };
}

const COLUMNS =
  'event_id, seq, type, country, subject, recorded_at, business_date, published_version, data_version, raw, data';

/** Inserts rows keyed by event id; those already there are left alone, so replays and redeliveries insert nothing. Returns how many were new. */
export async function insertRows(
  db: pg.Pool | pg.PoolClient,
  rows: readonly EventRow[],
  table = 'wh.events',
): Promise<number> {
  if (!rows.length) return 0;
  const r = await db.query(
    `INSERT INTO ${table} (${COLUMNS})
     SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::date[], $8::text[], $9::text[], $10::jsonb[], $11::jsonb[])
     ON CONFLICT (event_id) DO NOTHING`,
    [
      rows.map((x) => x.eventId),
      rows.map((x) => x.seq),
      rows.map((x) => x.type),
      rows.map((x) => x.country),
      rows.map((x) => x.subject),
      rows.map((x) => x.recordedAt),
      rows.map((x) => x.businessDate),
      rows.map((x) => x.publishedVersion),
      rows.map((x) => x.dataVersion),
      rows.map((x) => JSON.stringify(x.raw)),
      rows.map((x) => JSON.stringify(x.data)),
    ],
  );
  return r.rowCount ?? 0;
}

/**
 * Brings rows stored under an older dataversion to the current one, from their raw envelope, through the same
 * upcasters the SDK applies to the stream: after an upgrade no row is lost or left in an old shape. Returns how many changed.
 */
export async function upgradeRows(
  db: pg.Pool,
  parser: EventParser = passerelleRegistry,
  current: ReadonlyMap<string, string> = currentVersions(),
): Promise<number> {
  let changed = 0;
  for (const [type, version] of current) {
    const old = await db.query<{ event_id: string; raw: unknown }>(
      'SELECT event_id, raw FROM wh.events WHERE type = $1 AND data_version <> $2',
      [type, version],
    );
    for (const row of old.rows) {
      const event = parser.parse(new TextEncoder().encode(JSON.stringify(row.raw)));
      await db.query('UPDATE wh.events SET data = $2, data_version = $3 WHERE event_id = $1', [
        row.event_id,
        JSON.stringify(event.data),
        event.dataversion,
      ]);
      changed++;
    }
  }
  return changed;
}

/** The current dataversion of every event type the SDK knows. */
export const currentVersions = (): ReadonlyMap<string, string> =>
  new Map(passerelleRegistry.definitions.map((d) => [d.type, d.version]));

/** Records how far the warehouse is, for wh.progress and the bi.warehouse_lag view. */
export async function saveProgress(
  db: pg.Pool,
  consumer: string,
  p: { lastSeq: number; pending: number },
): Promise<void> {
  await db.query(
    `INSERT INTO wh.progress (consumer, last_seq, pending, events, updated_at) VALUES ($1, $2, $3, (SELECT count(*) FROM wh.events), now())
     ON CONFLICT (consumer) DO UPDATE SET last_seq = EXCLUDED.last_seq, pending = EXCLUDED.pending, events = EXCLUDED.events, updated_at = now()`,
    [consumer, p.lastSeq, p.pending],
  );
}
