import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Express, Response } from 'express';

const require = createRequire(import.meta.url);
// The committed document of @passerelle/contracts and the AsyncAPI React component's standalone bundle, served from
// this process: the page works offline and loads nothing from a CDN.
const DOC = require.resolve('@passerelle/contracts/schemas/asyncapi.json');
const COMPONENT = dirname(require.resolve('@asyncapi/react-component/package.json'));
const ASSETS: Record<string, { file: string; type: string }> = {
  'standalone.js': { file: join(COMPONENT, 'browser', 'standalone', 'index.js'), type: 'text/javascript' },
  'default.min.css': { file: join(COMPONENT, 'styles', 'default.min.css'), type: 'text/css' },
};

// Relative URLs, so the page also works behind a proxy that mounts the service under a path.
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Passerelle domain events (AsyncAPI)</title>
<link rel="stylesheet" href="asyncapi/assets/default.min.css"></head>
<body><div id="asyncapi"><p>Loading the event documentation…</p></div>
<script src="asyncapi/assets/standalone.js"></script><script src="asyncapi/assets/render.js"></script></body></html>`;
const RENDER = `fetch('asyncapi.json').then((r) => r.json()).then((schema) => {
  AsyncApiStandalone.render({ schema, config: { show: { sidebar: true, errors: true }, sidebar: { showOperations: 'byDefault' } } }, document.getElementById('asyncapi'));
}).catch((e) => { document.getElementById('asyncapi').textContent = 'Could not load asyncapi.json: ' + e.message; });`;

// The bundled parser compiles JSON Schemas with new Function (ajv): this page alone may evaluate code it loaded itself.
const pageCsp = (res: Response) =>
  res.setHeader(
    'content-security-policy',
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  );

/** GET /asyncapi.json (the event documentation for integrators) and GET /asyncapi (a readable page of it), without a token. */
export function registerAsyncApiRoutes(app: Express): void {
  const doc = readFileSync(DOC, 'utf8');
  const assets = Object.fromEntries(
    Object.entries(ASSETS).map(([name, a]) => [name, { ...a, body: readFileSync(a.file) }]),
  );
  app.get('/asyncapi.json', (_req, res) => {
    res.type('application/json').send(doc);
  });
  app.get('/asyncapi', (_req, res) => {
    pageCsp(res);
    res.type('text/html').send(PAGE);
  });
  app.get('/asyncapi/assets/render.js', (_req, res) => {
    res.type('text/javascript').send(RENDER);
  });
  app.get('/asyncapi/assets/:name', (req, res, next) => {
    const asset = assets[req.params.name];
    if (!asset) return next();
    res.setHeader('cache-control', 'public, max-age=3600');
    res.type(asset.type).send(asset.body);
  });
}
