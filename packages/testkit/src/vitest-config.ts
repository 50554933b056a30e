import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// Every workspace writes a JSON report that infra/dev/test-summary.mjs adds up into CI's closing line.
const reporting = { reporters: ['default', 'json'], outputFile: { json: 'test-output/vitest.json' } };

/** Vitest settings for packages whose tests need the real servers (started once per run by the global setup). */
export function integrationTestConfig() {
  return {
    test: {
      ...reporting,
      globalSetup: [require.resolve('@passerelle/testkit/global-setup')],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      include: ['src/**/*.test.ts'],
    },
  };
}

/** Vitest settings for packages with pure unit tests only. */
export function unitTestConfig() {
  return { test: { ...reporting, include: ['src/**/*.test.ts'] } };
}
