import type { Request } from 'express';
import { readTable, SheetError, SHEET_TYPES, type SheetLimits } from '@passerelle/sheets';
import { AppError, ErrorCode, ValidationError } from '@passerelle/platform';

// How a sheet upload reaches a decision: its bytes, and the table read within the limits.

/** The uploaded sheet as bytes; JSON (or nothing) on this route is a client mistake worth a clear message. */
export function sheetBytes(req: Request): Buffer {
  if (Buffer.isBuffer(req.body) && req.body.length) return req.body;
  if (req.is('application/json'))
    throw new AppError(
      415,
      ErrorCode.UnsupportedMediaType,
      `send the sheet as ${SHEET_TYPES.csv} or ${SHEET_TYPES.xlsx}`,
    );
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
