import { defineConfig } from 'vitest/config';
import { testConfig } from '../testkit/src/vitest-config.js';

// The testkit depends on this package, so its settings and global setup are referenced by path, not as a dependency.
export default defineConfig(testConfig({ globalSetup: '../testkit/src/global-setup.ts' }));
