import {
  baselineRevised,
  baselineSet,
  periodBounds,
  targetRevised,
  targetSet,
  valueReported,
} from '@passerelle/contracts';
import { frameworkDraft, type Ctx, type Decision, type Framework } from './framework.js';
import { activeIndicator, unitValueProblem, withIndicator } from './indicators.js';
import { check, refuse, type Problem } from './problems.js';

const reasonRequired = (what: string): Problem => ({
  code: 'REASON_REQUIRED',
  path: 'reason',
  message: `say why the ${what} is revised (reason)`,
});
const noChange = (what: string): Problem => ({
  code: 'NO_CHANGE',
  path: 'value',
  message: `the ${what} already has this value`,
});

/** Bounds of a period, refused when it ends before the programme starts. */
function boundsWithin(f: Framework, period: string): { start: string; end: string } {
  const bounds = periodBounds(period, f.programmeStart);
  if (bounds.end < f.programmeStart) {
    refuse([
      {
        code: 'PERIOD_BEFORE_PROGRAMME',
        path: 'period',
        message: `${period} ends on ${bounds.end}, before the programme starts (${f.programmeStart})`,
      },
    ]);
  }
  return bounds;
}

/** Sets or revises an indicator's baseline (a revision needs a reason). */
export function setBaseline(
  f: Framework,
  code: string,
  cmd: { value: number; date: string; comment?: string | undefined; reason?: string | undefined },
  ctx: Ctx,
): Decision {
  const indicator = activeIndicator(f, code);
  const problems: Problem[] = [];
  const bad = unitValueProblem(indicator.definition.unit, cmd.value);
  if (bad) problems.push(bad);
  if (cmd.date > ctx.today)
    problems.push({
      code: 'DATE_IN_FUTURE',
      path: 'date',
      message: `a baseline is measured, so its date cannot be after today (${ctx.today})`,
    });
  const previous = indicator.baseline;
  if (previous && !cmd.reason) problems.push(reasonRequired('baseline'));
  if (previous && previous.value === cmd.value && previous.date === cmd.date && previous.comment === cmd.comment)
    problems.push(noChange('baseline'));
  check(problems);
  const revision = (previous?.revision ?? 0) + 1;
  const baseline = { value: cmd.value, date: cmd.date, ...(cmd.comment ? { comment: cmd.comment } : {}), revision };
  const data = { indicatorCode: code, ...baseline, businessDate: cmd.date };
  // A revision without a reason was refused above.
  const event = previous
    ? baselineRevised.build(frameworkDraft(f, { ...data, previousValue: previous.value, reason: cmd.reason ?? '' }))
    : baselineSet.build(frameworkDraft(f, data));
  return {
    state: withIndicator(f, { ...indicator, baseline }),
    events: [event],
  };
}

/** Sets the target of a period (version 1) or revises it (next version, with a reason). */
export function setTarget(
  f: Framework,
  code: string,
  period: string,
  cmd: { value: number; reason?: string | undefined },
): Decision {
  const indicator = activeIndicator(f, code);
  const bounds = boundsWithin(f, period);
  const previous = indicator.targets.find((t) => t.period === period);
  const problems: Problem[] = [];
  const bad = unitValueProblem(indicator.definition.unit, cmd.value);
  if (bad) problems.push(bad);
  if (previous && !cmd.reason) problems.push(reasonRequired('target'));
  if (previous && previous.value === cmd.value) problems.push(noChange('target'));
  check(problems);
  const target = { period, value: cmd.value, targetVersion: (previous?.targetVersion ?? 0) + 1 };
  const targets = previous
    ? indicator.targets.map((t) => (t.period === period ? target : t))
    : [...indicator.targets, target];
  const data = {
    indicatorCode: code,
    ...target,
    periodStart: bounds.start,
    periodEnd: bounds.end,
    businessDate: bounds.start,
  };
  // A revision without a reason was refused above.
  const event = previous
    ? targetRevised.build(frameworkDraft(f, { ...data, previousValue: previous.value, reason: cmd.reason ?? '' }))
    : targetSet.build(frameworkDraft(f, data));
  return {
    state: withIndicator(f, { ...indicator, targets }),
    events: [event],
  };
}

/** Records a manual value for a period; a second report for the period replaces the first (next revision). */
export function reportValue(
  f: Framework,
  code: string,
  cmd: { period: string; value: number; comment: string; evidenceUrl?: string | undefined; date?: string | undefined },
  ctx: Ctx,
): Decision {
  const indicator = activeIndicator(f, code);
  if (indicator.definition.computation.method !== 'manual') {
    refuse([
      {
        code: 'NOT_MANUAL',
        path: '',
        message: `indicator ${code} is computed from events by its rule; values are reported only for manual indicators`,
      },
    ]);
  }
  const bounds = boundsWithin(f, cmd.period);
  const problems: Problem[] = [];
  const bad = unitValueProblem(indicator.definition.unit, cmd.value);
  if (bad) problems.push(bad);
  if (bounds.start > ctx.today)
    problems.push({
      code: 'PERIOD_NOT_STARTED',
      path: 'period',
      message: `${cmd.period} starts on ${bounds.start}; report it once it has begun`,
    });
  if (cmd.date && (cmd.date < bounds.start || cmd.date > bounds.end))
    problems.push({
      code: 'DATE_OUTSIDE_PERIOD',
      path: 'date',
      message: `${cmd.date} is not within ${cmd.period} (${bounds.start} to ${bounds.end})`,
    });
  if (cmd.date && cmd.date > ctx.today)
    problems.push({ code: 'DATE_IN_FUTURE', path: 'date', message: `${cmd.date} is after today (${ctx.today})` });
  check(problems);
  const previous = indicator.values.find((v) => v.period === cmd.period);
  const date = cmd.date ?? (bounds.end < ctx.today ? bounds.end : ctx.today);
  const value = {
    period: cmd.period,
    value: cmd.value,
    date,
    comment: cmd.comment,
    ...(cmd.evidenceUrl ? { evidenceUrl: cmd.evidenceUrl } : {}),
    revision: (previous?.revision ?? 0) + 1,
  };
  const values = previous
    ? indicator.values.map((v) => (v.period === cmd.period ? value : v))
    : [...indicator.values, value];
  const { date: _d, ...reported } = value;
  return {
    state: withIndicator(f, { ...indicator, values }),
    events: [
      valueReported.build(
        frameworkDraft(f, {
          indicatorCode: code,
          ...reported,
          periodStart: bounds.start,
          periodEnd: bounds.end,
          businessDate: date,
          ...(previous ? { previousValue: previous.value } : {}),
        }),
      ),
    ],
  };
}
