import { createPublicKey } from 'node:crypto';
import {
  SignJWT,
  createRemoteJWKSet,
  importSPKI,
  jwtVerify,
  errors as joseErrors,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from './errors.js';

/** Who is calling: a pseudonymous actor id, the scopes granted and the countries they may touch. */
export interface Principal {
  actor: string;
  scopes: ReadonlySet<string>;
  /** ISO alpha-2 codes, or '*' for every country. */
  countries: ReadonlySet<string>;
}

export interface AuthSettings {
  /** HS256 shared secret (development, or a deployment without an identity provider). */
  secret?: string | undefined;
  /** PEM (SPKI) public key of an identity provider: RSA (RS256), P-256 (ES256) or Ed25519 (EdDSA). */
  publicKeyPem?: string | undefined;
  /** JWKS endpoint of an identity provider; keys are cached and refetched when a token names an unknown `kid`. */
  jwksUrl?: string | undefined;
  issuer: string;
  audience: string;
  /** Longest lifetime (exp − iat) accepted, in seconds; tokens without `exp` are always refused. */
  maxTtlSeconds?: number;
  /** JWKS cache tuning (tests shorten it). */
  jwks?: { cacheMaxAgeMs?: number; cooldownMs?: number };
}

const ALL_COUNTRIES = '*';
const ASYMMETRIC = ['RS256', 'ES256', 'EdDSA', 'Ed25519'];
const DEFAULT_MAX_TTL_S = 12 * 3600;
const CLOCK_TOLERANCE_S = 30;

/** The JWS algorithm a PEM public key is for: jose needs it named, and one key serves one algorithm. */
function algorithmOf(pem: string): string {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  throw new Error(`unsupported public key type ${key.asymmetricKeyType ?? 'unknown'} (use RSA, EC P-256 or Ed25519)`);
}

function keySource(settings: AuthSettings): {
  key: Promise<Uint8Array | Awaited<ReturnType<typeof importSPKI>>> | JWTVerifyGetKey;
  algorithms: string[];
} {
  if (settings.jwksUrl) {
    return {
      key: createRemoteJWKSet(new URL(settings.jwksUrl), {
        cacheMaxAge: settings.jwks?.cacheMaxAgeMs ?? 10 * 60_000,
        cooldownDuration: settings.jwks?.cooldownMs ?? 30_000,
        timeoutDuration: 5000,
      }),
      algorithms: ASYMMETRIC,
    };
  }
  if (settings.publicKeyPem) {
    const alg = algorithmOf(settings.publicKeyPem);
    return { key: importSPKI(settings.publicKeyPem, alg), algorithms: alg === 'EdDSA' ? ['EdDSA', 'Ed25519'] : [alg] };
  }
  if (!settings.secret) throw new Error('a JWT secret, public key or JWKS URL is required');
  return { key: Promise.resolve(new TextEncoder().encode(settings.secret)), algorithms: ['HS256'] };
}

/** Verifies bearer tokens: HS256 with a shared secret, or RS256/ES256/EdDSA with a public key or a JWKS endpoint. */
export function createVerifier(settings: AuthSettings) {
  const source = keySource(settings);
  const maxTtl = settings.maxTtlSeconds ?? DEFAULT_MAX_TTL_S;
  const options = {
    issuer: settings.issuer,
    audience: settings.audience,
    algorithms: source.algorithms,
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_TOLERANCE_S,
  };

  return async function verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } =
        typeof source.key === 'function'
          ? await jwtVerify(token, source.key, options)
          : await jwtVerify(token, await source.key, options));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw new UnauthorizedError('the token has expired');
      if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'exp')
        throw new UnauthorizedError('the token has no expiry (exp)');
      throw new UnauthorizedError('the token is not valid');
    }
    // A stolen token is only as bad as its lifetime: refuse one issued for longer than the deployment allows.
    const now = Math.floor(Date.now() / 1000);
    const issued = typeof payload.iat === 'number' ? Math.min(payload.iat, now) : now;
    if (payload.exp! - issued > maxTtl + CLOCK_TOLERANCE_S)
      throw new UnauthorizedError(`the token lives longer than the ${maxTtl} s this service accepts`);
    if (typeof payload.sub !== 'string' || !payload.sub) throw new UnauthorizedError('the token has no subject');
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    const countries = Array.isArray(payload.countries)
      ? payload.countries.filter((c): c is string => typeof c === 'string')
      : [];
    return { actor: payload.sub, scopes: new Set(scope.split(' ').filter(Boolean)), countries: new Set(countries) };
  };
}
export type Verifier = ReturnType<typeof createVerifier>;

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
    requestId: string;
  }
}

/** Express middleware: every request after it carries a verified principal, or gets a 401. */
export function authenticate(verify: Verifier) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header) : null;
    if (!match)
      return next(
        new UnauthorizedError(
          header ? 'the Authorization header must be "Bearer <token>"' : 'a bearer token is required',
        ),
      );
    req.principal = await verify(match[1]!);
    next();
  };
}

/** The principal of an authenticated request. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new UnauthorizedError();
  return req.principal;
}

/** Express middleware: 403 unless the token grants the scope (e.g. `trainings:write`). */
export function requireScope(scope: string) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const p = principalOf(req);
    if (!p.scopes.has(scope)) return next(new ForbiddenError(`this action needs the scope ${scope}`));
    next();
  };
}

/** Throws a 403 unless the principal may act on that country's data. */
export function assertCountry(p: Principal, country: string): void {
  if (!p.countries.has(ALL_COUNTRIES) && !p.countries.has(country)) {
    throw new ForbiddenError(`your token does not cover country ${country}`);
  }
}

/** Countries a principal may read, or undefined for all. */
export function countryFilter(p: Principal): string[] | undefined {
  return p.countries.has(ALL_COUNTRIES) ? undefined : [...p.countries];
}

export interface TokenRequest {
  subject: string;
  scopes: string[];
  countries: string[];
  ttl?: string;
  secret: string;
  issuer?: string;
  audience?: string;
}

/** Signs an HS256 token; for development, tests and the mint-token CLI. */
export async function mintToken(t: TokenRequest): Promise<string> {
  return new SignJWT({ scope: t.scopes.join(' '), countries: t.countries })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(t.subject)
    .setIssuer(t.issuer ?? 'passerelle')
    .setAudience(t.audience ?? 'passerelle')
    .setIssuedAt()
    .setExpirationTime(t.ttl ?? '8h')
    .sign(new TextEncoder().encode(t.secret));
}
