import type { Request } from 'express';
import { readTable, SheetError, SHEET_TYPES, type SheetLimits } from '@passerelle/sheets';
import { AppError, ErrorCode, RuleViolation, ValidationError, versionFrom, type Api } from '@passerelle/platform';
import { recordAssessment, recordAttendance } from './attendance.js';
import { assertHeld } from './domain.js';
import { KNOWN_HEADERS, attendanceFromSheet } from './import.js';
import { AssessmentBody, AttendanceBody, IdParams, ImportQuery, TrainingView } from './schemas.js';
import type { TrainingCommands } from './support.js';

/** The uploaded sheet as bytes; JSON (or nothing) on this route is a client mistake worth a clear message. */
function sheetBytes(req: Request): Buffer {
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

/** Attendance (typed or imported) and knowledge assessments: the figures of a held training. */
export function figureRoutes(api: Api, commands: TrainingCommands, limits: SheetLimits) {
  const write = { scope: 'trainings:write', params: IdParams, response: TrainingView, tags: ['attendance'] };
  commands.post(api, '/trainings/:id/attendance', {
    ...write, summary: 'Record attendance counts, or correct them',
    description: 'Counts by sex × participant category (× age group, institution); the total is derived. A second call is a correction: the previous figures stay visible as previousAttendance.',
    body: AttendanceBody,
    decide: (t, { params, body }) => recordAttendance(params.id, t, body.rows),
  });

  commands.post(api, '/trainings/:id/attendance/import', {
    ...write, summary: 'Import attendance from a CSV or XLSX sheet',
    description: 'Columns (French or English): Sexe/Sex, Catégorie/Category, Nombre/Count, optional Tranche d\'âge/Age group and Institution; '
      + 'the header may sit below title rows. Values as codes or labels in French or English (Femme, F, H, Police…). CSV in UTF-8 or Windows-1252 '
      + '(detected, or said by a charset parameter). Size, parts and rows are bounded before parsing (413/422). Every row is checked; if any is wrong, nothing is imported and the 422 lists every error as {row, column, message}. Version as ?version=N or If-Match.',
    query: ImportQuery, accepts: [SHEET_TYPES.csv, SHEET_TYPES.xlsx],
    version: ({ query, req }) => versionFrom(query.version, req.get('if-match')),
    async decide(t, { params, req }) {
      assertHeld(t, 'attendance');
      const sheet = await readUpload(sheetBytes(req), req.get('content-type') ?? '', KNOWN_HEADERS, limits);
      const result = attendanceFromSheet(sheet.rows, sheet.headerRow);
      if (!result.ok) return new RuleViolation('IMPORT_INVALID', `${result.errors.length} error(s) in the sheet; nothing was imported`, { errors: result.errors });
      const d = recordAttendance(params.id, t, result.rows);
      const ignored = result.ignoredColumns.length ? [`columns ignored (not part of attendance): ${result.ignoredColumns.join(', ')}`] : [];
      return { ...d, warnings: [...(d.warnings ?? []), ...ignored] };
    },
  });

  commands.post(api, '/trainings/:id/assessment', {
    ...write, summary: 'Record pre/post knowledge test results', tags: ['assessment'],
    description: 'Aggregates only: participants tested, average pre and post scores (percent), and how many improved. A later call replaces the earlier figures.',
    body: AssessmentBody,
    decide: (t, { params, body: { version: _version, ...assessment } }) => recordAssessment(params.id, t, assessment),
  });
}
