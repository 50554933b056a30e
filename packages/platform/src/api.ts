import type { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { principalOf, requireScope, type Principal } from './auth.js';
import { AppError, ErrorCode } from './errors.js';
import { parseInput } from './validate.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Schema = z.ZodType | undefined;
type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

/** What a route takes and gives, for validation and for the OpenAPI document alike. */
export interface RouteSpec<B extends Schema = undefined, Q extends Schema = undefined, P extends Schema = undefined> {
  summary: string;
  description?: string;
  /** The scope a token needs, e.g. `trainings:write`. */
  scope: string;
  body?: B;
  query?: Q;
  params?: P;
  response?: z.ZodType;
  /** Success status (200 unless said). */
  status?: number;
  /**
   * Request bodies the route accepts (e.g. text/csv), handed over as a Buffer (JSON is parsed). With a `body`
   * schema too, the route also takes JSON, validated against it. Any other media type is a 415; a route without
   * `accepts` takes JSON only.
   */
  accepts?: string[];
  /** Non-JSON responses it can give (e.g. text/csv). */
  produces?: string[];
  tags?: string[];
}

export interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  principal: Principal;
  req: Request;
  res: Response;
}

/** Declares routes with zod schemas: inputs are validated before the handler, and the OpenAPI document follows. */
export function createApi(router: Router) {
  const routes: Array<RouteSpec<Schema, Schema, Schema> & { method: Method; path: string }> = [];

  function add(method: Method) {
    return <B extends Schema = undefined, Q extends Schema = undefined, P extends Schema = undefined>(
      path: string,
      spec: RouteSpec<B, Q, P>,
      handler: (input: RouteInput<Infer<B>, Infer<Q>, Infer<P>>) => Promise<unknown>,
    ) => {
      routes.push({ ...spec, method, path });
      router[method](path, acceptOnly(mediaTypes(spec)), requireScope(spec.scope), async (req, res) => {
        // With `accepts`, only a JSON body meets the schema; raw bodies (Buffers) go to the handler as they came.
        const validate = spec.body && (!spec.accepts || req.is(JSON_TYPE));
        const input = {
          params: (spec.params ? parseInput(spec.params, { ...req.params }, 'params') : undefined) as Infer<P>,
          query: (spec.query ? parseInput(spec.query, { ...req.query }, 'query') : undefined) as Infer<Q>,
          body: (validate ? parseInput(spec.body!, req.body ?? {}, 'body') : req.body) as Infer<B>,
          principal: principalOf(req), req, res,
        };
        const result = await handler(input);
        if (!res.headersSent) res.status(spec.status ?? (result === undefined ? 204 : 200)).json(result);
      });
    };
  }

  return {
    router,
    /** Every non-JSON media type some route accepts, so the app can read those bodies raw. */
    rawTypes: () => [...new Set(routes.flatMap((r) => r.accepts ?? []))].filter((t) => t !== JSON_TYPE),
    get: add('get'), post: add('post'), put: add('put'), patch: add('patch'), delete: add('delete'),
    /** The OpenAPI 3.1 document of every route declared so far. */
    openapi(info: { title: string; version: string; description: string }) {
      return openApiDocument(info, routes);
    },
  };
}
export type Api = ReturnType<typeof createApi>;

const JSON_TYPE = 'application/json';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** The media types a route takes: its `accepts`, plus JSON when it has a body schema or no `accepts` at all. */
function mediaTypes(spec: Pick<RouteSpec<Schema, Schema, Schema>, 'accepts' | 'body'>): string[] {
  if (!spec.accepts) return [JSON_TYPE];
  return [...new Set([...(spec.body ? [JSON_TYPE] : []), ...spec.accepts])];
}

/**
 * 415 unless a written body is one of the route's types. The app lets through every type some route accepts, so
 * without this a CSV sent to a JSON route would reach its schema (a misleading 400) or its handler as a Buffer.
 */
function acceptOnly(types: string[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (WRITE_METHODS.has(req.method) && hasBody && !req.is(types)) {
      return next(new AppError(415, ErrorCode.UnsupportedMediaType, `send the body as ${types.join(' or ')}`));
    }
    next();
  };
}

const jsonSchema = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any' });

function openApiDocument(info: { title: string; version: string; description: string }, routes: Array<RouteSpec<Schema, Schema, Schema> & { method: Method; path: string }>) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
      if (!(schema instanceof z.ZodObject)) continue;
      for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
        parameters.push({ name, in: where, required: where === 'path' || !field.safeParse(undefined).success, schema: jsonSchema(field, 'input') });
      }
    }
    const content: Record<string, unknown> = {};
    for (const t of r.accepts ?? []) content[t] = { schema: { type: 'string', format: 'binary' } };
    if (r.body) content[JSON_TYPE] = { schema: jsonSchema(r.body, 'input') };
    const ok: Record<string, unknown> = {};
    if (r.response) ok['application/json'] = { schema: jsonSchema(r.response, 'output') };
    for (const t of r.produces ?? []) ok[t] = { schema: { type: 'string' } };
    (paths[path] ??= {})[r.method] = {
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      ...(r.tags ? { tags: r.tags } : {}),
      security: [{ bearer: [r.scope] }],
      parameters,
      ...(Object.keys(content).length ? { requestBody: { required: true, content } } : {}),
      responses: {
        [String(r.status ?? 200)]: { description: 'success', ...(Object.keys(ok).length ? { content: ok } : {}) },
        ...Object.fromEntries(['400', '401', '403', '404', '409', '413', '415', '422'].map((s) => [s, { $ref: '#/components/responses/Problem' }])),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'scope claim: space-separated scopes; countries claim: ISO codes or "*"' } },
      responses: {
        Problem: {
          description: 'RFC 9457 problem details',
          content: { 'application/problem+json': { schema: { type: 'object', required: ['type', 'title', 'status', 'code'], properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' }, code: { type: 'string' }, requestId: { type: 'string' }, errors: { type: 'array', items: PROBLEM_ERROR } } } } },
        },
      },
    },
  };
}

/** One entry of a problem's `errors`: a field of a JSON input, or a cell of an imported sheet (row as numbered in the sheet). */
const PROBLEM_ERROR = {
  anyOf: [
    { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
    { type: 'object', required: ['row', 'column', 'message'], properties: { row: { type: 'integer' }, column: { type: 'string', description: 'the normalised header; empty when the problem is the whole row' }, message: { type: 'string' } } },
  ],
};

/** Query parameters for paged lists: `page` from 1, `pageSize` up to 200. */
export const PageQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
};

/** The envelope of a paged list. */
export const paged = <T>(items: T[], total: number, q: { page: number; pageSize: number }) => ({ items, page: q.page, pageSize: q.pageSize, total, pages: Math.ceil(total / q.pageSize) });
