import type { Request } from 'express';
import type { z } from 'zod';
import { ValidationError, issuesFrom } from './errors.js';

/** Parses one part of a request with a zod schema; throws a 400 listing every issue. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params' = 'body',
): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ValidationError(
      `the request ${where} is not valid`,
      issuesFrom(result.error).map((i) => ({ ...i, path: `${where}.${i.path}` })),
    );
  return result.data;
}

export const parseBody = <S extends z.ZodType>(schema: S, req: Request) => parseInput(schema, req.body ?? {}, 'body');
export const parseQuery = <S extends z.ZodType>(schema: S, req: Request) =>
  parseInput(schema, { ...req.query }, 'query');
export const parseParams = <S extends z.ZodType>(schema: S, req: Request) =>
  parseInput(schema, { ...req.params }, 'params');
