import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError, ErrorCode, issuesFrom } from './errors.js';

interface Problem {
  status: number;
  code: string;
  title: string;
  detail: string;
  extras?: Record<string, unknown>;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

// body-parser and friends signal client mistakes with a `type` or an `expose`d 4xx status.
interface HttpishError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  code?: number | string;
  issues?: unknown;
}

/** Maps any thrown value to an RFC 9457 problem; the only place errors become HTTP statuses. */
export function toProblem(err: unknown): Problem {
  if (err instanceof AppError)
    return {
      status: err.status,
      code: err.code,
      title: TITLES[err.status] ?? 'Error',
      detail: err.message,
      extras: err.extras,
    };
  const e = (err ?? {}) as HttpishError;
  if (e.type === 'entity.parse.failed')
    return {
      status: 400,
      code: ErrorCode.MalformedJson,
      title: TITLES[400]!,
      detail: 'the request body is not valid JSON',
    };
  if (e.type === 'entity.too.large')
    return {
      status: 413,
      code: ErrorCode.PayloadTooLarge,
      title: TITLES[413]!,
      detail: 'the request body is larger than this service accepts',
    };
  if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported')
    return {
      status: 415,
      code: ErrorCode.UnsupportedMediaType,
      title: TITLES[415]!,
      detail: e.message ?? 'unsupported encoding',
    };
  if (Array.isArray(e.issues) && (err as Error).name === 'ZodError') {
    return {
      status: 400,
      code: ErrorCode.ValidationFailed,
      title: TITLES[400]!,
      detail: 'the input is not valid',
      extras: { errors: issuesFrom(err as never) },
    };
  }
  if (databaseBusy(err))
    return {
      status: 503,
      code: ErrorCode.Unavailable,
      title: TITLES[503]!,
      detail: 'the database is busy or unreachable; retry shortly',
    };
  if (e.code === 11000)
    return {
      status: 409,
      code: ErrorCode.Conflict,
      title: TITLES[409]!,
      detail: 'a record with the same key already exists',
    };
  const status = e.status ?? e.statusCode;
  if (e.expose && status && status >= 400 && status < 500)
    return {
      status,
      code: ErrorCode.BadRequest,
      title: TITLES[status] ?? 'Bad request',
      detail: e.message ?? 'bad request',
    };
  return {
    status: 500,
    code: ErrorCode.Internal,
    title: TITLES[500]!,
    detail: 'an unexpected error occurred; it has been logged',
  };
}

// The driver's errors for a database that cannot be reached, and FerretDB/SQLite's answer while another write holds
// the lock: the request was fine, the server could not take it now.
const UNREACHABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoPoolClearedError',
]);
/** True for a database that is unreachable or busy: nothing wrong with the request or message, only the timing. */
export const databaseBusy = (err: unknown): boolean =>
  err instanceof Error &&
  (UNREACHABLE.has(err.name) ||
    (err.name === 'MongoServerError' && /database is locked|SQLITE_BUSY/i.test(err.message)));

/** Express error handler writing application/problem+json. */
export function problemHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const p = toProblem(err);
    if (p.status >= 500) logger.error({ err, requestId: req.requestId }, 'request failed');
    if (p.status === 503) res.setHeader('retry-after', '1');
    res
      .status(p.status)
      .type('application/problem+json')
      .json({
        type: `https://passerelle.dev/problems/${p.code.toLowerCase().replaceAll('_', '-')}`,
        title: p.title,
        status: p.status,
        detail: p.detail,
        instance: req.originalUrl,
        code: p.code,
        requestId: req.requestId,
        ...p.extras,
      });
  };
}
