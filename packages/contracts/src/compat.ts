import type { EventDefinition } from './registry.js';
import { eventJsonSchema } from './json-schema.js';

/** A released event schema: its type, dataversion and published JSON Schema. */
export interface ReleasedSchema {
  type: string;
  version: string;
  schema: Record<string, unknown>;
}

/** One reason the current contracts cannot replace the released ones. */
export interface CompatProblem {
  type: string;
  path: string;
  message: string;
}

type Schema = Record<string, unknown>;
const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

// Keywords that only document: changing them breaks nobody.
const DOCS = new Set(['$id', '$schema', 'description', 'title', 'examples', 'default', 'additionalProperties']);
// Lower bounds (raising one refuses values that were valid) and upper bounds (lowering one does).
const LOWER = new Set(['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties']);
const UPPER = new Set(['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties']);

/**
 * Breaking differences from a released JSON Schema to the current one, for a consumer that validates with the
 * released schema or relies on its fields: a field removed or newly required, a type, format, pattern or enum changed,
 * a bound tightened, a constraint added. A new optional field or a loosened bound is additive.
 */
export function breakingChanges(old: Schema, now: Schema, path = ''): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = [];
  const at = (p: string) => p || '(root)';
  for (const key of new Set([...Object.keys(old), ...Object.keys(now)])) {
    if (DOCS.has(key)) continue;
    const a = old[key];
    const b = now[key];
    if (key === 'properties') {
      const ap = isObject(a) ? a : {};
      const bp = isObject(b) ? b : {};
      for (const name of Object.keys(ap)) {
        if (!(name in bp)) out.push({ path: at(`${path}.${name}`), message: 'field removed' });
        else if (isObject(ap[name]) && isObject(bp[name]))
          out.push(...breakingChanges(ap[name], bp[name], `${path}.${name}`));
      }
      continue;
    }
    if (key === 'required') {
      const before = new Set(Array.isArray(a) ? a : []);
      for (const name of Array.isArray(b) ? b : []) {
        if (!before.has(name))
          out.push({
            path: at(`${path}.${String(name)}`),
            message:
              isObject(old.properties) && name in old.properties
                ? 'optional field became required'
                : 'required field added',
          });
      }
      continue;
    }
    if (a === undefined) {
      // A constraint that was not there refuses values that were valid.
      out.push({ path: at(path), message: `constraint ${key} added` });
      continue;
    }
    if (b === undefined) continue; // a constraint dropped: looser
    if (LOWER.has(key) && typeof a === 'number' && typeof b === 'number') {
      if (b > a) out.push({ path: at(path), message: `${key} raised from ${a} to ${b}` });
      continue;
    }
    if (UPPER.has(key) && typeof a === 'number' && typeof b === 'number') {
      if (b < a) out.push({ path: at(path), message: `${key} lowered from ${a} to ${b}` });
      continue;
    }
    if (isObject(a) && isObject(b)) {
      out.push(...breakingChanges(a, b, `${path}.${key}`));
      continue;
    }
    if (
      Array.isArray(a) &&
      Array.isArray(b) &&
      (key === 'anyOf' || key === 'oneOf' || key === 'allOf' || key === 'prefixItems')
    ) {
      if (a.length !== b.length)
        out.push({ path: at(path), message: `${key} has ${b.length} branches instead of ${a.length}` });
      else
        a.forEach(
          (x, i) =>
            isObject(x) && isObject(b[i]) && out.push(...breakingChanges(x, b[i] as Schema, `${path}.${key}[${i}]`)),
        );
      continue;
    }
    // type, enum, const, format, pattern…: any change may refuse or surprise a consumer (a closed enum gained a value).
    if (!same(a, b))
      out.push({ path: at(path), message: `${key} changed from ${JSON.stringify(a)} to ${JSON.stringify(b)}` });
  }
  return out;
}

/**
 * The compatibility gate: every released event type must still exist, and either keep its dataversion with only
 * additive changes, or have a higher dataversion with an upcaster from the released one.
 */
export function checkCompatibility(
  released: readonly ReleasedSchema[],
  current: readonly EventDefinition[],
): CompatProblem[] {
  const byType = new Map(current.map((d) => [d.type, d]));
  const problems: CompatProblem[] = [];
  for (const r of released) {
    const def = byType.get(r.type);
    if (!def) {
      problems.push({
        type: r.type,
        path: '(type)',
        message: 'event type removed: consumers and the stream still have it',
      });
      continue;
    }
    if (def.version === r.version) {
      for (const p of breakingChanges(r.schema, eventJsonSchema(def)))
        problems.push({ type: r.type, ...p, message: `${p.message} without a new dataversion` });
      continue;
    }
    if (Number(def.version) < Number(r.version))
      problems.push({
        type: r.type,
        path: '(dataversion)',
        message: `dataversion went back from ${r.version} to ${def.version}`,
      });
    else if (!def.upcasters?.[r.version])
      problems.push({
        type: r.type,
        path: '(dataversion)',
        message: `dataversion ${def.version} has no upcaster from the released ${r.version}`,
      });
  }
  return problems;
}
