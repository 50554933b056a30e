import { SHEET_TYPES, type SheetLimits } from '@passerelle/sheets';
import { RuleViolation, versionFrom, type Api } from '@passerelle/platform';
import { recordAttendance } from './attendance.js';
import type { TrainingCommands } from './context.js';
import { assertHeld } from './domain.js';
import { KNOWN_HEADERS, attendanceFromSheet } from './import.js';
import { AttendanceBody, IdParams, ImportQuery, TrainingView } from './schemas.js';
import { readUpload, sheetBytes } from './upload.js';

/** Attendance of a held training, typed or imported from a sheet. */
export function attendanceRoutes(api: Api, commands: TrainingCommands, limits: SheetLimits) {
  const write = { scope: 'trainings:write', params: IdParams, response: TrainingView, tags: ['attendance'] };
  commands.post(api, '/trainings/:id/attendance', {
    ...write,
    summary: 'Record attendance counts, or correct them',
    description:
      'Counts by sex × participant category (× age group, institution); the total is derived. A second call is a correction: the previous figures stay visible as previousAttendance.',
    body: AttendanceBody,
    decide: (t, { params, body }) => recordAttendance(params.id, t, body.rows),
  });

  commands.post(api, '/trainings/:id/attendance/import', {
    ...write,
    summary: 'Import attendance from a CSV or XLSX sheet',
    description:
      "Columns (French or English): Sexe/Sex, Catégorie/Category, Nombre/Count, optional Tranche d'âge/Age group and Institution; " +
      'the header may sit below title rows. Values as codes or labels in French or English (Femme, F, H, Police…). CSV in UTF-8 or Windows-1252 ' +
      '(detected, or said by a charset parameter). Size, parts and rows are bounded before parsing (413/422). Every row is checked; if any is wrong, nothing is imported and the 422 lists every error as {row, column, message}. Version as ?version=N or If-Match.',
    query: ImportQuery,
    accepts: [SHEET_TYPES.csv, SHEET_TYPES.xlsx],
    version: ({ query, req }) => versionFrom(query.version, req.get('if-match')),
    async decide(t, { params, req }) {
      assertHeld(t, 'attendance');
      const sheet = await readUpload(sheetBytes(req), req.get('content-type') ?? '', KNOWN_HEADERS, limits);
      const result = attendanceFromSheet(sheet.rows, sheet.headerRow);
      if (!result.ok)
        return new RuleViolation(
          'IMPORT_INVALID',
          `${result.errors.length} error(s) in the sheet; nothing was imported`,
          { errors: result.errors },
        );
      const d = recordAttendance(params.id, t, result.rows);
      const ignored = result.ignoredColumns.length
        ? [`columns ignored (not part of attendance): ${result.ignoredColumns.join(', ')}`]
        : [];
      return { ...d, warnings: [...(d.warnings ?? []), ...ignored] };
    },
  });
}
