import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { createApi, type Api, type DeclaredRoute } from './api.js';
import { serveOpenApi } from './docs.js';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import { pinoHttp } from 'pino-http';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { authenticate, type Verifier } from './auth.js';
import { AppError, ErrorCode } from './errors.js';
import { problemHandler } from './problem.js';
import { tracer } from './telemetry.js';
import type { Metrics } from './metrics.js';

export type ReadinessCheck = () => Promise<void>;

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  verify: Verifier;
  bodyLimit?: string;
  rateLimitPerMinute?: number;
  /** Express `trust proxy`: which peers' X-Forwarded-For names the client (default: none). */
  trustProxy?: false | number | string[];
  /** Served at /metrics (Prometheus text, no token: keep it off the public edge) with HTTP latency by route. */
  metrics?: Metrics;
  /** Named checks behind /health/ready; each throws when its dependency is not usable. */
  readiness?: Record<string, ReadinessCheck>;
  /** Title and description of the OpenAPI document served at /openapi.json (no token needed). */
  about?: { title: string; version?: string; description: string };
  /**
   * Non-JSON bodies to read as a Buffer (e.g. text/csv for imports). Types named in a route's `accepts` are added;
   * each route still answers 415 to a type it does not accept itself.
   */
  rawBodyTypes?: string[];
  routes: (api: Api) => void;
  /** Routes anyone may read, without a token, beside /openapi.json (documentation pages and their assets). */
  publicRoutes?: (app: Express) => void;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

// The routes of the last app made per service, so tests of this process can check real answers against the schemas
// the routes declare (and so the documentation cannot drift from the handlers unnoticed).
const declared = new Map<string, readonly DeclaredRoute[]>();

/** The routes a service declared (method, express path, spec) in this process, for tests that check its answers. */
export const declaredRoutes = (service: string): readonly DeclaredRoute[] => declared.get(service) ?? [];
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** An express app with the platform's middleware: security headers, request ids, logs, spans, auth, problem+json. */
export function createHttpApp(opts: HttpAppOptions): Express {
  const app = express();
  const api = createApi(express.Router());
  opts.routes(api);
  declared.set(opts.service, api.routes());
  const rawTypes = [...new Set([...(opts.rawBodyTypes ?? []), ...api.rawTypes()])];
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy ?? false);
  app.use(helmet());
  app.use((req, res, next) => {
    const given = req.get('x-request-id');
    req.requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', req.requestId);
    next();
  });
  app.use(
    pinoHttp({
      logger: opts.logger,
      genReqId: (req) => (req as express.Request).requestId,
      autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use((req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      `HTTP ${req.method}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } },
      parent,
    );
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      const route = req.route?.path ? `${req.baseUrl}${req.route.path as string}` : undefined;
      if (route) span.updateName(`HTTP ${req.method} ${route}`);
      // Unmatched paths share one label value: a scanner must not create a time series per URL.
      if (!req.path.startsWith('/health') && req.path !== '/metrics') {
        opts.metrics?.observeHttp(
          req.method,
          route ?? 'unmatched',
          res.statusCode,
          Number(process.hrtime.bigint() - started) / 1e9,
        );
      }
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  });

  app.use((req, _res, next) => {
    // The router decodes path parameters and answers a bad %-escape with a bare error; refuse it first, as a 400.
    try {
      decodeURIComponent(req.path);
    } catch {
      return next(new AppError(400, ErrorCode.BadRequest, 'the URL path has a malformed percent-encoding'));
    }
    next();
  });

  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok', service: opts.service });
  });
  app.get('/health/ready', async (_req, res) => {
    const checks: Record<string, string> = {};
    await Promise.all(
      Object.entries(opts.readiness ?? {}).map(async ([name, check]) => {
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 2000).unref()),
          ]);
          checks[name] = 'ok';
        } catch (e) {
          checks[name] = (e as Error).message || 'failed';
        }
      }),
    );
    const ready = Object.values(checks).every((c) => c === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', service: opts.service, checks });
  });
  app.get('/metrics', async (_req, res, next) => {
    if (!opts.metrics) return next();
    const { contentType, body } = await opts.metrics.render();
    res.type(contentType).send(body);
  });
  serveOpenApi(app, opts.service, () =>
    api.openapi({
      title: opts.about?.title ?? `Passerelle ${opts.service}`,
      version: opts.about?.version ?? '1.0.0',
      description: opts.about?.description ?? '',
    }),
  );
  opts.publicRoutes?.(app);

  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: opts.rateLimitPerMinute ?? 1200,
      standardHeaders: 'draft-8',
      // Ignoring X-Forwarded-For without TRUST_PROXY is deliberate, not a misconfiguration to warn about per request.
      validate: { xForwardedForHeader: false },
      legacyHeaders: false,
      handler: (_req, _res, next) => next(new AppError(429, ErrorCode.RateLimited, 'too many requests; slow down')),
    }),
  );
  app.use((req, _res, next) => {
    // Only JSON bodies are accepted; refusing others early keeps a form post from reaching a handler as {}.
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (WRITE_METHODS.has(req.method) && hasBody && !req.is(['application/json', ...rawTypes])) {
      return next(
        new AppError(
          415,
          ErrorCode.UnsupportedMediaType,
          `send the body as ${['application/json', ...rawTypes].join(' or ')}`,
        ),
      );
    }
    next();
  });
  app.use(express.json({ limit: opts.bodyLimit ?? '1mb', strict: true }));
  if (rawTypes.length) app.use(express.raw({ type: rawTypes, limit: opts.bodyLimit ?? '1mb' }));
  app.use(authenticate(opts.verify));
  app.use(api.router);
  app.use((req, _res, next) => next(new AppError(404, ErrorCode.NotFound, `no route for ${req.method} ${req.path}`)));
  app.use(problemHandler(opts.logger));
  return app;
}

/** The options every service takes from its runtime: logger, token verifier, readiness checks, body and rate limits. */
export function httpOptionsFrom(rt: {
  logger: Logger;
  verify: Verifier;
  metrics?: Metrics;
  readiness: Record<string, ReadinessCheck>;
  config: { BODY_LIMIT: string; RATE_LIMIT_PER_MINUTE: number; TRUST_PROXY: false | number | string[] };
}) {
  return {
    logger: rt.logger,
    verify: rt.verify,
    ...(rt.metrics ? { metrics: rt.metrics } : {}),
    readiness: rt.readiness,
    bodyLimit: rt.config.BODY_LIMIT,
    rateLimitPerMinute: rt.config.RATE_LIMIT_PER_MINUTE,
    trustProxy: rt.config.TRUST_PROXY,
  };
}
