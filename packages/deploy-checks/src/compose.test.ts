import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@passerelle/platform';
import {
  appServices,
  compose,
  envOf,
  example,
  profiledApps,
  read,
  referencedVars,
  root,
  seconds,
} from './compose-file.js';
import { COMPOSE_NATS, NATS_PASSWORDS, natsServers } from './nats-servers.js';

const all = Object.entries(compose.services);
const base = all.filter(([, s]) => !s.profiles);

describe('docker-compose.yml: what runs', () => {
  it('runs every service, the proxy, NATS, MongoDB and the provisioning job; profiles add the rest', () => {
    expect(base.map(([n]) => n).sort()).toEqual(['mongo', 'nats', 'provision', 'proxy', ...appServices].sort());
    expect(
      all
        .filter(([, s]) => s.profiles?.includes('observability'))
        .map(([n]) => n)
        .sort(),
    ).toEqual(['grafana', 'otel-collector', 'prometheus', 'tempo']);
    expect(all.filter(([, s]) => s.profiles?.includes('idp')).map(([n]) => n)).toEqual(['keycloak']);
    expect(
      all
        .filter(([, s]) => s.profiles?.includes('warehouse'))
        .map(([n]) => n)
        .sort(),
    ).toEqual(['postgres', ...profiledApps].sort());
    expect(compose.services.nats!.volumes).toContain('./infra/nats/nats.conf:/etc/nats/nats.conf:ro');
  });

  it('pins every image to a version, and NATS to the one the bus tests run against', () => {
    for (const [name, s] of all) {
      expect(s.image, name).toMatch(/:[^:]*\d+\.\d+[^:]*$/);
      expect(s.image, name).not.toMatch(/:latest$/);
    }
    expect(compose.services.nats!.image).toBe(`nats:${COMPOSE_NATS}-alpine`);
    expect(natsServers().map((s) => s.version)).toContain(COMPOSE_NATS);
    expect(compose.services.mongo!.image).toMatch(/^mongo:7\.0\.\d+$/);
  });

  it('only the proxy is published on all interfaces; operator consoles on loopback only', () => {
    for (const [name, s] of all) {
      for (const port of s.ports ?? []) {
        if (name === 'proxy') expect(port).toMatch(/^(80|443):(80|443)(\/udp)?$/);
        else expect(port, `${name} publishes ${port}`).toMatch(/^127\.0\.0\.1:/);
      }
    }
    for (const name of appServices) expect(compose.services[name]!.ports, name).toBeUndefined();
  });

  it('every container restarts, has resource limits and rotated logs', () => {
    for (const [name, s] of all) {
      expect(s.restart, name).toBe(name === 'provision' ? 'no' : 'unless-stopped');
      expect(s.deploy?.resources?.limits?.memory, name).toMatch(/^\d+[MG]$/);
      expect(s.deploy?.resources?.limits?.cpus, name).toMatch(/^\d+(\.\d+)?$/);
      expect(s.logging?.driver, name).toBe('json-file');
      expect(s.logging?.options, name).toMatchObject({
        'max-size': expect.stringMatching(/^\d+m$/),
        'max-file': expect.stringMatching(/^\d+$/),
      });
    }
  });

  it.each(appServices)('%s: the engine waits longer than the service drains', async (name) => {
    const { configShape } = (await import(`@passerelle/${name}/main`)) as {
      configShape: Parameters<typeof loadConfig>[0];
    };
    const config = loadConfig(configShape, envOf(name)) as { SHUTDOWN_TIMEOUT_MS: number };
    expect(seconds(compose.services[name]!.stop_grace_period ?? '10s') * 1000).toBeGreaterThan(
      config.SHUTDOWN_TIMEOUT_MS + 2000,
    );
  });

  it.each(appServices)(
    '%s: built from the one Dockerfile for its name, health-checked, after the streams are provisioned',
    (name) => {
      const s = compose.services[name]!;
      expect(s.build).toMatchObject({ context: '.', dockerfile: 'infra/docker/Dockerfile', args: { SERVICE: name } });
      expect(s.healthcheck?.test.join(' ')).toMatch(new RegExp(`127\\.0\\.0\\.1:${s.environment!.PORT}/health/ready`));
      expect(s.depends_on).toMatchObject({
        provision: { condition: 'service_completed_successfully' },
        nats: { condition: 'service_healthy' },
        mongo: { condition: 'service_healthy' },
      });
      expect(s.environment).toMatchObject({ STREAMS_PROVISION: 'await' });
    },
  );

  it.each(appServices)(
    '%s: its environment satisfies its config schema, and the example secrets do not',
    async (name) => {
      const { configShape } = (await import(`@passerelle/${name}/main`)) as {
        configShape: Parameters<typeof loadConfig>[0];
      };
      expect(() => loadConfig(configShape, envOf(name))).not.toThrow();
      expect(() => loadConfig(configShape, envOf(name, example))).toThrow(/still the example value/);
    },
  );

  it('switching to an identity provider is a change of .env only', async () => {
    const { configShape } = (await import('@passerelle/projection/main')) as {
      configShape: Parameters<typeof loadConfig>[0];
    };
    const env = envOf('projection', {
      ...Object.fromEntries(Object.entries(example).map(([k, v]) => [k, v.replace(/change-me.*/, 'a'.repeat(40))])),
      JWT_SECRET: '',
      JWT_JWKS_URL: 'http://keycloak:8080/realms/passerelle/protocol/openid-connect/certs',
    });
    expect(loadConfig(configShape, env)).toMatchObject({ JWT_JWKS_URL: expect.stringContaining('keycloak') });
  });
});

describe('docker-compose.yml: secrets', () => {
  const SECRET = /PASSWORD|SECRET/;
  const own: Record<string, (v: string) => boolean> = {
    nats: (v) => /^NATS_[A-Z]+_PASSWORD$/.test(v),
    mongo: (v) => /^MONGO_[A-Z]+_PASSWORD$/.test(v),
    provision: (v) => v === 'NATS_ADMIN_PASSWORD',
    grafana: (v) => v === 'GRAFANA_ADMIN_PASSWORD',
    postgres: (v) => v === 'POSTGRES_PASSWORD',
    warehouse: (v) => v === 'POSTGRES_PASSWORD' || v === 'NATS_INTEGRATION_PASSWORD',
    keycloak: (v) => v === 'KEYCLOAK_ADMIN_PASSWORD',
    ...Object.fromEntries(
      appServices.map((n) => [
        n,
        (v: string) =>
          v === 'JWT_SECRET' ||
          v === `NATS_${n.toUpperCase()}_PASSWORD` ||
          v === `MONGO_${n.toUpperCase()}_PASSWORD` ||
          (n === 'assistance' && v === 'BENEFICIARY_KEY_SECRET'),
      ]),
    ),
  };

  it('no container reads the whole .env', () => {
    for (const [name, s] of all) expect(s.env_file, name).toBeUndefined();
  });
  it.each(all.map(([n]) => n))('%s gets only its own secrets', (name) => {
    const secrets = [...referencedVars(name)].filter((v) => SECRET.test(v));
    for (const v of secrets) expect(own[name]?.(v) ?? false, `${name} gets ${v}`).toBe(true);
  });
  it('only assistance gets the beneficiary secret', () => {
    expect(all.filter(([n]) => referencedVars(n).has('BENEFICIARY_KEY_SECRET')).map(([n]) => n)).toEqual([
      'assistance',
    ]);
  });
});

describe('MongoDB users', () => {
  const init = read('infra', 'mongo', 'init-users.js');
  it('the init script creates one user per service with readWrite on its own database only', () => {
    expect(compose.services.mongo!.volumes).toContain(
      './infra/mongo/init-users.js:/docker-entrypoint-initdb.d/init-users.js:ro',
    );
    expect(init).toMatch(/roles: \[\{ role: 'readWrite', db: database \}\]/);
    for (const name of appServices) {
      const db = envOf(name).MONGO_DB!;
      expect(init).toContain(`${name}: '${db}'`);
      expect(envOf(name).MONGO_URL).toMatch(
        new RegExp(`^mongodb://${name}:[0-9a-f]{64}@mongo:27017/${db}\\?authSource=${db}$`),
      );
    }
  });
});

describe('the NATS configuration', () => {
  it('is valid for both servers, with the passwords compose gives it', () => {
    expect(Object.keys(compose.services.nats!.environment!).sort()).toEqual(Object.keys(NATS_PASSWORDS).sort());
    for (const { bin } of natsServers()) {
      const check = spawnSync(bin, ['-c', join(root, 'infra', 'nats', 'nats.conf'), '-t'], {
        env: { ...process.env, ...NATS_PASSWORDS },
        encoding: 'utf8',
      });
      expect(`${check.stdout}${check.stderr}`).toMatch(/is valid/);
    }
  });
});

describe('the warehouse profile', () => {
  it.each(profiledApps)(
    '%s: built from the one Dockerfile, unpublished, as the integration NATS user, its environment satisfies its loader',
    async (name) => {
      const s = compose.services[name]!;
      expect(s.build).toMatchObject({ context: '.', dockerfile: 'infra/docker/Dockerfile', args: { SERVICE: name } });
      expect(s.ports, name).toBeUndefined();
      expect(s.environment).toMatchObject({ NATS_USER: 'integration' });
      const { loadServiceConfig } = (await import(`@passerelle/${name}/main`)) as {
        loadServiceConfig: (env: NodeJS.ProcessEnv) => unknown;
      };
      expect(() => loadServiceConfig(envOf(name))).not.toThrow();
    },
  );
});
