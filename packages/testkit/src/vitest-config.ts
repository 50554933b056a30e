import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Vitest settings for packages whose tests need the real servers. */
export function integrationTestConfig() {
  return {
    test: {
      globalSetup: [require.resolve('@passerelle/testkit/global-setup')],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      include: ['src/**/*.test.ts'],
    },
  };
}
