import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { mintToken } from '@passerelle/platform';

export * from './infrastructure.js';
export { prng, type Prng } from './prng.js';

/** The signing secret every test service uses. */
export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

/**
 * A private corner of the shared servers for one test file: its own stream, subject prefix, dead-letter
 * stream and database names, so files run in parallel without seeing each other's events.
 */
export function isolatedEnv(label: string) {
  const infra = inject('infra');
  // Only the int project's global setup provides servers: say what to do rather than fail on an undefined URL.
  if (!infra)
    throw new Error(
      `no test servers in this run: a test that needs NATS or MongoDB must be named *.int.test.ts (npm run test:int), not ${label}`,
    );
  const id = randomBytes(4).toString('hex');
  const prefix = `t${id}`;
  return {
    id,
    infra,
    prefix,
    stream: `EVENTS_${id}`,
    deadLetter: `DLQ_${id}`,
    /** Environment for a service of this file (add PORT=0 and service-specific values as needed). */
    env(service: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
      return {
        NATS_URL: infra.natsUrl,
        MONGO_URL: infra.mongoUrl,
        MONGO_DB: `${label}_${service}_${id}`.slice(0, 60),
        EVENTS_STREAM: `EVENTS_${id}`,
        EVENTS_PREFIX: prefix,
        DEADLETTER_STREAM: `DLQ_${id}`,
        JWT_SECRET: TEST_JWT_SECRET,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        ...extra,
      };
    },
  };
}

/** A bearer token signed with the test secret. */
export function testToken(
  scopes: string[],
  countries: string[] = ['MA'],
  opts: { subject?: string; ttl?: string; secret?: string } = {},
) {
  return mintToken({
    subject: opts.subject ?? 'tester-1',
    scopes,
    countries,
    ttl: opts.ttl ?? '10m',
    secret: opts.secret ?? TEST_JWT_SECRET,
  });
}

/** Polls until check returns a value other than undefined, or fails after timeoutMs. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
export * from './postgres.js';
export { publishPartner } from './partners.js';
export * from './http.js';
export { answerProblems, undocumentedOperations } from './openapi.js';
