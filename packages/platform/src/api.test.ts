import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createVerifier, mintToken } from './auth.js';
import { createHttpApp } from './http.js';
import { createLogger } from './logger.js';
import { errorStatuses, exampleOf, operationIdOf } from './api.js';

const secret = 'a-secret-of-at-least-thirty-two-chars!';
const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const Note = z.strictObject({ text: z.string().min(1) });

/** What each handler saw, so a refused request can be shown never to reach it. */
const seen: Array<{ route: string; body: unknown }> = [];

function app(rawBodyTypes?: string[]) {
  return createHttpApp({
    service: 'api-test',
    logger: createLogger({ service: 'api-test', level: 'silent' }),
    verify: createVerifier({ secret, issuer: 'passerelle', audience: 'passerelle' }),
    ...(rawBodyTypes ? { rawBodyTypes } : {}),
    routes(api) {
      api.post('/notes', { summary: 'JSON only', scope: 'notes:write', body: Note }, async ({ body }) => {
        seen.push({ route: 'notes', body });
        return body;
      });
      api.post(
        '/notes/import',
        { summary: 'A sheet only', scope: 'notes:write', accepts: [CSV, XLSX] },
        async ({ body }) => {
          seen.push({ route: 'import', body });
          const raw: unknown = body;
          return { bytes: Buffer.isBuffer(raw) ? raw.length : -1 };
        },
      );
      api.post(
        '/notes/either',
        { summary: 'A sheet or JSON rows', scope: 'notes:write', accepts: [CSV], body: Note },
        async ({ body }) => {
          seen.push({ route: 'either', body });
          return Buffer.isBuffer(body) ? { bytes: body.length } : { text: (body as z.infer<typeof Note>).text };
        },
      );
    },
  });
}

/** A running app and a caller holding a token with the write scope. */
async function serve(rawBodyTypes?: string[]) {
  const server: Server = await new Promise((resolve) => {
    const s = app(rawBodyTypes).listen(0, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = await mintToken({ subject: 'u-1', scopes: ['notes:write'], countries: ['MA'], secret });
  const post = async (path: string, body: string, type: string) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  return { url, post, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('request media types are checked per route', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve([CSV, XLSX]);
  });
  afterAll(async () => {
    await s.close();
  });

  it('a CSV sent to a JSON-only route is a 415, and the handler never runs', async () => {
    const before = seen.length;
    const r = await s.post('/notes', 'text\nhello', CSV);
    expect(r.status).toBe(415);
    expect(r.body).toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      detail: 'send the body as application/json',
    });
    expect(seen.length).toBe(before);
  });

  it('JSON sent to a route that takes only sheets is a 415', async () => {
    const before = seen.length;
    const r = await s.post('/notes/import', JSON.stringify({ text: 'x' }), 'application/json');
    expect(r.status).toBe(415);
    expect(r.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(seen.length).toBe(before);
  });

  it('a type no route accepts is a 415 before any route', async () => {
    const r = await s.post('/notes/either', 'hello', 'text/plain');
    expect(r.status).toBe(415);
    expect(r.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('a sheet reaches a route that accepts it as a Buffer', async () => {
    expect(await s.post('/notes/import', 'a,b\n1,2', CSV)).toEqual({ status: 200, body: { bytes: 7 } });
    expect(await s.post('/notes/either', 'a,b\n1,2', CSV)).toEqual({ status: 200, body: { bytes: 7 } });
  });

  it('JSON sent to a route with both accepts and a body schema is validated against the schema', async () => {
    expect(await s.post('/notes/either', JSON.stringify({ text: 'hello' }), 'application/json')).toEqual({
      status: 200,
      body: { text: 'hello' },
    });
    const before = seen.length;
    const bad = await s.post('/notes/either', JSON.stringify({ text: '' }), 'application/json');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'body.text' })]);
    expect(seen.length).toBe(before);
  });

  it('a JSON route still takes JSON', async () => {
    expect(await s.post('/notes', JSON.stringify({ text: 'hi' }), 'application/json')).toEqual({
      status: 200,
      body: { text: 'hi' },
    });
  });
});

describe('raw types a route accepts need no app-wide rawBodyTypes', () => {
  it('reads the sheet as a Buffer, and still refuses it on JSON routes', async () => {
    const s = await serve();
    try {
      expect(await s.post('/notes/import', 'a,b\n1,2', CSV)).toEqual({ status: 200, body: { bytes: 7 } });
      expect((await s.post('/notes', 'a,b', CSV)).status).toBe(415);
    } finally {
      await s.close();
    }
  });
});

describe('the OpenAPI document', () => {
  let doc: any;
  beforeAll(async () => {
    const s = await serve([CSV, XLSX]);
    doc = await (await fetch(`${s.url}/openapi.json`)).json();
    await s.close();
  });

  it('documents the JSON body schema of a route that also accepts raw bodies', () => {
    const content = doc.paths['/notes/either'].post.requestBody.content;
    expect(Object.keys(content).sort()).toEqual(['application/json', CSV]);
    expect(content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
    });
    expect(content[CSV].schema).toEqual({ type: 'string', format: 'binary' });
  });

  it('documents only the raw types of a route without a body schema, and only JSON for a JSON route', () => {
    expect(Object.keys(doc.paths['/notes/import'].post.requestBody.content).sort()).toEqual([XLSX, CSV].sort());
    expect(Object.keys(doc.paths['/notes'].post.requestBody.content)).toEqual(['application/json']);
  });

  it('lets a problem list field errors {path, message} and sheet errors {row, column, message}', () => {
    const items = doc.components.schemas.Problem.properties.errors.items;
    expect(items.anyOf).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ required: ['path', 'message'] }),
        expect.objectContaining({
          required: ['row', 'column', 'message'],
          properties: expect.objectContaining({ row: { type: 'integer' } }),
        }),
      ]),
    );
  });

  it('names every operation once, tags it, and gives every body and answer an example', () => {
    const ops = Object.values(doc.paths).flatMap((p: any) => Object.values(p)) as any[];
    expect(new Set(ops.map((o) => o.operationId)).size).toBe(ops.length);
    expect(doc.paths['/notes'].post).toMatchObject({ operationId: 'postNotes', tags: ['notes'] });
    expect(doc.paths['/notes/either'].post.requestBody.content['application/json'].example).toEqual({ text: 'text' });
  });

  it('lists the errors each route can give, each with an example problem, 429 and 503 with Retry-After', () => {
    const notes = doc.paths['/notes'].post.responses;
    expect(Object.keys(notes).sort()).toEqual(['200', '400', '401', '403', '409', '413', '415', '422', '429', '503']);
    expect(doc.components.responses.Problem503.headers['Retry-After']).toBeTruthy();
    expect(doc.components.responses.Problem404.content['application/problem+json'].example).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
  });
});

describe('what the docs derive from a route', () => {
  it('names operations after method and path, and knows which errors a route can give', () => {
    expect(operationIdOf('get', '/trainings/:id/attendance')).toBe('getTrainingsByIdAttendance');
    expect(operationIdOf('post', '/admin/dead-letters/:seq/replay')).toBe('postAdminDeadLettersBySeqReplay');
    expect(errorStatuses({ method: 'get' })).toEqual([401, 403, 429, 503]);
    expect(errorStatuses({ method: 'get', params: z.object({ id: z.string() }) })).toEqual([
      400, 401, 403, 404, 429, 503,
    ]);
    expect(errorStatuses({ method: 'get', query: z.object({}) })).toEqual([400, 401, 403, 422, 429, 503]);
    expect(errorStatuses({ method: 'post', body: z.object({}) })).toEqual([
      400, 401, 403, 409, 413, 415, 422, 429, 503,
    ]);
    // A route says what it adds (a 404 without a path parameter) and what its shape suggests but it cannot give.
    expect(errorStatuses({ method: 'post', body: z.object({}), errors: [404], excludeErrors: [409, 422] })).toEqual([
      400, 401, 403, 404, 413, 415, 429, 503,
    ]);
  });
  it('makes an example of a schema, its own examples first', () => {
    expect(
      exampleOf({
        type: 'object',
        properties: {
          date: { type: 'string', format: 'date' },
          n: { type: 'integer', minimum: 0 },
          kind: { enum: ['food', 'cash'] },
          tags: { type: 'array', items: { type: 'string' } },
        },
      }),
    ).toEqual({ date: '2020-05-15', n: 1, kind: 'food', tags: ['text'] });
    expect(exampleOf({ type: 'string', examples: ['MA-2020/0123'] })).toBe('MA-2020/0123');
  });
});
