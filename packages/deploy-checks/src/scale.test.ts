import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COUNTRIES } from '@passerelle/contracts';
import { loadConfig } from '@passerelle/platform';
import { appServices, filled, interpolate, read, type ComposeService } from './compose-file.js';
import { COMPOSE_NATS } from './nats-servers.js';

// docker-compose.scale.yml, the scale profile, checked as data like the base file (no engine here); the cluster
// configuration it runs is exercised on real servers by cluster.int.test.ts.
const scale = parse(read('docker-compose.scale.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const cluster = read('infra', 'nats', 'cluster.conf');
const env = { ...filled, MONGO_REPLICA_KEY: 'f'.repeat(64) };
const envOf = (name: string) =>
  Object.fromEntries(
    Object.entries(scale.services[name]!.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), env)]),
  );
const added = Object.entries(scale.services).filter(([, s]) => s.profiles?.includes('scale'));

describe('the scale profile', () => {
  it('runs three NATS nodes from cluster.conf, named as its routes name them, on the tested version', () => {
    const nodes = ['nats', 'nats-2', 'nats-3'];
    const names = nodes.map((n) => envOf(n).NATS_SERVER_NAME);
    expect(names).toEqual(['nats-1', 'nats-2', 'nats-3']);
    for (const n of nodes) {
      expect(scale.services[n]!.image).toBe(`nats:${COMPOSE_NATS}-alpine`);
      expect(scale.services[n]!.command).toEqual(['-c', '/etc/nats/cluster.conf']);
      expect(scale.services[n]!.volumes).toContain('./infra/nats/cluster.conf:/etc/nats/cluster.conf:ro');
    }
    for (const name of names) expect(cluster).toContain(`nats-route://${name}:6222`);
    // Every node reads nats.conf, whose users (the integration user's too) take their passwords from the environment.
    for (const n of nodes)
      expect(Object.keys(scale.services[n]!.environment ?? {})).toEqual(
        expect.arrayContaining(['NATS_ADMIN_PASSWORD', 'NATS_INTEGRATION_PASSWORD']),
      );
    expect(cluster).toMatch(/^include "nats\.conf"$/m);
  });

  it('provisions three replicas per stream, and every service knows every node and every MongoDB member', () => {
    expect(envOf('provision').STREAM_REPLICAS).toBe('3');
    for (const name of [...appServices, 'provision', 'reporting-1', 'reporting-2']) {
      expect(envOf(name).NATS_URL!.split(',')).toEqual([
        'nats://nats:4222',
        'nats://nats-2:4222',
        'nats://nats-3:4222',
      ]);
    }
    for (const name of appServices)
      expect(envOf(name).MONGO_URL).toMatch(
        /@mongo:27017,mongo-2:27017,mongo-3:27017\/[a-z_]+\?authSource=[a-z_]+&replicaSet=rs0$/,
      );
    expect(scale.services['mongo-rs-init']!.command!.join(' ')).toMatch(
      /rs\.initiate\(\{ _id: \\?"rs0\\?", members: \[.*mongo-2:27017.*mongo-3:27017/,
    );
    for (const m of ['mongo', 'mongo-2', 'mongo-3'])
      expect(scale.services[m]!.entrypoint?.join(' ')).toMatch(/--replSet rs0 --keyFile/);
  });

  it('serves reports from two API-only replicas behind the proxy, beside the one worker', async () => {
    const { configShape } = (await import('@passerelle/projection/main')) as {
      configShape: Parameters<typeof loadConfig>[0];
    };
    for (const r of ['reporting-1', 'reporting-2']) {
      expect(loadConfig(configShape, envOf(r))).toMatchObject({
        PROJECTION_ROLE: 'api',
        MONGO_DB: 'passerelle_reporting',
      });
    }
    expect(envOf('proxy').REPORTING_UPSTREAMS).toBe('reporting-1:3005 reporting-2:3005');
    expect(read('infra', 'caddy', 'Caddyfile')).toMatch(
      /handle \/reports\* \{\s+reverse_proxy \{\$REPORTING_UPSTREAMS:projection:3005\}/,
    );
  });

  it('applies events with two workers partitioned by country: each served country in exactly one, on its own consumer', async () => {
    const { configShape } = (await import('@passerelle/projection/main')) as {
      configShape: Parameters<typeof loadConfig>[0];
    };
    const workers = ['projection', 'projection-2'].map(
      (w) =>
        loadConfig(configShape, { ...envOf(w), MONGO_URL: 'mongodb://x', JWT_SECRET: 's'.repeat(32) }) as {
          PROJECTION_CONSUMER: string;
          PROJECTION_COUNTRIES: string[];
          PROJECTION_ROLE: string;
          MONGO_DB: string;
        },
    );
    expect(workers.map((w) => w.PROJECTION_CONSUMER)).toEqual(['projection_p0', 'projection_p1']);
    for (const w of workers) expect(w).toMatchObject({ PROJECTION_ROLE: 'all', MONGO_DB: 'passerelle_reporting' });
    const covered = workers.flatMap((w) => w.PROJECTION_COUNTRIES);
    expect([...covered].sort()).toEqual([...COUNTRIES].sort());
    // Both consumer names are partition slots the projection's NATS user may create.
    for (const w of workers)
      expect(read('infra', 'nats', 'nats.conf')).toContain(`"$JS.API.CONSUMER.CREATE.EVENTS.${w.PROJECTION_CONSUMER}"`);
  });

  it('every added container restarts (or runs once), has limits and rotated logs, and gets only its own secrets', () => {
    for (const [name, s] of added) {
      expect(s.restart, name).toBe(name === 'mongo-rs-init' ? 'no' : 'unless-stopped');
      expect(s.deploy?.resources?.limits?.memory, name).toBeDefined();
      expect(s.logging?.options?.['max-size'], name).toBeDefined();
      expect(s.image, name).toMatch(/:[^:]*\d+\.\d+[^:]*$/);
      const secrets = [...JSON.stringify(s.environment ?? {}).matchAll(/\$\{([A-Z_]*(?:PASSWORD|SECRET|KEY))/g)].map(
        (m) => m[1],
      );
      const allowed = name.startsWith('nats')
        ? /^NATS_[A-Z]+_PASSWORD$/
        : name.startsWith('mongo')
          ? /^(MONGO_REPLICA_KEY|MONGO_ROOT_PASSWORD)$/
          : /^(JWT_SECRET|JWT_PUBLIC_KEY|NATS_PROJECTION_PASSWORD|MONGO_PROJECTION_PASSWORD)$/;
      for (const v of secrets) expect(v, `${name} gets ${v}`).toMatch(allowed);
    }
  });
});
