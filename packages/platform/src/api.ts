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
  /**
   * The JSON body of a route that reads its body itself (e.g. a file it checks whole, listing every problem): shown in
   * the docs with an example, never validated by the kit.
   */
  documentedBody?: z.ZodType;
  /** Non-JSON responses it can give (e.g. text/csv). */
  produces?: string[];
  /** Groups in the docs; the path's first segment unless said. */
  tags?: string[];
  /** A stable name for generated clients; derived from the method and path unless said. */
  operationId?: string;
  /** Error statuses beside those the kit knows the route can give (see `errorStatuses`). */
  errors?: number[];
  /** Statuses the kit assumes from the route's shape that this route cannot give (e.g. 409 for a write without a version). */
  excludeErrors?: number[];
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
  const routes: DeclaredRoute[] = [];

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
          principal: principalOf(req),
          req,
          res,
        };
        const result = await handler(input);
        if (!res.headersSent) res.status(spec.status ?? (result === undefined ? 204 : 200)).json(result);
      });
    };
  }

  return {
    router,
    /** Every non-JSON media type some route accepts, so the app can read those bodies raw. */
    /** Every route declared so far. */
    routes: (): readonly DeclaredRoute[] => routes,
    rawTypes: () => [...new Set(routes.flatMap((r) => r.accepts ?? []))].filter((t) => t !== JSON_TYPE),
    get: add('get'),
    post: add('post'),
    put: add('put'),
    patch: add('patch'),
    delete: add('delete'),
    /** The OpenAPI 3.1 document of every route declared so far. */
    openapi(info: { title: string; version: string; description: string }) {
      return openApiDocument(info, routes);
    },
  };
}
export type Api = ReturnType<typeof createApi>;
/** A route as declared: its method, express path (`/trainings/:id`) and spec. */
export type DeclaredRoute = RouteSpec<Schema, Schema, Schema> & { method: Method; path: string };

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

/** Pure: an operationId from method and path, e.g. GET /trainings/:id/attendance → getTrainingsByIdAttendance. */
export const operationIdOf = (method: string, path: string) =>
  method +
  path
    .split('/')
    .filter(Boolean)
    .map((seg) =>
      seg.startsWith(':')
        ? `By${seg[1]!.toUpperCase()}${seg.slice(2)}`
        : seg
            .split(/[^A-Za-z0-9]+/)
            .filter(Boolean)
            .map((w) => w[0]!.toUpperCase() + w.slice(1))
            .join(''),
    )
    .join('');

/**
 * Pure: the error statuses a route can answer, from what it declares. Every route: 401 (no or bad token), 403 (scope
 * or country), 429 (rate limit), 503 (database or bus unavailable). Inputs: 400. A path parameter: 404. Writes: 409
 * (version or duplicate), 422 (a business rule), and with a body 413 and 415. A read with a query: 422 (e.g. a period).
 */
export function errorStatuses(
  r: Pick<RouteSpec<Schema, Schema, Schema>, 'query' | 'params' | 'body' | 'accepts' | 'errors' | 'excludeErrors'> & {
    method: string;
  },
): number[] {
  const out = new Set([401, 403, 429, 503]);
  if (r.query || r.params || r.body) out.add(400);
  if (r.params) out.add(404);
  if (r.method !== 'get') {
    out.add(409).add(422);
    if (r.body || r.accepts) out.add(413).add(415);
  } else if (r.query) out.add(422);
  for (const e of r.errors ?? []) out.add(e);
  for (const e of r.excludeErrors ?? []) out.delete(e);
  return [...out].sort();
}

type JsonSchema = Record<string, unknown>;

/** Pure: an example instance of a JSON Schema (its own example where it has one), so every body and answer has one in the docs. */
export function exampleOf(schema: JsonSchema, depth = 0): unknown {
  if (depth > 6) return null;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if ('const' in schema) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const)
    if (Array.isArray(schema[k]))
      return exampleOf((schema[k] as JsonSchema[]).find((x) => x.type !== 'null') ?? {}, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, exampleOf(v, depth + 1)]));
    }
    case 'array':
      return schema.items ? [exampleOf(schema.items as JsonSchema, depth + 1)] : [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? Math.max(schema.minimum, 1) : 1;
    case 'boolean':
      return true;
    case 'string':
      return (
        (
          {
            date: '2020-05-15',
            'date-time': '2020-05-15T10:00:00.000Z',
            uuid: '0193f1f0-7a4b-7c3d-8e5f-1a2b3c4d5e6f',
            email: 'someone@example.org',
            uri: 'https://example.org',
          } as Record<string, string>
        )[String(schema.format)] ??
        (typeof schema.pattern === 'string' && /^\^\[A-Z\]\{2\}\$$/.test(schema.pattern) ? 'MA' : 'text')
      );
    default:
      return null;
  }
}

const PROBLEMS: Record<number, { description: string; code: string; detail: string }> = {
  400: {
    description: 'the input does not match its schema',
    code: ErrorCode.ValidationFailed,
    detail: 'body.date: expected a date as YYYY-MM-DD',
  },
  401: {
    description: 'no token, or a token that is invalid or expired',
    code: ErrorCode.Unauthorized,
    detail: 'a bearer token is required',
  },
  403: {
    description: 'the token lacks the scope, or does not cover the country',
    code: ErrorCode.Forbidden,
    detail: 'this token may not act for country TN',
  },
  404: {
    description: 'no such resource',
    code: ErrorCode.NotFound,
    detail: 'training 0193f1f0-7a4b-7c3d-8e5f-1a2b3c4d5e6f not found',
  },
  409: {
    description: 'a conflict: the version given is not the current one, or the thing exists already',
    code: ErrorCode.VersionConflict,
    detail: 'version 3 expected, 4 found',
  },
  413: {
    description: 'the body or an uploaded file is too large',
    code: ErrorCode.PayloadTooLarge,
    detail: 'request body larger than 1mb',
  },
  415: {
    description: 'the body is not of a media type the route takes',
    code: ErrorCode.UnsupportedMediaType,
    detail: 'send the body as application/json',
  },
  422: {
    description: 'a business rule refuses the request',
    code: ErrorCode.RuleViolated,
    detail: 'unknown period 2020-Q7: use all, 2020, 2020-Q1, 2020-03 or PY1',
  },
  429: {
    description: 'too many requests from this client: retry after the Retry-After header',
    code: ErrorCode.RateLimited,
    detail: 'too many requests',
  },
  503: {
    description: 'the database or the event bus is unavailable or busy: retry after the Retry-After header',
    code: ErrorCode.Unavailable,
    detail: 'the database is unavailable',
  },
};

function problemResponse(status: number) {
  const p = PROBLEMS[status] ?? { description: 'error', code: ErrorCode.BadRequest, detail: '' };
  return {
    description: p.description,
    ...(status === 429 || status === 503
      ? { headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } } }
      : {}),
    content: {
      'application/problem+json': {
        schema: { $ref: '#/components/schemas/Problem' },
        example: {
          type: `https://passerelle.example/problems/${p.code.toLowerCase()}`,
          title: p.description,
          status,
          code: p.code,
          detail: p.detail,
        },
      },
    },
  };
}

function openApiDocument(
  info: { title: string; version: string; description: string },
  routes: readonly DeclaredRoute[],
) {
  const paths: Record<string, Record<string, unknown>> = {};
  const used = new Set<string>();
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!(schema instanceof z.ZodObject)) continue;
      for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
        const s = jsonSchema(field, 'input');
        parameters.push({
          name,
          in: where,
          required: where === 'path' || !field.safeParse(undefined).success,
          schema: s,
          example: exampleOf(s as JsonSchema),
        });
      }
    }
    const content: Record<string, unknown> = {};
    for (const t of r.accepts ?? []) content[t] = { schema: { type: 'string', format: 'binary' } };
    const bodySchema = r.body ?? r.documentedBody;
    if (bodySchema) {
      const s = jsonSchema(bodySchema, 'input');
      content[JSON_TYPE] = { schema: s, example: exampleOf(s as JsonSchema) };
    }
    const ok: Record<string, unknown> = {};
    if (r.response) {
      const s = jsonSchema(r.response, 'output');
      ok['application/json'] = { schema: s, example: exampleOf(s as JsonSchema) };
    }
    for (const t of r.produces ?? []) ok[t] = { schema: { type: 'string' } };
    let operationId = r.operationId ?? operationIdOf(r.method, r.path);
    for (let n = 2; used.has(operationId); n++) operationId = `${r.operationId ?? operationIdOf(r.method, r.path)}${n}`;
    used.add(operationId);
    (paths[path] ??= {})[r.method] = {
      operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: r.tags ?? [r.path.split('/').filter(Boolean)[0] ?? 'service'],
      security: [{ bearer: [r.scope] }],
      parameters,
      ...(Object.keys(content).length ? { requestBody: { required: true, content } } : {}),
      responses: {
        [String(r.status ?? 200)]: { description: 'success', ...(Object.keys(ok).length ? { content: ok } : {}) },
        ...Object.fromEntries(errorStatuses(r).map((s) => [String(s), { $ref: `#/components/responses/Problem${s}` }])),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'scope claim: space-separated scopes; countries claim: ISO codes or "*"',
        },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            code: { type: 'string' },
            requestId: { type: 'string' },
            errors: { type: 'array', items: PROBLEM_ERROR },
          },
        },
      },
      responses: Object.fromEntries(Object.keys(PROBLEMS).map((s) => [`Problem${s}`, problemResponse(Number(s))])),
    },
  };
}

/** One entry of a problem's `errors`: a field of a JSON input, or a cell of an imported sheet (row as numbered in the sheet). */
const PROBLEM_ERROR = {
  anyOf: [
    {
      type: 'object',
      required: ['path', 'message'],
      properties: { path: { type: 'string' }, message: { type: 'string' } },
    },
    {
      type: 'object',
      required: ['row', 'column', 'message'],
      properties: {
        row: { type: 'integer' },
        column: { type: 'string', description: 'the normalised header; empty when the problem is the whole row' },
        message: { type: 'string' },
      },
    },
  ],
};

/** Query parameters for paged lists: `page` from 1, `pageSize` up to 200. */
export const PageQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
};

/** The envelope of a paged list. */
export const paged = <T>(items: T[], total: number, q: { page: number; pageSize: number }) => ({
  items,
  page: q.page,
  pageSize: q.pageSize,
  total,
  pages: Math.ceil(total / q.pageSize),
});

/** The response schema of a paged list of `item` (what `paged` makes). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    page: z.number().int().min(1),
    pageSize: z.number().int().min(1),
    total: z.number().int().nonnegative(),
    pages: z.number().int().nonnegative(),
  });
