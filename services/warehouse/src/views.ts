import { allEvents, eventJsonSchema, type EventDefinition } from '@passerelle/events';

type Schema = Record<string, unknown>;

/**
 * Fields no view shows: beneficiary keys (pseudonyms) and free text staff type (a reason or comment may name
 * someone). The envelope's actor (a pseudonymous user id) is never selected either. They stay in wh.events.
 */
export const EXCLUDED_FIELDS: ReadonlySet<string> = new Set([
  'beneficiaries',
  'reason',
  'comment',
  'description',
  'note',
  'audience',
  'evidenceUrl',
]);

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The SQL expression of a scalar field at `path` (a JSON path of keys), typed from its JSON Schema. */
function scalar(path: string[], schema: Schema): string | undefined {
  const text = `(data #>> ${literal(`{${path.join(',')}}`)})`;
  switch (schema.type) {
    case 'string':
      return schema.format === 'date' ? `${text}::date` : schema.format === 'date-time' ? `${text}::timestamptz` : text;
    case 'integer':
      return `${text}::bigint`;
    case 'number':
      return `${text}::numeric`;
    case 'boolean':
      return `${text}::boolean`;
    default:
      return undefined;
  }
}

/** Columns of one event type: scalars typed, objects of scalars flattened one level (title_fr), lists of strings as text[], the rest as jsonb. */
export function columnsOf(def: EventDefinition): Array<{ name: string; sql: string }> {
  const data = (eventJsonSchema(def).properties as Record<string, Schema>).data!;
  const cols: Array<{ name: string; sql: string }> = [];
  for (const [key, prop] of Object.entries((data.properties ?? {}) as Record<string, Schema>)) {
    if (EXCLUDED_FIELDS.has(key)) continue;
    const direct = scalar([key], prop);
    if (direct) {
      cols.push({ name: snake(key), sql: direct });
    } else if (prop.type === 'object' && prop.properties) {
      for (const [sub, subSchema] of Object.entries(prop.properties as Record<string, Schema>)) {
        cols.push({
          name: `${snake(key)}_${snake(sub)}`,
          sql: scalar([key, sub], subSchema) ?? `(data #> ${literal(`{${key},${sub}}`)})`,
        });
      }
    } else if (prop.type === 'array' && (prop.items as Schema | undefined)?.type === 'string') {
      cols.push({ name: snake(key), sql: `ARRAY(SELECT jsonb_array_elements_text(data -> ${literal(key)}))` });
    } else {
      cols.push({ name: snake(key), sql: `(data -> ${literal(key)})` });
    }
  }
  return cols;
}

/** View name of an event type: bi.trainings_training_held. */
export const viewName = (type: string) => `bi.${type.replaceAll('.', '_')}`;

const COMMON = ['event_id', 'country', 'recorded_at', 'business_date', 'seq'];
const common = COMMON.join(', ');

/** Statements that (re)create every view from the current contracts: run at each start, so a new dataversion's shape shows at once. */
export function viewStatements(defs: readonly EventDefinition[] = allEvents): string[] {
  const out = [
    'DROP SCHEMA IF EXISTS bi CASCADE',
    'DROP SCHEMA IF EXISTS bi_internal CASCADE',
    'CREATE SCHEMA bi',
    'CREATE SCHEMA bi_internal',
  ];
  for (const def of defs) {
    // businessDate and a partner's country are already common columns.
    const cols = columnsOf(def)
      .filter((c) => !COMMON.includes(c.name))
      .map((c) => `${c.sql} AS ${quote(c.name)}`);
    out.push(
      `CREATE VIEW ${viewName(def.type)} AS SELECT ${[common, ...cols].join(', ')} FROM wh.events WHERE type = ${literal(def.type)}`,
    );
  }
  // Every event, without data or actor: counts by type, country, month.
  out.push(`CREATE VIEW bi.events AS SELECT ${common}, type, subject, data_version FROM wh.events`);
  // The attendance that counts: the latest recorded or corrected figures of each training not cancelled since.
  out.push(`CREATE VIEW bi.training_attendance_current AS
    WITH latest AS (
      SELECT DISTINCT ON (data ->> 'trainingId') * FROM wh.events
      WHERE type IN ('trainings.training.attendance_recorded', 'trainings.training.attendance_corrected', 'trainings.training.cancelled')
      ORDER BY data ->> 'trainingId', seq DESC)
    SELECT l.event_id, l.country, l.business_date, l.data ->> 'trainingId' AS training_id, l.data ->> 'activityLine' AS activity_line,
      l.data ->> 'region' AS region, r ->> 'sex' AS sex, r ->> 'category' AS category, r ->> 'ageGroup' AS age_group,
      r ->> 'institution' AS institution, (r ->> 'count')::bigint AS participants
    FROM latest l, jsonb_array_elements(l.data -> 'rows') r WHERE l.type <> 'trainings.training.cancelled'`);
  // Deliveries that count: the latest figures of each delivery not voided since; totals only for reports:read.
  const latestDelivery = `SELECT DISTINCT ON (data ->> 'deliveryId') * FROM wh.events WHERE type LIKE 'assistance.delivery.%' ORDER BY data ->> 'deliveryId', seq DESC`;
  out.push(`CREATE VIEW bi.assistance_deliveries_current AS
    WITH latest AS (${latestDelivery})
    SELECT event_id, country, business_date, data ->> 'deliveryId' AS delivery_id, data ->> 'kind' AS kind, data ->> 'context' AS context,
      data ->> 'partnerId' AS partner_id, data ->> 'activityLine' AS activity_line, data ->> 'region' AS region,
      (data ->> 'quantity')::numeric AS quantity, data ->> 'unit' AS unit, (data ->> 'amount')::numeric AS amount, data ->> 'currency' AS currency,
      data ->> 'mode' AS mode, (data ->> 'total')::bigint AS beneficiaries_total
    FROM latest WHERE type <> 'assistance.delivery.voided'`);
  // Beneficiaries by sex × age group × vulnerability: small cells of victims and children, so reports:internal only.
  out.push(`CREATE VIEW bi_internal.assistance_beneficiaries_current AS
    WITH latest AS (${latestDelivery})
    SELECT l.event_id, l.country, l.business_date, l.data ->> 'deliveryId' AS delivery_id, l.data ->> 'kind' AS kind,
      r ->> 'sex' AS sex, r ->> 'ageGroup' AS age_group, ARRAY(SELECT jsonb_array_elements_text(r -> 'flags')) AS vulnerabilities,
      (r ->> 'count')::bigint AS beneficiaries
    FROM latest l, jsonb_array_elements(l.data -> 'rows') r WHERE l.type <> 'assistance.delivery.voided'`);
  out.push(
    `CREATE VIEW bi.warehouse_lag AS SELECT consumer, last_seq, pending, events, updated_at, now() - updated_at AS since_update FROM wh.progress`,
  );
  return out;
}
