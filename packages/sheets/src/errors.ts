/**
 * A sheet that cannot be read, with the HTTP status and problem code a service answers: 400 for an unreadable
 * file, 413 when it exceeds a limit, 422 when its structure is invalid (e.g. a zip whose directory lies).
 */
export class SheetError extends Error {
  override readonly name = 'SheetError';
  constructor(
    message: string,
    readonly status: 400 | 413 | 422 = 400,
    readonly code: string = 'SHEET_UNREADABLE',
  ) {
    super(message);
  }
}

/** The bounds every upload is checked against before it is parsed. */
export interface SheetLimits {
  /** Total declared uncompressed size of an XLSX's entries (and the most a CSV's text may be). */
  maxUncompressedBytes: number;
  /** Entries in an XLSX's zip directory. */
  maxEntries: number;
  /** Uncompressed ÷ compressed size of one entry larger than 1 MB; a normal sheet stays far below. */
  maxCompressionRatio: number;
  /** Data rows (lines of a CSV, `<row>` elements of a worksheet). */
  maxRows: number;
}

/** Defaults sized for field lists (a few thousand rows) with a wide margin. */
export const DEFAULT_SHEET_LIMITS: SheetLimits = {
  maxUncompressedBytes: 50_000_000,
  maxEntries: 500,
  maxCompressionRatio: 200,
  maxRows: 20_000,
};
