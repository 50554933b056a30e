/** Stable error codes clients can branch on; the HTTP status follows from the class. */
export const ErrorCode = {
  BadRequest: 'BAD_REQUEST',
  ValidationFailed: 'VALIDATION_FAILED',
  MalformedJson: 'MALFORMED_JSON',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  VersionConflict: 'VERSION_CONFLICT',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  RuleViolated: 'RULE_VIOLATED',
  RateLimited: 'RATE_LIMITED',
  Unavailable: 'UNAVAILABLE',
  Internal: 'INTERNAL',
} as const;

export interface FieldIssue {
  path: string;
  message: string;
}

/** Base of every error that maps to a problem+json response. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that does not match its schema (400), with every issue listed. */
export class ValidationError extends AppError {
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
    code: string = ErrorCode.ValidationFailed,
  ) {
    super(400, code, message, { errors: issues });
  }
}

/** A business rule refused a well-formed command (422). */
export class RuleViolation extends AppError {
  constructor(code: string, message: string, extras: Record<string, unknown> = {}) {
    super(422, code, message, extras);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super(404, ErrorCode.NotFound, `${what} ${id} not found`);
  }
}

/** The state changed since the client read it, or the thing already exists (409). */
export class ConflictError extends AppError {
  constructor(message: string, extras: Record<string, unknown> = {}, code: string = ErrorCode.Conflict) {
    super(409, code, message, extras);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'a valid bearer token is required') {
    super(401, ErrorCode.Unauthorized, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(403, ErrorCode.Forbidden, message);
  }
}

/** Turns zod issues into the field list of a problem document. */
export function issuesFrom(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}
