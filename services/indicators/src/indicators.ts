import {
  indicatorDefined,
  indicatorRetired,
  indicatorRevised,
  validateRule,
  type IndicatorDefinition,
  type IndicatorUnit,
} from '@passerelle/contracts';
import { ConflictError, NotFoundError } from '@passerelle/platform';
import {
  alignmentProblems,
  frameworkDraft,
  type Ctx,
  type Decision,
  type Framework,
  type IndicatorState,
} from './framework.js';
import { check, refuse, type Problem } from './problems.js';

const COUNT_UNITS: ReadonlySet<IndicatorUnit> = new Set(['people', 'trainings', 'partners', 'deliveries']);

/** Why a value (target, baseline, reported) does not fit the unit, or undefined. */
export function unitValueProblem(unit: IndicatorUnit, value: number, path = 'value'): Problem | undefined {
  if (unit === 'percent' && value > 100)
    return { code: 'INVALID_VALUE', path, message: `a percentage is at most 100; got ${value}` };
  if (unit === 'milestone' && value !== 0 && value !== 1)
    return { code: 'INVALID_VALUE', path, message: `a milestone is 1 (achieved) or 0 (not yet); got ${value}` };
  if (COUNT_UNITS.has(unit) && !Number.isInteger(value))
    return { code: 'INVALID_VALUE', path, message: `${unit} are counted in whole numbers; got ${value}` };
  return undefined;
}

/** Every problem of a definition within this framework: node, rule against the catalogue, disaggregations, tags. */
export function indicatorProblems(def: IndicatorDefinition, f: Framework): Problem[] {
  const problems: Problem[] = [];
  if (!f.nodes.some((n) => n.code === def.nodeCode)) {
    problems.push({
      code: 'UNKNOWN_NODE',
      path: 'nodeCode',
      message: `node ${def.nodeCode} is not in the framework; nodes: ${f.nodes.map((n) => n.code).join(', ')}`,
    });
  }
  if (new Set(def.disaggregations).size !== def.disaggregations.length) {
    problems.push({
      code: 'INVALID_DISAGGREGATION',
      path: 'disaggregations',
      message: 'a disaggregation is listed twice',
    });
  }
  if (def.computation.method === 'rule') {
    for (const p of validateRule(def.computation.rule, { unit: def.unit, disaggregations: def.disaggregations })) {
      problems.push({
        code: 'INVALID_RULE',
        path: p.path === 'disaggregations' ? p.path : `computation.rule.${p.path}`,
        message: p.message,
      });
    }
  } else if (def.disaggregations.length) {
    problems.push({
      code: 'INVALID_DISAGGREGATION',
      path: 'disaggregations',
      message: 'manual values are reported as totals; an indicator reported by hand has no disaggregations',
    });
  }
  if (def.unit === 'milestone' && def.computation.method !== 'manual') {
    problems.push({
      code: 'INVALID_RULE',
      path: 'computation',
      message: 'a milestone is reported by hand (method manual)',
    });
  }
  problems.push(...alignmentProblems(def.alignments, f.country, 'alignments'));
  return problems;
}

/** The indicator with that code, or a 404. */
export function findIndicator(f: Framework, code: string): IndicatorState {
  const found = f.indicators.find((i) => i.definition.code === code);
  if (!found) throw new NotFoundError('indicator', code);
  return found;
}

/** The active indicator with that code: a 404 if unknown, a 422 if retired. */
export function activeIndicator(f: Framework, code: string): IndicatorState {
  const found = findIndicator(f, code);
  if (found.status === 'retired')
    refuse([{ code: 'INDICATOR_RETIRED', path: 'code', message: `indicator ${code} is retired` }]);
  return found;
}

/** The framework with one indicator replaced. */
export function withIndicator(f: Framework, next: IndicatorState, markChanged = false): Framework {
  const indicators = f.indicators.map((i) => (i.definition.code === next.definition.code ? next : i));
  return { ...f, indicators, ...(markChanged ? { unpublishedChanges: true } : {}) };
}

/** Defines a new indicator (revision 1). */
export function defineIndicator(f: Framework, def: IndicatorDefinition, ctx: Ctx): Decision {
  if (f.indicators.some((i) => i.definition.code === def.code)) {
    throw new ConflictError(
      `indicator ${def.code} already exists in this framework; revise it instead`,
      {},
      'INDICATOR_EXISTS',
    );
  }
  check(indicatorProblems(def, f));
  const indicator: IndicatorState = { definition: def, status: 'active', revision: 1, targets: [], values: [] };
  return {
    state: { ...f, indicators: [...f.indicators, indicator], unpublishedChanges: true },
    events: [indicatorDefined.build(frameworkDraft(f, { ...def, revision: 1, businessDate: ctx.today }))],
  };
}

/** Replaces an active indicator's definition with a new revision. */
export function reviseIndicator(
  f: Framework,
  def: IndicatorDefinition,
  reason: string | undefined,
  ctx: Ctx,
): Decision {
  const current = activeIndicator(f, def.code);
  if (JSON.stringify(current.definition) === JSON.stringify(def))
    refuse([{ code: 'NO_CHANGE', path: '', message: 'the definition is the same as the current revision' }]);
  const problems = indicatorProblems(def, f);
  current.targets.forEach((t, i) => {
    const p = unitValueProblem(def.unit, t.value, `targets.${i}`);
    if (p) problems.push({ ...p, message: `target ${t.period}: ${p.message}; revise it first` });
  });
  check(problems);
  const revision = current.revision + 1;
  return {
    state: withIndicator(f, { ...current, definition: def, revision }, true),
    events: [
      indicatorRevised.build(
        frameworkDraft(f, { ...def, revision, ...(reason ? { reason } : {}), businessDate: ctx.today }),
      ),
    ],
  };
}

/** Retires an active indicator; its history stays. */
export function retireIndicator(f: Framework, code: string, reason: string, ctx: Ctx): Decision {
  const current = findIndicator(f, code);
  if (current.status === 'retired')
    refuse([{ code: 'ALREADY_RETIRED', path: 'code', message: `indicator ${code} is already retired` }]);
  return {
    state: withIndicator(f, { ...current, status: 'retired' }, true),
    events: [indicatorRetired.build(frameworkDraft(f, { code, reason, businessDate: ctx.today }))],
  };
}
