import { defineConfig } from 'vitest/config';
import { testConfig } from './src/vitest-config.js';

// The testkit's own tests are unit tests (the history generator, finding servers): none starts a server.
export default defineConfig(testConfig());
