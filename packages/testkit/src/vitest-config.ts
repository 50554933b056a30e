import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// Every workspace writes a JSON report that infra/dev/test-summary.mjs adds up into CI's closing line; the scripts
// test:unit and test:int name their own report file (--outputFile.json) so a full run keeps both.
const reporting = { reporters: ['default', 'json'] as string[], outputFile: { json: 'test-output/vitest.json' } };

/**
 * Where unit tests find the servers: nowhere. Closed ports rather than unset variables, so a unit test that
 * reaches for NATS, MongoDB or PostgreSQL fails at once instead of finding one a developer happens to run.
 */
export const NO_SERVERS = {
  NATS_URL: 'nats://127.0.0.1:9',
  MONGO_URL: 'mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=1000',
  PG_URL: 'postgres://postgres@127.0.0.1:9/postgres',
};

/**
 * Vitest settings of a workspace: two projects, `unit` (every `*.test.ts` but `*.int.test.ts`, no server started,
 * server variables pointing to closed ports) and `int` (`*.int.test.ts`, against the real servers the global setup
 * finds or starts, once per run and only when an int file runs). `vitest run --project unit` is `npm run test:unit`.
 * `globalSetup` is for the platform, which the testkit depends on and so cannot import it built.
 */
export function testConfig(opts: { globalSetup?: string } = {}) {
  return {
    test: {
      ...reporting,
      projects: [
        {
          extends: true as const,
          // The same timeouts as integration tests: a few unit tests spawn node or npm (deploy-checks' image layout), which
          // can take over vitest's default 5 s on a loaded two-core machine.
          test: {
            name: 'unit',
            include: ['src/**/*.test.ts'],
            exclude: ['src/**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
            env: NO_SERVERS,
            testTimeout: 30_000,
            hookTimeout: 60_000,
          },
        },
        {
          extends: true as const,
          test: {
            name: 'int',
            include: ['src/**/*.int.test.ts'],
            globalSetup: [opts.globalSetup ?? require.resolve('@passerelle/testkit/global-setup')],
            testTimeout: 30_000,
            hookTimeout: 60_000,
          },
        },
      ],
    },
  };
}
