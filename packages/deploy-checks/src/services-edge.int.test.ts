import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '@passerelle/platform';
import { isolatedEnv, testToken } from '@passerelle/testkit';
import { appServices } from './compose-file.js';

// Every service, started as it runs: a malformed URL is a 400 problem (it was a 500), and /metrics answers.
const PATHS: Record<string, string> = {
  trainings: '/trainings/%ZZ',
  assistance: '/deliveries/%E0%A4%A',
  partners: '/partners/%ZZ',
  indicators: '/frameworks/%ZZ',
  projection: '/reports/%ZZ',
};

describe.each(appServices)('%s at the edge', (name) => {
  let service: { url: string; rt: Runtime };
  beforeAll(async () => {
    const { start } = (await import(`@passerelle/${name}/main`)) as {
      start: (env: NodeJS.ProcessEnv) => Promise<{ url: string; rt: Runtime }>;
    };
    service = await start(isolatedEnv('edge').env(name, { BENEFICIARY_KEY_SECRET: 'k'.repeat(40) }));
  });
  afterAll(async () => {
    await service?.rt.shutdown();
  });

  it('answers a malformed percent-encoding with a 400 problem, token or not', async () => {
    const token = await testToken([`${name}:read`, 'reports:read'], ['*']);
    for (const headers of [{ authorization: `Bearer ${token}` }, {} as Record<string, string>]) {
      const res = await fetch(`${service.url}${PATHS[name]}`, { headers });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
  });
  it('serves /metrics', async () => {
    const res = await fetch(`${service.url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(
      new RegExp(
        `passerelle_http_request_duration_seconds_count\\{service="${name}",method="GET",route="unmatched",status="400"\\} 2`,
      ),
    );
  });
});
