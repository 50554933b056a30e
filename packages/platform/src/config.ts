import { isIP } from 'node:net';
import { z } from 'zod';
import { COUNTRIES, IsoCountry } from '@passerelle/contracts';

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_S = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
/** A duration like 90s, 15m, 12h or 1d, in seconds. */
export const durationSeconds = z
  .string()
  .regex(DURATION, 'like 15m, 12h or 1d')
  .transform((v) => {
    const [, n, unit] = DURATION.exec(v)!;
    return Number(n) * UNIT_S[unit as keyof typeof UNIT_S];
  });

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isAddressOrRange = (part: string) => {
  if (NAMED_RANGES.has(part)) return true;
  const [ip, bits, ...rest] = part.split('/');
  return rest.length === 0 && isIP(ip ?? '') !== 0 && (bits === undefined || /^\d{1,3}$/.test(bits));
};
/**
 * Which peers may set X-Forwarded-For: `false` (none: the socket address is the client), a number of proxy hops,
 * or addresses, CIDR ranges and `loopback`/`linklocal`/`uniquelocal`, comma-separated. Never "everyone": then
 * any client could pick its own rate-limit bucket.
 */
export const trustProxySetting = z.string().transform((v, ctx): false | number | string[] => {
  const value = v.trim();
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length && parts.every(isAddressOrRange)) return parts;
  ctx.addIssue({
    code: 'custom',
    message:
      'false, a number of proxy hops, or addresses/CIDR ranges (or loopback, linklocal, uniquelocal), comma-separated',
  });
  return z.NEVER;
});

/** A comma-separated list of ISO 3166-1 alpha-2 codes (at least one), upper-cased and without repeats. */
export const countryList = z
  .string()
  .transform((v) => [
    ...new Set(
      v
        .split(',')
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean),
    ),
  ])
  .pipe(
    z
      .array(
        z.string().refine((c) => IsoCountry.safeParse(c).success, {
          error: (i) => `${String(i.input)} is not an ISO 3166-1 alpha-2 code`,
        }),
      )
      .min(1, 'at least one country'),
  );

const NAME = /^[A-Za-z0-9_-]+$/;
/** The event streams' names and subject prefix: what services and the provisioning job must agree on. */
export const streamNamesShape = {
  EVENTS_STREAM: z.string().regex(NAME).default('EVENTS'),
  EVENTS_PREFIX: z.string().regex(NAME).default('evt'),
  DEADLETTER_STREAM: z.string().regex(NAME).default('DEADLETTER'),
};

/** Variables every service reads; a service extends this with its own. */
export const baseConfigShape = {
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  MONGO_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL')
    .default('mongodb://127.0.0.1:27017'),
  MONGO_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - only'),
  ...streamNamesShape,
  /** `auto` creates or updates the streams at start (development); `await` only waits for an admin to have provisioned them. */
  STREAMS_PROVISION: z.enum(['auto', 'await']).default('auto'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_PUBLIC_KEY: z.string().includes('BEGIN PUBLIC KEY', { message: 'must be a PEM (SPKI) public key' }).optional(),
  JWT_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  JWT_MAX_TTL: durationSeconds.default(12 * 3600),
  JWT_ISSUER: z.string().default('passerelle'),
  JWT_AUDIENCE: z.string().default('passerelle'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'like 100kb or 1mb')
    .default('1mb'),
  TRUST_PROXY: trustProxySetting.default(false),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().optional(),
  /** Countries this deployment serves, ISO 3166-1 alpha-2, comma-separated; the programme's 19 by default. */
  COUNTRIES: countryList.default([...COUNTRIES]),
};

const PLACEHOLDER = /change-?me/i;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates the environment against a zod shape; throws ConfigError naming every bad or missing variable. */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const empty = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = z.object(shape).safeParse(empty);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map(
        (i) =>
          `${i.path.join('.')}: ${i.message}${i.code === 'invalid_type' && empty[String(i.path[0])] === undefined ? ' (not set)' : ''}`,
      ),
    );
  }
  const config = result.data as Record<string, unknown>;
  const problems: string[] = [];
  const verifiers = ['JWT_SECRET', 'JWT_PUBLIC_KEY', 'JWT_JWKS_URL'].filter((k) => config[k]);
  if (verifiers.length === 0) problems.push('JWT_SECRET: set JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL (not set)');
  if (verifiers.length > 1) problems.push(`${verifiers.join(', ')}: set only one way to verify tokens`);
  // The example file's secrets are public: a deployment that forgot to change one must not start.
  for (const key of Object.keys(shape)) {
    if (typeof empty[key] === 'string' && PLACEHOLDER.test(empty[key]))
      problems.push(`${key}: still the example value; generate a secret (openssl rand -base64 32)`);
  }
  if (problems.length) throw new ConfigError(problems);
  return result.data;
}

/** The base shape with service defaults filled in (port and database name). */
export function serviceConfigShape(defaults: { port: number; db: string }) {
  return {
    ...baseConfigShape,
    PORT: baseConfigShape.PORT.default(defaults.port),
    MONGO_DB: baseConfigShape.MONGO_DB.default(defaults.db),
  };
}
export type BaseConfig = z.infer<z.ZodObject<ReturnType<typeof serviceConfigShape>>>;

/**
 * Bounds of sheet imports (services that take CSV/XLSX uploads spread this into their shape). Checked before a
 * file is parsed; see packages/sheets. The request body itself is bounded by BODY_LIMIT.
 */
export const importConfigShape = {
  IMPORT_MAX_UNCOMPRESSED_BYTES: z.coerce.number().int().min(100_000).max(1_000_000_000).default(50_000_000),
  IMPORT_MAX_ZIP_ENTRIES: z.coerce.number().int().min(10).max(10_000).default(500),
  IMPORT_MAX_COMPRESSION_RATIO: z.coerce.number().int().min(10).max(10_000).default(200),
  IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
};
export type ImportConfig = z.infer<z.ZodObject<typeof importConfigShape>>;

/** The limits of packages/sheets from the validated configuration. */
export const importLimitsFrom = (c: ImportConfig) => ({
  maxUncompressedBytes: c.IMPORT_MAX_UNCOMPRESSED_BYTES,
  maxEntries: c.IMPORT_MAX_ZIP_ENTRIES,
  maxCompressionRatio: c.IMPORT_MAX_COMPRESSION_RATIO,
  maxRows: c.IMPORT_MAX_ROWS,
});
