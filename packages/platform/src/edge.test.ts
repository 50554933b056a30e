import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createVerifier, mintToken } from './auth.js';
import { loadConfig, serviceConfigShape } from './config.js';
import { createHttpApp } from './http.js';
import { createLogger } from './logger.js';

const secret = 'a-secret-of-at-least-thirty-two-chars!';
let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(trustProxy: false | number | string[], rateLimitPerMinute = 1000) {
  const app = createHttpApp({
    service: 'edge-test',
    logger: createLogger({ service: 'edge-test', level: 'silent' }),
    verify: createVerifier({ secret, issuer: 'passerelle', audience: 'passerelle' }),
    trustProxy,
    rateLimitPerMinute,
    routes(api) {
      api.get('/things/:id', { summary: 'one thing', scope: 'things:read' }, async ({ req }) => ({
        id: req.params.id,
        ip: req.ip,
      }));
    },
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = await mintToken({ subject: 'u', scopes: ['things:read'], countries: ['MA'], secret });
  return (path: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
}

describe('malformed URLs', () => {
  it.each(['/things/%ZZ', '/things/%E0%A4%A', '/%ZZ'])('%s is a 400 problem, not a 500', async (path) => {
    const get = await serve(false);
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('BAD_REQUEST');
  });
  it('a well-formed escape still reaches the route', async () => {
    const get = await serve(false);
    expect(await (await get('/things/a%20b')).json()).toMatchObject({ id: 'a b' });
  });
});

describe('rate limits and X-Forwarded-For', () => {
  it('by default X-Forwarded-For is ignored: a client cannot reset its budget by sending one', async () => {
    const get = await serve(false, 3);
    for (let i = 0; i < 3; i++) expect((await get('/things/1', { 'x-forwarded-for': `10.0.0.${i}` })).status).toBe(200);
    expect((await get('/things/1', { 'x-forwarded-for': '10.0.0.99' })).status).toBe(429);
  });
  it('behind a trusted proxy each forwarded client has its own bucket', async () => {
    const get = await serve(['loopback'], 2);
    for (const client of ['203.0.113.1', '203.0.113.2']) {
      expect((await get('/things/1', { 'x-forwarded-for': client })).status).toBe(200);
      expect(await (await get('/things/1', { 'x-forwarded-for': client })).json()).toMatchObject({ ip: client });
      expect((await get('/things/1', { 'x-forwarded-for': client })).status).toBe(429);
    }
  });
});

describe('edge configuration', () => {
  const shape = serviceConfigShape({ port: 1, db: 'x' });
  const base = { JWT_SECRET: 'x'.repeat(32) };
  it('TRUST_PROXY takes false, hops or address ranges, and refuses anything else', () => {
    expect(loadConfig(shape, base).TRUST_PROXY).toBe(false);
    expect(loadConfig(shape, { ...base, TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig(shape, { ...base, TRUST_PROXY: '172.16.0.0/12, loopback' }).TRUST_PROXY).toEqual([
      '172.16.0.0/12',
      'loopback',
    ]);
    for (const bad of ['true', '*', 'proxy.example', '10.0.0.0/8/1'])
      expect(() => loadConfig(shape, { ...base, TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
  });
  it('JWT_MAX_TTL is a duration; JWT_JWKS_URL an http(s) URL; one way to verify tokens only', () => {
    expect(loadConfig(shape, base).JWT_MAX_TTL).toBe(43_200);
    expect(loadConfig(shape, { ...base, JWT_MAX_TTL: '15m' }).JWT_MAX_TTL).toBe(900);
    expect(() => loadConfig(shape, { ...base, JWT_MAX_TTL: 'forever' })).toThrow(/JWT_MAX_TTL/);
    expect(loadConfig(shape, { JWT_JWKS_URL: 'https://idp.example/certs' }).JWT_JWKS_URL).toBe(
      'https://idp.example/certs',
    );
    expect(() => loadConfig(shape, { JWT_JWKS_URL: 'ftp://idp.example/certs' })).toThrow(/JWT_JWKS_URL/);
    expect(() => loadConfig(shape, { ...base, JWT_JWKS_URL: 'https://idp.example/certs' })).toThrow(/only one way/);
  });
  it('the example secrets do not boot', () => {
    expect(() => loadConfig(shape, { JWT_SECRET: 'change-me-to-a-random-string-of-at-least-32-characters' })).toThrow(
      /JWT_SECRET: still the example value/,
    );
    expect(() => loadConfig(shape, { ...base, NATS_PASSWORD: 'change-me-trainings' })).toThrow(/NATS_PASSWORD/);
    expect(() => loadConfig(shape, { ...base, MONGO_URL: 'mongodb://t:change-me@mongo/x' })).toThrow(/MONGO_URL/);
  });
});
