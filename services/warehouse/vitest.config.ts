import { defineConfig } from 'vitest/config';
import { integrationTestConfig } from '@passerelle/testkit/vitest-config';

export default defineConfig(integrationTestConfig());
