import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { PasserelleEvent } from '@passerelle/contracts';
import type { Fact } from '../facts/facts.js';
import type { CellDoc } from './cells.js';

// The documents of a read-model generation, shared by the applier (applier.ts) and the model's readers (read-model.ts).

/**
 * The source log, append-only: `<source>@<seq>` when an event was applied (a guard), `<source>@<seq>:r` before
 * its facts are written (a reservation), each with the number of facts. Inserts are the one write FerretDB does
 * without scanning a collection; loading folds them per source.
 */
export interface SourceDoc {
  _id: string;
  source: string;
  seq: number;
  count: number;
  /** The cells its facts have parts in (cells.ts). */
  cells?: string[];
  /** Set on guards only. */
  applied?: true;
}

/** What this process knows of one source: the newest event applied, and every event whose facts may exist. */
export interface SourceState {
  lastSeq: number;
  written: Map<number, number>;
  /** The cells each of those events may have a part in. */
  cells: Map<number, Set<string>>;
}

export interface Sequenced {
  event: PasserelleEvent;
  seq: number;
  /** Delivered before to a process that died: its writes may still land, see `sweep`. */
  redelivered?: boolean;
}

/** The id of the i-th fact of a source's event: known without reading, so replaced facts are deleted by id. */
export const factId = (source: string, seq: number, i: number) => `${source}@${seq}#${i}`;

/**
 * One version of a source: an event that set its facts, recorded at `recordedAt`. Every event gets one, even when a
 * newer event of its source was applied first or in the same batch, so the versions tell what the model held at any
 * instant: for each source, its newest version recorded by then (exactly what a replay up to that instant keeps).
 */
export interface Version {
  _id: string;
  source: string;
  seq: number;
  count: number;
  eventId: string;
  eventType: string;
  recordedAt: string;
}

/** A record-time instant in the one form facts and versions store it, so string comparison orders instants. */
export const canonicalInstant = (instant: string) => new Date(instant).toISOString();

export interface Checkpoint {
  _id: string;
  seq: number;
  applied: number;
  /** Facts deleted by sweeps: they change the model without a batch. */
  swept?: number;
  at: Date;
}

/**
 * What one process changed in a generation: per country, a counter per kind of fact (`_any` for a source of no known
 * kind), and the facts its sweeps removed. One document per process, written by it alone, one batch after another:
 * FerretDB's updates are not atomic, and a counter two writers share could lose an increment, which here would keep a
 * stale report cached.
 */
export interface Stamps {
  _id: string;
  /** Batches that changed each country's kind (its sources). */
  changed?: Record<string, Record<string, number>>;
  /** Batches that touched each country's kind's cell of a month and page (`<month>:<page>`). */
  months?: Record<string, Record<string, Record<string, number>>>;
  /** Redeliveries of each country's kind: any of its cells may have changed. */
  whole?: Record<string, Record<string, number>>;
  swept?: number;
}
/**
 * The checkpoint document saying a generation has cells for all its facts (see applier.ts). Its name changes with the
 * cells' layout: a generation of an older layout has no mark, is read from facts, and is rebuilt at start (main.ts).
 */
export const CELLS_MARK = 'cells:pages';
/** The checkpoint document listing the ids of a generation's cells (`ids`), so readers ask for cells by `_id`. */
export const CELL_DIRECTORY = 'cell-directory';
/** The cell directory as stored: every cell id ever written (a cell emptied since is not read). */
export interface CellDirectory {
  _id: typeof CELL_DIRECTORY;
  ids: string[];
}

/** This process's stamps document. */
export const STAMPS = `stamps:${randomUUID()}`;

/** The collections of generation `gen`, named once for the applier and the readers (the checkpoint collection also holds stamps, marks and the cell directory). */
export function generationCollections(db: Db, gen: number | string) {
  return {
    facts: db.collection<Fact>(`g${gen}_facts`),
    cells: db.collection<CellDoc>(`g${gen}_cells`),
    history: db.collection<Fact>(`g${gen}_history`),
    versions: db.collection<Version>(`g${gen}_versions`),
    sources: db.collection<SourceDoc>(`g${gen}_sources`),
    checkpoint: db.collection<Checkpoint>(`g${gen}_checkpoint`),
    stamps: db.collection<Stamps>(`g${gen}_checkpoint`),
    directory: db.collection<CellDirectory>(`g${gen}_checkpoint`),
  };
}
