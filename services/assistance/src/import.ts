import { createHash } from 'node:crypto';
import type { Request } from 'express';
import {
  AppError,
  ConflictError,
  ErrorCode,
  RuleViolation,
  ValidationError,
  assertCountry,
  envelopesOf,
  type Logger,
  type Principal,
} from '@passerelle/platform';
import { SheetError, readTable, type SheetLimits } from '@passerelle/sheets';
import { lookupsOf, withPseudonyms } from './beneficiaries.js';
import { latestToday, record } from './domain.js';
import { KNOWN_HEADERS, readDistributionList } from './import-sheet.js';
import type { KeyMaker } from './keys.js';
import type { DeliveryStore } from './store.js';

export const MAX_IMPORT_ROWS = 5000;
const MAX_ERRORS_SHOWN = 1000;

/** The sheet layout, for the OpenAPI document. */
export const IMPORT_DESCRIPTION = [
  'Body: text/csv (comma or semicolon separated; UTF-8, or Windows-1252 as French Excel saves it: detected, or said by a charset parameter) or XLSX',
  '(first sheet). Header names are matched without case, accents or punctuation; the header may sit below title rows. Values of closed lists',
  '(kind, sex, age group, flags) as codes or as labels in French or English (Alimentaire, Femme, F, H, UASC…). Size, parts and rows are',
  'bounded before parsing (413 SHEET_TOO_LARGE, 422 SHEET_INVALID). A template: GET /deliveries/template.',
  'Layout: one row per person (a case_reference) or per group of people (a count); rows sharing a delivery_ref form one delivery.',
  'Delivery columns (fill them on the first row of each delivery, or repeat them identically): date (YYYY-MM-DD or DD/MM/YYYY), kind, context,',
  'partner_id, country (ISO alpha-2), region, city, activity_line, quantity, unit, amount and currency (for cash_voucher).',
  'Beneficiary columns: case_reference or count, sex (female, male, other, F, M), age_group (0-4, 5-11, 12-17, 18-59, 60+; format as text) or age (0-120),',
  'flags (vulnerabilities separated by | + , ; or spaces; empty means none). A delivery lists people or counts, not both.',
  'Case references are hashed at once and never stored; each person gets their pseudonym from the keyring. All or nothing: any problem gives 422 IMPORT_INVALID',
  'with errors [{row, column, message}] for every problem found, and nothing is written. Sending the same list again creates nothing new:',
  'ids derive from the content, so a retry after a failure completes the import without duplicates.',
].join(' ');

/** A UUID (version 8, RFC 9562) made from a digest: the same sheet content always gives the same delivery ids. */
const uuidFromDigest = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface ImportInput {
  store: DeliveryStore;
  keyOf: KeyMaker | undefined;
  logger: Logger;
  req: Request;
  principal: Principal;
  limits: SheetLimits;
}

/** Validates a whole distribution list, then writes every delivery of it; on any problem writes nothing. */
export async function importDeliveries({ store, keyOf, logger, req, principal, limits }: ImportInput) {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
    throw new AppError(415, ErrorCode.UnsupportedMediaType, 'send the distribution list as text/csv or XLSX');
  }
  let rows;
  let headerRow;
  try {
    ({ rows, headerRow } = await readTable(req.body, req.get('content-type') ?? '', {
      headers: KNOWN_HEADERS,
      limits,
    }));
  } catch (e) {
    if (!(e instanceof SheetError)) throw e;
    if (e.status === 400) throw new ValidationError(`the sheet cannot be read: ${e.message}`, [], e.code);
    throw new AppError(e.status, e.code, e.message);
  }
  if (!rows.length)
    throw new RuleViolation('IMPORT_INVALID', 'the sheet has no data rows', {
      errors: [{ row: headerRow + 1, column: '', message: 'no data rows' }],
    });
  if (rows.length > MAX_IMPORT_ROWS)
    throw new RuleViolation('IMPORT_TOO_LARGE', `a sheet has at most ${MAX_IMPORT_ROWS} rows; split it`);

  const today = latestToday();
  const { deliveries, errors, ignoredColumns } = readDistributionList(rows, keyOf, today, headerRow);
  const checked = new Map<string, boolean>();
  for (const d of deliveries) {
    const key = `${d.details.place.country}|${d.details.partnerId}`;
    if (!checked.has(key))
      checked.set(key, (await store.partners.unknown([d.details.partnerId], d.details.place.country)).length > 0);
    if (checked.get(key))
      errors.push({
        row: d.partnerRow,
        column: 'partner_id',
        message: 'not a known partner id; use the id of a partner registered in the partners service',
      });
  }
  errors.sort((a, b) => a.row - b.row);
  if (errors.length) {
    throw new RuleViolation('IMPORT_INVALID', `${errors.length} problem(s) in the sheet; nothing was imported`, {
      errorCount: errors.length,
      errors: errors.slice(0, MAX_ERRORS_SHOWN),
    });
  }
  for (const country of new Set(deliveries.map((d) => d.details.place.country))) assertCountry(principal, country);

  // The digest covers lookup keys, never references, and is the same whether the list came as CSV or XLSX; it
  // stays the same after someone in the list was erased, so a retry still finds the deliveries already imported.
  const importId = sha256(
    JSON.stringify(deliveries.map(({ ref, details, beneficiaries }) => ({ ref, details, beneficiaries }))),
  ).slice(0, 32);
  // Only a sheet that passed every rule creates keyring entries, all in one round trip.
  const pseudonyms = await store.keyring.pseudonymsOf(deliveries.flatMap((d) => lookupsOf(d.beneficiaries)));
  const results: Array<{
    deliveryRef: string;
    id: string;
    rows: number[];
    mode: string;
    total: number;
    status: 'created' | 'already_imported';
  }> = [];
  for (const d of deliveries) {
    const id = uuidFromDigest(sha256(`${importId}:${d.ref}`));
    const decision = record(id, d.details, withPseudonyms(d.beneficiaries, pseudonyms), { today });
    let status: 'created' | 'already_imported' = 'created';
    try {
      await store.deliveries.create(
        id,
        d.details.place.country,
        decision.state,
        envelopesOf({ req, principal }, decision.events),
      );
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      status = 'already_imported';
    }
    results.push({
      deliveryRef: d.ref,
      id,
      rows: d.rows,
      mode: decision.state.mode,
      total: decision.state.total,
      status,
    });
  }
  const created = results.filter((r) => r.status === 'created').length;
  logger.info({ importId, deliveries: results.length, created, rows: rows.length }, 'distribution list imported');
  return { importId, created, alreadyImported: results.length - created, ignoredColumns, deliveries: results };
}
