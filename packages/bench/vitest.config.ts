import { defineConfig } from 'vitest/config';

// Pure unit tests; the JSON report feeds CI's closing line (infra/dev/test-summary.mjs).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-output/vitest.json' },
  },
});
