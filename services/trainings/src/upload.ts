import type { Request } from 'express';
import { readTable, SheetError, SHEET_TYPES, type SheetLimits } from '@passerelle/sheets';
import { AppError, ErrorCode, ValidationError } from '@passerelle/platform';

// How a sheet upload reaches a decision: its version, its bytes, and the table read within the limits.

/** The version of an upload: `?version=N` or `If-Match: "N"` (weak or bare accepted); both must agree when both are sent. */
export function uploadVersion(query: number | undefined, ifMatch: string | undefined): number {
  const m = ifMatch === undefined ? undefined : /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (ifMatch !== undefined && !m) throw new ValidationError('If-Match must be the version, e.g. "3"', [{ path: 'headers.if-match', message: 'not a version' }]);
  const header = m ? Number(m[1]) : undefined;
  if (query !== undefined && header !== undefined && query !== header) {
    throw new ValidationError(`?version=${query} and If-Match ${header} disagree`, [{ path: 'query.version', message: 'differs from If-Match' }]);
  }
  const version = query ?? header;
  if (version === undefined) throw new ValidationError('send the version you last read as ?version=N or an If-Match header', [{ path: 'query.version', message: 'required' }], 'VERSION_REQUIRED');
  return version;
}

/** The uploaded sheet as bytes; JSON (or nothing) on this route is a client mistake worth a clear message. */
export function sheetBytes(req: Request): Buffer {
  if (Buffer.isBuffer(req.body) && req.body.length) return req.body;
  if (req.is('application/json')) throw new AppError(415, ErrorCode.UnsupportedMediaType, `send the sheet as ${SHEET_TYPES.csv} or ${SHEET_TYPES.xlsx}`);
  throw new ValidationError('the request has no sheet', [{ path: 'body', message: 'empty' }], 'EMPTY_SHEET');
}

/** Reads an upload within the limits; a file that cannot be read, or exceeds them, is a problem with its status. */
export async function readUpload(bytes: Buffer, contentType: string, headers: Iterable<string>, limits: SheetLimits) {
  try {
    return await readTable(bytes, contentType, { headers, limits });
  } catch (e) {
    if (!(e instanceof SheetError)) throw e;
    if (e.status === 400) throw new ValidationError(`the sheet cannot be read: ${e.message}`, [], e.code);
    throw new AppError(e.status, e.code, e.message);
  }
}
