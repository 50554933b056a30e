import { SHEET_TYPES, type SheetLimits } from '@passerelle/sheets';
import { RuleViolation, type Api } from '@passerelle/platform';
import { recordAttendance } from './attendance.js';
import type { Change } from './context.js';
import { assertHeld } from './domain.js';
import { KNOWN_HEADERS, attendanceFromSheet } from './import.js';
import { AttendanceBody, IdParams, ImportQuery, TrainingView } from './schemas.js';
import { readUpload, sheetBytes, uploadVersion } from './upload.js';

/** Attendance of a held training, typed or imported from a sheet. */
export function attendanceRoutes(api: Api, change: Change, limits: SheetLimits) {
  const write = { scope: 'trainings:write', params: IdParams, response: TrainingView, tags: ['attendance'] };
  api.post('/trainings/:id/attendance', {
    ...write, summary: 'Record attendance counts, or correct them',
    description: 'Counts by sex × participant category (× age group, institution); the total is derived. A second call is a correction: the previous figures stay visible as previousAttendance.',
    body: AttendanceBody,
  }, ({ params, body, principal, req }) => change(req, principal, params.id, body.version, (id, t) => recordAttendance(id, t, body.rows)));

  api.post('/trainings/:id/attendance/import', {
    ...write, summary: 'Import attendance from a CSV or XLSX sheet',
    description: 'Columns (French or English): Sexe/Sex, Catégorie/Category, Nombre/Count, optional Tranche d\'âge/Age group and Institution; '
      + 'the header may sit below title rows. Values as codes or labels in French or English (Femme, F, H, Police…). CSV in UTF-8 or Windows-1252 '
      + '(detected, or said by a charset parameter). Size, parts and rows are bounded before parsing (413/422). Every row is checked; if any is wrong, nothing is imported and the 422 lists every error as {row, column, message}. Version as ?version=N or If-Match.',
    query: ImportQuery, accepts: [SHEET_TYPES.csv, SHEET_TYPES.xlsx],
  }, ({ params, query, principal, req }) => {
    const version = uploadVersion(query.version, req.get('if-match'));
    return change(req, principal, params.id, version, async (id, t) => {
      assertHeld(t, 'attendance');
      const sheet = await readUpload(sheetBytes(req), req.get('content-type') ?? '', KNOWN_HEADERS, limits);
      const result = attendanceFromSheet(sheet.rows, sheet.headerRow);
      if (!result.ok) throw new RuleViolation('IMPORT_INVALID', `${result.errors.length} error(s) in the sheet; nothing was imported`, { errors: result.errors });
      const d = recordAttendance(id, t, result.rows);
      const ignored = result.ignoredColumns.length ? [`columns ignored (not part of attendance): ${result.ignoredColumns.join(', ')}`] : [];
      return { ...d, warnings: [...(d.warnings ?? []), ...ignored] };
    });
  });
}
