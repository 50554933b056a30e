import { defineConfig } from 'vitest/config';

// The testkit depends on this package, so its global setup is referenced by path rather than as a dependency.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['../testkit/src/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-output/vitest.json' },
  },
});
