import type pg from 'pg';
import type { EventDefinition } from '@passerelle/events';
import { viewStatements } from './views.js';

/** Roles BI users and data stewards are given (NOLOGIN: grant them to login roles). */
export const ROLES = {
  /** What a `reports:read` user gets: the `bi` views only, no pseudonyms, actors, free text or beneficiary rows. */
  reader: 'passerelle_bi_reader',
  /** What a `reports:internal` user gets: also `bi_internal` (beneficiary counts by sex × age × vulnerability). */
  internal: 'passerelle_bi_internal',
} as const;

/**
 * Tables and views, created or brought up to date at every start. `wh` is the warehouse's own (raw events with
 * actors and beneficiary keys: its owner only); `bi` and `bi_internal` hold the views BI tools read.
 */
export async function migrate(db: pg.Pool | pg.PoolClient, defs?: readonly EventDefinition[]): Promise<void> {
  await db.query(`
    CREATE SCHEMA IF NOT EXISTS wh;
    CREATE SCHEMA IF NOT EXISTS bi;
    CREATE SCHEMA IF NOT EXISTS bi_internal;
    -- One row per event, keyed by its id: a redelivered or replayed event inserts nothing.
    CREATE TABLE IF NOT EXISTS wh.events (
      event_id uuid PRIMARY KEY,
      seq bigint NOT NULL,
      type text NOT NULL,
      country text NOT NULL,
      subject text NOT NULL,
      recorded_at timestamptz NOT NULL,
      business_date date,
      published_version text NOT NULL,
      data_version text NOT NULL,
      raw jsonb NOT NULL,
      data jsonb NOT NULL,
      loaded_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX IF NOT EXISTS events_type_idx ON wh.events (type, business_date);
    CREATE TABLE IF NOT EXISTS wh.progress (
      consumer text PRIMARY KEY,
      last_seq bigint NOT NULL,
      pending bigint NOT NULL,
      events bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `);
  // Roles are cluster-wide: create them once, whichever warehouse database comes first.
  for (const role of Object.values(ROLES)) {
    await db.query(
      `DO $$ BEGIN CREATE ROLE ${role} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
    );
  }
  for (const sql of viewStatements(defs)) await db.query(sql);
  await db.query(`
    REVOKE ALL ON SCHEMA wh FROM PUBLIC;
    GRANT USAGE ON SCHEMA bi TO ${ROLES.reader}, ${ROLES.internal};
    GRANT SELECT ON ALL TABLES IN SCHEMA bi TO ${ROLES.reader}, ${ROLES.internal};
    GRANT USAGE ON SCHEMA bi_internal TO ${ROLES.internal};
    GRANT SELECT ON ALL TABLES IN SCHEMA bi_internal TO ${ROLES.internal};
  `);
}
