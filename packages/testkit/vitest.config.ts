import { defineConfig } from 'vitest/config';

// The testkit's own tests need no servers; the JSON report feeds CI's closing line.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], reporters: ['default', 'json'], outputFile: { json: 'test-output/vitest.json' } } });
