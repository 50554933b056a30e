import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RuleViolation,
  UnauthorizedError,
  ValidationError,
} from './errors.js';
import { MongoNetworkError, MongoServerError } from 'mongodb';
import { toProblem } from './problem.js';

describe('errors become problems in one place', () => {
  it.each([
    [new ValidationError('bad', [{ path: 'a', message: 'm' }]), 400, 'VALIDATION_FAILED'],
    [new UnauthorizedError(), 401, 'UNAUTHORIZED'],
    [new ForbiddenError('no'), 403, 'FORBIDDEN'],
    [new NotFoundError('training', 'x'), 404, 'NOT_FOUND'],
    [new ConflictError('dup'), 409, 'CONFLICT'],
    [new RuleViolation('END_BEFORE_START', 'end before start'), 422, 'END_BEFORE_START'],
    [Object.assign(new SyntaxError('x'), { type: 'entity.parse.failed', status: 400 }), 400, 'MALFORMED_JSON'],
    [Object.assign(new Error('x'), { type: 'entity.too.large', status: 413 }), 413, 'PAYLOAD_TOO_LARGE'],
    [Object.assign(new Error('dup key'), { code: 11000 }), 409, 'CONFLICT'],
    [new MongoServerError({ message: 'database is locked (5) (SQLITE_BUSY)', code: 1 }), 503, 'UNAVAILABLE'],
    [new MongoNetworkError('connection closed'), 503, 'UNAVAILABLE'],
    [new MongoServerError({ message: 'unknown operator: $foo', code: 2 }), 500, 'INTERNAL'],
    [new Error('boom'), 500, 'INTERNAL'],
  ])('%s → %i', (err, status, code) => {
    const p = toProblem(err);
    expect(p.status).toBe(status);
    expect(p.code).toBe(code);
  });
  it('a stray ZodError is a 400 listing its issues, not a 500', () => {
    const r = z.object({ a: z.number() }).safeParse({ a: 'x' });
    const p = toProblem(r.error);
    expect(p.status).toBe(400);
    expect(p.extras?.errors).toEqual([{ path: 'a', message: expect.any(String) }]);
  });
  it('never leaks an internal message', () => {
    expect(toProblem(new Error('password=hunter2')).detail).not.toContain('hunter2');
  });
});
