import { type AppError, RuleViolation, type FieldIssue } from '@passerelle/platform';

/** One reason a command is refused: a stable code, where in the input, and what to fix. */
export interface Problem {
  code: string;
  path: string;
  message: string;
}

/** Refuses a command with every problem listed (422, code of the first problem). */
export function refuse(problems: Problem[]): never {
  const [first] = problems;
  if (!first) throw new Error('refuse() needs at least one problem');
  throw new RuleViolation(first.code, problems.map((p) => p.message).join('; '), {
    errors: problems.map(({ path, message }) => ({ path, message })),
  });
}

/** Throws when there are problems; returns otherwise. */
export function check(problems: Problem[]): void {
  if (problems.length) refuse(problems);
}

/** The field issues an application error carries (or one issue with its message), with paths under `prefix`. */
export function issuesOf(e: AppError, prefix: string): FieldIssue[] {
  const listed = Array.isArray(e.extras.errors)
    ? (e.extras.errors as FieldIssue[])
    : [{ path: '', message: e.message }];
  return listed.map((i) => ({ path: [prefix, i.path].filter(Boolean).join('.'), message: i.message }));
}
