#!/usr/bin/env node
// Starts the whole platform on this machine: NATS and FerretDB (unless NATS_URL / MONGO_URL are given), then every
// service, then loads the Morocco demo data once. Data lives in .data/ (git-ignored). Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { homedir } from 'node:os';

const root = resolve(import.meta.dirname, '..', '..');
const data = join(root, '.data');
const args = new Set(process.argv.slice(2));
const children = [];
mkdirSync(join(data, 'logs'), { recursive: true });

export const SERVICES = [
  { name: 'trainings', port: 3001, db: 'passerelle_trainings' },
  { name: 'assistance', port: 3002, db: 'passerelle_assistance' },
  { name: 'partners', port: 3003, db: 'passerelle_partners' },
  { name: 'indicators', port: 3004, db: 'passerelle_indicators' },
  { name: 'projection', port: 3005, db: 'passerelle_reporting' },
];

/** A secret kept in .data so tokens and beneficiary keys survive restarts. */
function secret(file) {
  const path = join(data, file);
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}

function which(bin, extra = []) {
  const dirs = [...(process.env.PATH ?? '').split(':'), ...extra];
  return dirs.map((d) => join(d, bin)).find((p) => existsSync(p));
}

// Children inherit the launcher's environment except the beneficiary key secret, which only assistance gets (below).
const { BENEFICIARY_KEY_SECRET: beneficiaryKeySecret, ...inherited } = process.env;

function run(name, cmd, argv, env = {}) {
  const log = openSync(join(data, 'logs', `${name}.log`), 'a');
  const child = spawn(cmd, argv, { cwd: root, env: { ...inherited, ...env }, stdio: ['ignore', log, log] });
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`${name} exited (${signal ?? code}); see .data/logs/${name}.log`);
  });
  children.push(child);
  return child;
}

async function waitFor(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s`);
}

const tcpOpen = (port) =>
  new Promise((res) => {
    import('node:net').then(({ createConnection }) => {
      const s = createConnection({ port, host: '127.0.0.1' }, () => {
        s.end();
        res(true);
      });
      s.once('error', () => res(false));
    });
  });

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  for (const c of [...children].reverse()) c.kill('SIGTERM');
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

let natsUrl = process.env.NATS_URL;
if (!natsUrl) {
  const bin = which('nats-server', ['/usr/sbin', '/usr/local/bin']);
  if (!bin) throw new Error('nats-server not found: run bash infra/dev/setup.sh, or set NATS_URL');
  const port = Number(process.env.DEV_NATS_PORT ?? 14222);
  run('nats-server', bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(data, 'nats')]);
  await waitFor('NATS', () => tcpOpen(port));
  natsUrl = `nats://127.0.0.1:${port}`;
}
let mongoUrl = process.env.MONGO_URL;
if (!mongoUrl) {
  const goBin = spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).stdout?.trim();
  const bin = which('ferretdb', [goBin ? join(goBin, 'bin') : '', join(homedir(), 'go', 'bin')]);
  if (!bin) throw new Error('ferretdb not found: run bash infra/dev/setup.sh, or set MONGO_URL');
  const port = Number(process.env.DEV_MONGO_PORT ?? 27018);
  mkdirSync(join(data, 'ferretdb'), { recursive: true });
  run('ferretdb', bin, [
    '--handler=sqlite',
    `--sqlite-url=file:${join(data, 'ferretdb')}/`,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${join(data, 'ferretdb')}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=warn',
  ]);
  await waitFor('FerretDB', () => tcpOpen(port));
  mongoUrl = `mongodb://127.0.0.1:${port}`;
}

if (SERVICES.some((s) => !existsSync(join(root, 'services', s.name, 'dist', 'main.js'))) || args.has('--build')) {
  console.log('building…');
  const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const jwtSecret = process.env.JWT_SECRET ?? secret('jwt-secret');
const common = {
  NATS_URL: natsUrl,
  MONGO_URL: mongoUrl,
  JWT_SECRET: jwtSecret,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
};
// Each service gets only its own secrets: the beneficiary key secret finds people in the keyring, so only assistance holds it.
// The API docs page (projection, /docs) fetches each service's document from its own port: there is no proxy here to
// put them on one origin, and the documents allow any origin.
const own = {
  assistance: { BENEFICIARY_KEY_SECRET: beneficiaryKeySecret ?? secret('beneficiary-key-secret') },
  projection: { DOCS_OPENAPI_URLS: SERVICES.map((s) => `${s.name}=http://127.0.0.1:${s.port}/openapi.json`).join(',') },
};
for (const s of SERVICES) {
  run(s.name, process.execPath, [join('services', s.name, 'dist', 'main.js')], {
    ...common,
    ...own[s.name],
    PORT: String(s.port),
    MONGO_DB: s.db,
    HOST: '127.0.0.1',
  });
}
await Promise.all(
  SERVICES.map((s) => waitFor(s.name, async () => (await fetch(`http://127.0.0.1:${s.port}/health/ready`)).ok)),
);

const demoFlag = join(data, 'demo-loaded');
if (!args.has('--no-demo') && !existsSync(demoFlag) && existsSync(join(root, 'infra', 'dev', 'demo.mjs'))) {
  console.log('loading the Morocco demo data…');
  const { loadDemo } = await import('./demo.mjs');
  await loadDemo({
    secret: jwtSecret,
    services: Object.fromEntries(SERVICES.map((s) => [s.name, `http://127.0.0.1:${s.port}`])),
  });
  writeFileSync(demoFlag, new Date().toISOString());
}

console.log(`
Passerelle is running (logs in .data/logs/):
${SERVICES.map((s) => `  ${s.name.padEnd(11)} http://127.0.0.1:${s.port}   (OpenAPI: /openapi.json)`).join('\n')}
  API docs    http://127.0.0.1:3005/docs   (every service, no token; events: /asyncapi)
  NATS        ${natsUrl}
  MongoDB     ${mongoUrl}

A token for requests (8 hours, Morocco):
  TOKEN=$(JWT_SECRET=$(cat .data/jwt-secret) npm run -s token)
  curl -H "authorization: Bearer $TOKEN" "http://127.0.0.1:3005/reports/participants?by=topic&country=MA"
Ctrl-C stops everything.`);
