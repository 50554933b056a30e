import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { principalOf, requireScope, type Principal } from './auth.js';
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
  /** Non-JSON request bodies the route accepts (e.g. text/csv); `body` is then not parsed. */
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
      router[method](path, requireScope(spec.scope), async (req, res) => {
        const input = {
          params: (spec.params ? parseInput(spec.params, { ...req.params }, 'params') : undefined) as Infer<P>,
          query: (spec.query ? parseInput(spec.query, { ...req.query }, 'query') : undefined) as Infer<Q>,
          body: (spec.body && !spec.accepts ? parseInput(spec.body, req.body ?? {}, 'body') : req.body) as Infer<B>,
          principal: principalOf(req), req, res,
        };
        const result = await handler(input);
        if (!res.headersSent) res.status(spec.status ?? (result === undefined ? 204 : 200)).json(result);
      });
    };
  }

  return {
    router,
    get: add('get'), post: add('post'), put: add('put'), patch: add('patch'), delete: add('delete'),
    /** The OpenAPI 3.1 document of every route declared so far. */
    openapi(info: { title: string; version: string; description: string }) {
      return openApiDocument(info, routes);
    },
  };
}
export type Api = ReturnType<typeof createApi>;

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
    if (r.body && !r.accepts) content['application/json'] = { schema: jsonSchema(r.body, 'input') };
    for (const t of r.accepts ?? []) content[t] = { schema: { type: 'string', format: 'binary' } };
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
          content: { 'application/problem+json': { schema: { type: 'object', required: ['type', 'title', 'status', 'code'], properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' }, code: { type: 'string' }, requestId: { type: 'string' }, errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } } } } } },
        },
      },
    },
  };
}

/** Query parameters for paged lists: `page` from 1, `pageSize` up to 200. */
export const PageQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
};

/** The envelope of a paged list. */
export const paged = <T>(items: T[], total: number, q: { page: number; pageSize: number }) => ({ items, page: q.page, pageSize: q.pageSize, total, pages: Math.ceil(total / q.pageSize) });
