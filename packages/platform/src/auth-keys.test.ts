import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { createVerifier } from './auth.js';

const ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
type Pair = Awaited<ReturnType<typeof generateKeyPair>>;

const sign = (pair: Pair, alg: string, kid: string | undefined, claims: { ttl?: string | null; iat?: number } = {}) => {
  const jwt = new SignJWT({ scope: 'reports:read', countries: ['MA'] })
    .setProtectedHeader(kid ? { alg, kid } : { alg })
    .setSubject('staff-1')
    .setIssuer('idp')
    .setAudience('passerelle');
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  else jwt.setIssuedAt();
  if (claims.ttl !== null) jwt.setExpirationTime(claims.ttl ?? '5m');
  return jwt.sign(pair.privateKey);
};

describe('identity-provider tokens with a PEM public key', () => {
  it.each(ALGS)('%s is accepted', async (alg) => {
    const pair = await generateKeyPair(alg, { extractable: true });
    const verify = createVerifier({
      publicKeyPem: await exportSPKI(pair.publicKey),
      issuer: 'idp',
      audience: 'passerelle',
    });
    expect((await verify(await sign(pair, alg, undefined))).actor).toBe('staff-1');
    const other = await generateKeyPair(alg, { extractable: true });
    await expect(verify(await sign(other, alg, undefined))).rejects.toThrow(/not valid/);
  });
});

describe('identity-provider tokens from a JWKS endpoint', () => {
  const keys = new Map<string, { pair: Pair; alg: string }>();
  let published: string[] = [];
  let fetches = 0;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    for (const alg of ALGS) keys.set(`k-${alg}`, { pair: await generateKeyPair(alg, { extractable: true }), alg });
    published = [...keys.keys()];
    server = createServer((_req, res) => {
      fetches++;
      void Promise.all(
        published.map(async (kid) => ({
          ...(await exportJWK(keys.get(kid)!.pair.publicKey)),
          kid,
          alg: keys.get(kid)!.alg,
          use: 'sig',
        })),
      ).then((jwks) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: jwks })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/passerelle/protocol/openid-connect/certs`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.each(ALGS)('%s tokens verify, and the key set is fetched once and cached', async (alg) => {
    const verify = createVerifier({ jwksUrl: url, issuer: 'idp', audience: 'passerelle' });
    const before = fetches;
    const { pair } = keys.get(`k-${alg}`)!;
    for (let i = 0; i < 3; i++)
      expect((await verify(await sign(pair, alg, `k-${alg}`))).scopes.has('reports:read')).toBe(true);
    expect(fetches - before).toBe(1);
  });

  it('a rotated key is picked up when a token names it, and a retired one is refused', async () => {
    const verify = createVerifier({
      jwksUrl: url,
      issuer: 'idp',
      audience: 'passerelle',
      jwks: { cooldownMs: 0, cacheMaxAgeMs: 60_000 },
    });
    const old = keys.get('k-ES256')!;
    await verify(await sign(old.pair, 'ES256', 'k-ES256'));
    const fresh = await generateKeyPair('ES256', { extractable: true });
    keys.set('k-2', { pair: fresh, alg: 'ES256' });
    published = ['k-2'];
    expect((await verify(await sign(fresh, 'ES256', 'k-2'))).actor).toBe('staff-1');
    await expect(verify(await sign(old.pair, 'ES256', 'k-ES256'))).rejects.toThrow(/not valid/);
    published = [...keys.keys()];
  });

  it('an unreachable key set refuses tokens (401), never lets them through', async () => {
    const verify = createVerifier({ jwksUrl: 'http://127.0.0.1:9/certs', issuer: 'idp', audience: 'passerelle' });
    await expect(verify(await sign(keys.get('k-RS256')!.pair, 'RS256', 'k-RS256'))).rejects.toThrow(/not valid/);
  });
});

describe('token lifetime', () => {
  let pair: Pair;
  let verify: ReturnType<typeof createVerifier>;
  beforeAll(async () => {
    pair = await generateKeyPair('EdDSA', { extractable: true });
    verify = createVerifier({
      publicKeyPem: await exportSPKI(pair.publicKey),
      issuer: 'idp',
      audience: 'passerelle',
      maxTtlSeconds: 3600,
    });
  });

  it('a token without exp is refused', async () => {
    await expect(verify(await sign(pair, 'EdDSA', undefined, { ttl: null }))).rejects.toThrow(/no expiry/);
  });
  it('a token living longer than the maximum is refused, one within it accepted', async () => {
    await expect(verify(await sign(pair, 'EdDSA', undefined, { ttl: '2h' }))).rejects.toThrow(/lives longer/);
    expect((await verify(await sign(pair, 'EdDSA', undefined, { ttl: '59m' }))).actor).toBe('staff-1');
  });
  it('an old iat cannot stretch it, and a missing iat counts from now', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(verify(await sign(pair, 'EdDSA', undefined, { iat: now - 86_400, ttl: '10m' }))).rejects.toThrow(
      /lives longer/,
    );
    const noIat = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('s')
      .setIssuer('idp')
      .setAudience('passerelle')
      .setExpirationTime('3h')
      .sign(pair.privateKey);
    await expect(verify(noIat)).rejects.toThrow(/lives longer/);
  });
  it('HS256 tokens of a JWKS deployment are refused (no algorithm confusion)', async () => {
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('s')
      .setIssuer('idp')
      .setAudience('passerelle')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(40)));
    await expect(verify(hs)).rejects.toThrow(/not valid/);
  });
});
