import { defineConfig } from 'vitest/config';
import { testConfig } from '@passerelle/testkit/vitest-config';

// The compose checks are pure; the NATS permission and drill tests start their own servers from the committed
// configuration, and the service tests also need the shared MongoDB-wire server of the global setup.
export default defineConfig(testConfig());
