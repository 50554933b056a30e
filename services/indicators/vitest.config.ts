import { defineConfig } from 'vitest/config';
import { testConfig } from '@passerelle/testkit/vitest-config';

export default defineConfig(testConfig());
