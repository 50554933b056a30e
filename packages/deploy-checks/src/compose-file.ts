import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// No Docker engine runs where these tests run, so the compose file is checked as data.
export const root = join(import.meta.dirname, '..', '..', '..');
export const read = (...path: string[]) => readFileSync(join(root, ...path), 'utf8');

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[];
  profiles?: string[];
  restart?: string;
  ports?: string[];
  environment?: Record<string, string>;
  env_file?: unknown;
  volumes?: string[];
  logging?: { driver: string; options?: Record<string, string> };
  deploy?: { resources?: { limits?: { cpus?: string; memory?: string } } };
  stop_grace_period?: string;
  healthcheck?: { test: string[] };
  entrypoint?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  networks?: unknown;
}
export const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};

const folders = readdirSync(join(root, 'services')).filter((s) =>
  existsSync(join(root, 'services', s, 'package.json')),
);
/** The platform's services (folders under services/ with a package.json), which every deployment runs. */
export const appServices = folders.filter((s) => !compose.services[s]?.profiles);
/** Apps of this repository that run under a compose profile (the warehouse, an internal app on the events). */
export const profiledApps = folders.filter((s) => compose.services[s]?.profiles);

export const example = Object.fromEntries(
  read('.env.example')
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);

/** The example .env with its placeholder secrets replaced by random hex, as the README tells operators to do. */
export const filled = Object.fromEntries(
  Object.entries(example).map(([k, v]) => [k, /change-me/.test(v) ? randomBytes(32).toString('hex') : v]),
);

/** Compose's ${VAR}, ${VAR:-default} and ${VAR:?message} against an .env. */
export const interpolate = (value: string, env: Record<string, string> = filled) =>
  value.replace(/\$\{([A-Z][A-Z0-9_]*)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    const v = env[name];
    if (v) return v;
    if (op === '?') throw new Error(`${name} is required by docker-compose.yml but missing from .env.example`);
    return op === '-' ? (arg ?? '') : '';
  });

/** A container's environment as compose would give it. */
export const envOf = (name: string, env: Record<string, string> = filled) =>
  Object.fromEntries(
    Object.entries(compose.services[name]!.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), env)]),
  );

/** Variables a container's environment refers to (${NAME…}). */
export const referencedVars = (name: string) =>
  new Set(
    [...JSON.stringify(compose.services[name]!.environment ?? {}).matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!),
  );

/** Seconds of a compose duration like 20s or 1m30s. */
export const seconds = (d: string) =>
  [...d.matchAll(/(\d+)(h|m|s)/g)].reduce(
    (t, [, n, u]) => t + Number(n) * { h: 3600, m: 60, s: 1 }[u as 'h' | 'm' | 's'],
    0,
  );
