import { SignJWT, importSPKI, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
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
  secret?: string | undefined;
  publicKeyPem?: string | undefined;
  issuer: string;
  audience: string;
}

const ALL_COUNTRIES = '*';

/** Verifies bearer tokens (HS256 with a shared secret, or RS256/ES256/EdDSA with a public key). */
export function createVerifier(settings: AuthSettings) {
  const keyPromise = settings.publicKeyPem
    ? importSPKI(settings.publicKeyPem, 'RS256').catch(() => importSPKI(settings.publicKeyPem!, 'ES256'))
    : Promise.resolve(new TextEncoder().encode(settings.secret));
  const algorithms = settings.publicKeyPem ? ['RS256', 'ES256', 'EdDSA'] : ['HS256'];

  return async function verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await keyPromise, { issuer: settings.issuer, audience: settings.audience, algorithms }));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw new UnauthorizedError('the token has expired');
      throw new UnauthorizedError('the token is not valid');
    }
    if (typeof payload.sub !== 'string' || !payload.sub) throw new UnauthorizedError('the token has no subject');
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    const countries = Array.isArray(payload.countries) ? payload.countries.filter((c): c is string => typeof c === 'string') : [];
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
    if (!match) return next(new UnauthorizedError(header ? 'the Authorization header must be "Bearer <token>"' : 'a bearer token is required'));
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
