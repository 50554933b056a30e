import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Express, Response } from 'express';
import { z } from 'zod';

const require = createRequire(import.meta.url);
// Swagger UI's prebuilt bundle from npm (swagger-ui-dist, pinned), read from node_modules and served by this process:
// the page loads nothing from a CDN and works offline.
const DIST = dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript' },
  'swagger-ui-standalone-preset.js': { file: 'swagger-ui-standalone-preset.js', type: 'text/javascript' },
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css' },
  'favicon-32x32.png': { file: 'favicon-32x32.png', type: 'image/png' },
};

/** One OpenAPI document the docs page offers: a name for its drop-down and the URL the browser fetches it from. */
export interface ApiDocsSpec {
  name: string;
  url: string;
}

// A path (never `//host`, which the browser reads as another origin) or an http(s) URL.
const SPEC = /^([a-z][a-z0-9-]{0,39})=(\/(?!\/)[^\s,]*|https?:\/\/[^\s,/]+\/[^\s,]*)$/;

/**
 * A setting listing the OpenAPI documents of the docs page, `name=url` comma-separated; a URL is a path on the page's
 * own origin (behind the proxy) or an http(s) URL (in development, where each service has its own port).
 */
export const ApiDocsSpecsSetting = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const specs: ApiDocsSpec[] = [];
    for (const part of value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const m = SPEC.exec(part);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not name=/path or name=http(s)://host/path` });
        return z.NEVER;
      }
      specs.push({ name: m[1]!, url: m[2]! });
    }
    if (!specs.length) ctx.addIssue({ code: 'custom', message: 'name at least one OpenAPI document' });
    return specs;
  });

/** Pure: the docs setting of the given services on one origin, where each serves its document at /openapi/<name>.json. */
export const sameOriginSpecs = (names: string[]) => names.map((n) => `${n}=/openapi/${n}.json`).join(',');

/** Pure: the origins (scheme://host:port) of the absolute spec URLs, which the page's CSP must let it fetch. */
export const specOrigins = (specs: ApiDocsSpec[]) => [
  ...new Set(specs.filter((s) => !s.url.startsWith('/')).map((s) => new URL(s.url).origin)),
];

// Relative URLs, so the page also works where a proxy mounts the service under a path.
const page = (title: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"><p>Loading the API documentation…</p></div>
<script src="docs/assets/swagger-ui-bundle.js"></script><script src="docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="docs/assets/render.js"></script></body></html>`;

// validatorUrl null: otherwise Swagger UI sends every document to validator.swagger.io for a badge.
const render = (specs: ApiDocsSpec[]) => `window.ui = SwaggerUIBundle({
  urls: ${JSON.stringify(specs)}, 'urls.primaryName': ${JSON.stringify(specs[0]?.name ?? '')},
  dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], plugins: [SwaggerUIBundle.plugins.DownloadUrl],
  layout: 'StandaloneLayout', validatorUrl: null, deepLinking: true, docExpansion: 'list', displayOperationId: true, persistAuthorization: false,
});`;

const csp = (origins: string[]) =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${origins.join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

/**
 * GET /docs: one page of the OpenAPI documents of every service (Swagger UI, a drop-down per document) and its assets,
 * without a token. The browser fetches each document itself: same origin behind the proxy, or cross-origin in
 * development (the documents allow any origin, see `serveOpenApi`).
 */
export function registerApiDocs(app: Express, opts: { title: string; specs: ApiDocsSpec[] }): void {
  const assets = Object.fromEntries(
    Object.entries(ASSETS).map(([name, a]) => [name, { type: a.type, body: readFileSync(join(DIST, a.file)) }]),
  );
  const policy = csp(specOrigins(opts.specs));
  const html = page(opts.title.replace(/[<>&"]/g, ''));
  const script = render(opts.specs);
  const withPolicy = (res: Response) => res.setHeader('content-security-policy', policy);
  app.get('/docs', (_req, res) => {
    withPolicy(res);
    res.type('text/html').send(html);
  });
  app.get('/docs/assets/render.js', (_req, res) => {
    res.type('text/javascript').send(script);
  });
  app.get('/docs/assets/:name', (req, res, next) => {
    const asset = assets[req.params.name];
    if (!asset) return next();
    res.setHeader('cache-control', 'public, max-age=3600');
    res.type(asset.type).send(asset.body);
  });
}

/**
 * GET /openapi.json and /openapi/<service>.json (the name that tells the five apart on one origin), without a token.
 * Any origin may read them: the documents are public already and no credentials are involved, and the docs page of
 * one service fetches the others' from their own ports in development.
 */
export function serveOpenApi(app: Express, service: string, document: () => unknown): void {
  let cached: string | undefined;
  const send = (res: Response) => {
    cached ??= JSON.stringify(document());
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('cross-origin-resource-policy', 'cross-origin');
    res.type('application/json').send(cached);
  };
  app.get('/openapi.json', (_req, res) => send(res));
  app.get(`/openapi/${service}.json`, (_req, res) => send(res));
}
