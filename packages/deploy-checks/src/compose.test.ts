import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '@passerelle/platform';
import { findBinary } from '@passerelle/testkit';

const findNatsServer = () => findBinary('nats-server', ['/usr/sbin', '/usr/local/bin']) ?? 'nats-server';

// No Docker engine runs where these tests run, so the compose file is checked as data: every service is there,
// built from its own multi-stage Dockerfile as a non-root user, health-checked, and given every variable its
// own config schema requires.
const root = join(import.meta.dirname, '..', '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
const example = Object.fromEntries(readFileSync(join(root, '.env.example'), 'utf8').split('\n')
  .filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const services = readdirSync(join(root, 'services')).filter((s) => existsSync(join(root, 'services', s, 'package.json')));

/** The example .env with its placeholder secrets replaced, as the README tells operators to do. */
const filled = Object.fromEntries(Object.entries(example).map(([k, v]) => [k, /change-me/.test(v) ? randomBytes(32).toString('base64url') : v]));

/** Compose's ${VAR}, ${VAR:-default} and ${VAR:?message} against an .env. */
const interpolate = (value: string, env: Record<string, string> = filled) => value.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
  const v = env[name];
  if (v) return v;
  if (op === '?') throw new Error(`${name} is required by docker-compose.yml but missing from .env.example`);
  return op === '-' ? arg ?? '' : '';
});

describe('docker-compose.yml', () => {
  it('runs every service, NATS with JetStream and MongoDB 7, with named volumes', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['mongo', 'nats', ...services].sort());
    expect(compose.services.mongo.image).toMatch(/^mongo:7/);
    expect(compose.services.nats.volumes).toContain('./infra/nats/nats.conf:/etc/nats/nats.conf:ro');
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['nats-data', 'mongo-data']));
  });

  it.each(services)('%s: own multi-stage Dockerfile, non-root, health check', (name) => {
    const svc = compose.services[name];
    expect(svc.build.dockerfile).toBe(`services/${name}/Dockerfile`);
    const dockerfile = readFileSync(join(root, svc.build.dockerfile), 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain(`services/${name}/dist/main.js`);
    expect(svc.healthcheck.test.join(' ')).toMatch(/health\/ready/);
  });

  it.each(services)('%s: the environment it gets satisfies its config schema', async (name) => {
    const { configShape } = await import(`@passerelle/${name}/main`) as { configShape: Parameters<typeof loadConfig>[0] };
    const env = Object.fromEntries(Object.entries(compose.services[name].environment as Record<string, string>).map(([k, v]) => [k, interpolate(String(v))]));
    expect(() => loadConfig(configShape, env)).not.toThrow();
    // The example file as it is must not boot: its secrets are public.
    const unchanged = Object.fromEntries(Object.entries(compose.services[name].environment as Record<string, string>).map(([k, v]) => [k, interpolate(String(v), example)]));
    expect(() => loadConfig(configShape, unchanged)).toThrow(/still the example value/);
  });

  it('the NATS config is valid and gives every service its own user', () => {
    const conf = readFileSync(join(root, 'infra', 'nats', 'nats.conf'), 'utf8');
    for (const name of services) expect(conf).toMatch(new RegExp(`user: ${name},`));
    // nats-server -t parses the file (with the passwords from .env.example) and exits non-zero when it is wrong.
    const check = spawnSync(findNatsServer(), ['-c', join(root, 'infra', 'nats', 'nats.conf'), '-t'], { env: { ...process.env, ...example }, encoding: 'utf8' });
    expect(`${check.stdout}${check.stderr}`).toMatch(/is valid/);
    expect(check.status).toBe(0);
  });
});
