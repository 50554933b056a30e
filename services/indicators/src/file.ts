import { z } from 'zod';
import { isMap, isScalar, isSeq, parseDocument, stringify, visit, type Scalar } from 'yaml';
import { frameworkId, IndicatorDefinition, IsoDate, FrameworkId, Period } from '@passerelle/contracts';
import { AppError, issuesFrom, RuleViolation, ValidationError, type FieldIssue } from '@passerelle/platform';
import { createFramework, publish, type Ctx, type Decision, type Framework } from './framework.js';
import { defineIndicator } from './indicators.js';
import { setBaseline, setTarget } from './measures.js';
import { issuesOf } from './problems.js';
import { CreateFrameworkBody } from './schemas.js';

export const FRAMEWORK_FILE_FORMAT = 'passerelle-framework/1';

const FileIndicator = z.strictObject({
  ...IndicatorDefinition.shape,
  baseline: z
    .strictObject({
      value: z.number().nonnegative(),
      date: IsoDate,
      comment: z.string().trim().min(1).max(1000).optional(),
    })
    .optional(),
  targets: z
    .array(z.strictObject({ period: Period, value: z.number().nonnegative() }))
    .max(100)
    .default([]),
});

/** A whole framework as one document: tree, indicators with their baseline and current targets, tags. */
export const FrameworkFile = z.strictObject({
  format: z.literal(FRAMEWORK_FILE_FORMAT),
  exportedFrom: z
    .strictObject({ frameworkId: FrameworkId, publishedVersion: z.number().int().nonnegative(), exportedOn: IsoDate })
    .optional(),
  framework: CreateFrameworkBody,
  indicators: z.array(FileIndicator).max(500).default([]),
});
export type FrameworkFile = z.infer<typeof FrameworkFile>;

/** The file of a framework's current draft and active indicators. */
export function toFile(f: Framework, ctx: Ctx): FrameworkFile {
  return {
    format: FRAMEWORK_FILE_FORMAT,
    exportedFrom: {
      frameworkId: frameworkId(f.programme, f.country),
      publishedVersion: f.publishedVersion,
      exportedOn: ctx.today,
    },
    framework: {
      programme: f.programme,
      country: f.country,
      programmeStart: f.programmeStart,
      ...f.details,
      nodes: f.nodes,
    },
    indicators: f.indicators
      .filter((i) => i.status === 'active')
      .map((i) => ({
        ...i.definition,
        ...(i.baseline
          ? {
              baseline: {
                value: i.baseline.value,
                date: i.baseline.date,
                ...(i.baseline.comment ? { comment: i.baseline.comment } : {}),
              },
            }
          : {}),
        targets: i.targets.map(({ period, value }) => ({ period, value })),
      })),
  };
}

/** The file as YAML text. */
export const toYaml = (file: FrameworkFile) => stringify(file, { lineWidth: 0 });

// Keys whose values are codes: an unquoted 1.10 in YAML would otherwise become the number 1.1.
const CODE_KEYS = new Set(['code', 'parent', 'nodeCode', 'period', 'programme', 'activity_line']);

function codesAsWritten(scalar: unknown) {
  if (isScalar(scalar) && typeof scalar.value === 'number' && (scalar as Scalar).source)
    scalar.value = (scalar as Scalar).source;
}

/** Reads an uploaded file: a YAML buffer or an already parsed JSON body; a 400 when the YAML does not parse. */
export function readUpload(body: unknown): unknown {
  if (!Buffer.isBuffer(body)) return body;
  const doc = parseDocument(body.toString('utf8'), { prettyErrors: true });
  if (doc.errors.length) {
    throw new ValidationError(
      'the YAML file does not parse',
      doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(file)',
        message: e.message.split('\n')[0]!,
      })),
      'MALFORMED_YAML',
    );
  }
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || !CODE_KEYS.has(String(pair.key.value))) return;
      if (isSeq(pair.value)) pair.value.items.forEach(codesAsWritten);
      else if (!isMap(pair.value)) codesAsWritten(pair.value);
    },
  });
  return doc.toJS({ maxAliasCount: 50 });
}

const invalid = (errors: FieldIssue[]) =>
  new RuleViolation('IMPORT_INVALID', `the file has ${errors.length} problem(s); nothing was imported`, { errors });

/** Checks a parsed upload against the file format; every issue is listed (422). */
export function parseFile(
  input: unknown,
  overrides: { programme?: string | undefined; country?: string | undefined },
): FrameworkFile {
  const raw =
    typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const framework =
    typeof raw.framework === 'object' && raw.framework !== null
      ? { ...(raw.framework as object), ...definedOnly(overrides) }
      : raw.framework;
  const parsed = FrameworkFile.safeParse({ ...raw, framework });
  if (!parsed.success) throw invalid(issuesFrom(parsed.error));
  return parsed.data;
}

const definedOnly = (o: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** Every event a file makes, as one decision: all of it or, with every problem listed, nothing. */
export function decideImport(file: FrameworkFile, ctx: Ctx, opts: { publish: boolean }): Decision {
  const { framework: fw, indicators } = file;
  const { programme, country, programmeStart, nodes, ...details } = fw;
  // Indicators are still checked against the file's nodes when the tree itself has problems.
  let state: Framework = {
    programme,
    country,
    programmeStart,
    details,
    nodes,
    indicators: [],
    publishedVersion: 0,
    unpublishedChanges: true,
    published: [],
  };
  const events: Decision['events'] = [];
  const errors: FieldIssue[] = [];
  const step = (path: string, decide: () => Decision): boolean => {
    try {
      const d = decide();
      state = d.state;
      events.push(...d.events);
      return true;
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      errors.push(...issuesOf(e, path));
      return false;
    }
  };

  step('framework', () => createFramework(fw, ctx));
  indicators.forEach(({ baseline, targets, ...def }, i) => {
    if (!step(`indicators.${i}`, () => defineIndicator(state, def, ctx))) return;
    if (baseline) step(`indicators.${i}.baseline`, () => setBaseline(state, def.code, baseline, ctx));
    targets.forEach((t, j) => {
      const path = `indicators.${i}.targets.${j}`;
      if (targets.findIndex((o) => o.period === t.period) < j)
        errors.push({ path, message: `the target for ${t.period} is listed twice` });
      else step(path, () => setTarget(state, def.code, t.period, { value: t.value }));
    });
  });
  if (errors.length) throw invalid(errors);
  if (opts.publish) step('', () => publish(state, undefined, ctx));
  return { state, events };
}
