#!/usr/bin/env node
// `npm run new:service -- <name>`: a new command service on the platform kit, with every place a service needs:
// its folder (app, domain, store, main, a unit and an integration test), its contracts (registered in the catalog),
// its NATS user, MongoDB user, compose entries, proxy route, dev-launcher entry, scopes in the Keycloak realm and
// the deploy checks' lists. Each edit copies what the indicators service has there, so the new service follows the
// same least-privilege pattern. `--root DIR` generates into another checkout (the generator's own test does).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const args = process.argv.slice(2);
const at = args.indexOf('--root');
const root = resolve(at >= 0 ? args[at + 1] : join(import.meta.dirname, '..', '..', '..'));
const name = args.filter((a, i) => !a.startsWith('--') && (at < 0 || i !== at + 1))[0];
const templates = join(import.meta.dirname, 'templates');

/** Why a name cannot be a service's, or undefined. */
export function nameProblem(n, existing) {
  if (!n) return 'give the service a name: npm run new:service -- <name>';
  if (!/^[a-z]{3,20}$/.test(n))
    return `"${n}" is not a service name: 3 to 20 lowercase letters (it names the folder, the NATS user, the database and the subjects)`;
  if (existing.includes(n)) return `a service named "${n}" already exists`;
  return undefined;
}

const read = (...p) => readFileSync(join(root, ...p), 'utf8');
const written = new Set();
const write = (rel, text) => {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
  written.add(rel);
};
/** Replaces one exact piece of a file, failing loudly if the pattern the generator expects has moved. */
function edit(rel, from, to) {
  const text = read(rel);
  if (!text.includes(from))
    throw new Error(`${rel}: cannot find ${JSON.stringify(from.slice(0, 60))}; the generator needs updating`);
  write(rel, text.replace(from, to));
}

const existing = readdirSync(join(root, 'services'));
const reserved = [
  'platform',
  'contracts',
  'events',
  'sheets',
  'testkit',
  'bench',
  'proxy',
  'nats',
  'mongo',
  'admin',
  'integration',
  'reports',
];
const problem = nameProblem(name, [...existing, ...reserved]);
if (problem) {
  console.error(problem);
  process.exit(2);
}

const Name = name[0].toUpperCase() + name.slice(1);
const NAME = name.toUpperCase();
const start = read('infra', 'dev', 'start.mjs');
const port = Math.max(...[...start.matchAll(/port: (\d{4})/g)].map((m) => Number(m[1]))) + 1;
const fill = (text) =>
  text
    .replaceAll('__name__', name)
    .replaceAll('__Name__', Name)
    .replaceAll('__NAME__', NAME)
    .replaceAll('__PORT__', String(port));
const rename = (text) =>
  text.replaceAll('indicators', name).replaceAll('INDICATORS', NAME).replaceAll('3004', String(port));
/** Each run of consecutive lines of `text` that `test` picks (the indicators service's), copied for the new one right after it. */
function cloneLines(text, test) {
  const out = [];
  let run = [];
  for (const line of [...text.split('\n'), undefined]) {
    if (line !== undefined && test(line)) {
      run.push(line);
      continue;
    }
    if (run.length) out.push(...run, ...run.map(rename));
    run = [];
    if (line !== undefined) out.push(line);
  }
  return out.join('\n');
}
const cloneFile = (rel, test) => write(rel, cloneLines(read(rel), test));

// The service folder.
for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'vitest.config.ts', 'README.md'])
  write(join('services', name, f), fill(readFileSync(join(templates, `${f}.tmpl`), 'utf8')));
for (const f of readdirSync(join(templates, 'src')))
  write(join('services', name, 'src', f.replace(/\.tmpl$/, '')), fill(readFileSync(join(templates, 'src', f), 'utf8')));

// Contracts: the events, the catalog, the index, the service name, and an example of each event for the docs.
write(
  join('packages', 'contracts', 'src', 'events', `${name}.ts`),
  fill(readFileSync(join(templates, 'events.ts.tmpl'), 'utf8')),
);
edit(
  'packages/contracts/src/catalog.ts',
  "import { indicatorsEvents } from './events/indicators.js';",
  `import { indicatorsEvents } from './events/indicators.js';\nimport { ${name}Events } from './events/${name}.js';`,
);
edit(
  'packages/contracts/src/catalog.ts',
  '...indicatorsEvents] as const;',
  `...indicatorsEvents, ...${name}Events] as const;`,
);
edit(
  'packages/contracts/src/catalog.ts',
  'export type IndicatorEvent = ',
  `export type ${Name}Event = EventOf<(typeof ${name}Events)[number]>;\nexport type IndicatorEvent = `,
);
edit(
  'packages/contracts/src/index.ts',
  "export * from './events/indicators.js';",
  `export * from './events/indicators.js';\nexport * from './events/${name}.js';`,
);
edit(
  'packages/contracts/src/envelope.ts',
  "'indicators', 'projection'] as const;",
  `'indicators', 'projection', '${name}'] as const;`,
);
const itemId = '0190a8f2-0000-7000-8000-00000000a001';
const example = (type, id, data) => ({
  specversion: '1.0',
  id,
  source: name,
  type,
  time: '2024-03-01T09:00:00.000Z',
  subject: itemId,
  datacontenttype: 'application/json',
  dataversion: '1',
  country: 'MA',
  actor: 'staff-17',
  correlationid: '0190a8f2-0000-7000-8000-00000000c001',
  data: { itemId, businessDate: '2024-03-01', ...data },
});
write(
  `packages/contracts/schemas/examples/${name}.item.created.json`,
  `${JSON.stringify(example(`${name}.item.created`, '0190a8f2-0000-7000-8000-00000000e001', { code: 'water_point', count: 3 }), null, 2)}\n`,
);
write(
  `packages/contracts/schemas/examples/${name}.item.counted.json`,
  `${JSON.stringify(example(`${name}.item.counted`, '0190a8f2-0000-7000-8000-00000000e002', { count: 5, previousCount: 3 }), null, 2)}\n`,
);

// NATS: a user that publishes only its own subjects, like indicators'.
cloneFile('infra/nats/nats.conf', (l) => /^\s+\{ user: indicators,|^\s+publish: \["evt\.\*\.indicators\.>"/.test(l));
// MongoDB: a user with readWrite on its own database.
cloneFile('infra/mongo/init-users.js', (l) => l.trim() === "indicators: 'passerelle_indicators',");
// Secrets for compose and its example file.
cloneFile('.env.example', (l) => /^(NATS|MONGO)_INDICATORS_PASSWORD=/.test(l));
for (const f of ['docker-compose.yml', 'docker-compose.scale.yml'])
  cloneFile(f, (l) => /^\s+(NATS|MONGO)_INDICATORS_PASSWORD: /.test(l));
/** Copies the indicators service's block of a compose file (from `  indicators:` to the next blank line). */
function cloneBlock(rel) {
  const text = read(rel);
  const from = text.indexOf('\n  indicators:\n');
  if (from < 0) return;
  const to = text.indexOf('\n\n', from + 1);
  const block = text.slice(from, to);
  write(rel, text.slice(0, to) + rename(block) + text.slice(to));
}
cloneBlock('docker-compose.yml');
cloneBlock('docker-compose.scale.yml');
edit(
  'docker-compose.yml',
  'depends_on: [trainings, assistance, partners, indicators, projection',
  `depends_on: [trainings, assistance, partners, indicators, ${name}, projection`,
);
// The proxy routes its paths to it.
edit(
  'infra/caddy/Caddyfile',
  '\t# Reports: the projection service',
  `\thandle /${name}* {\n\t\treverse_proxy ${name}:${port}\n\t}\n\t# Reports: the projection service`,
);
// The dev launcher starts it.
cloneFile('infra/dev/start.mjs', (l) => l.includes("{ name: 'indicators', port: 3004, db: 'passerelle_indicators' }"));
// Its scopes exist in the identity provider's realm.
const realm = JSON.parse(read('infra', 'keycloak', 'passerelle-realm.json'));
for (const scope of [`${name}:read`, `${name}:write`]) {
  realm.clientScopes.push({
    ...realm.clientScopes.find((c) => c.name === 'indicators:write'),
    name: scope,
    description: `Passerelle scope ${scope}`,
  });
  for (const client of realm.clients)
    if (client.optionalClientScopes?.includes('indicators:write')) client.optionalClientScopes.push(scope);
}
write('infra/keycloak/passerelle-realm.json', `${JSON.stringify(realm, null, 2)}\n`);
// The deploy checks that list the command services by name.
edit(
  'packages/deploy-checks/src/nats-permissions.int.test.ts',
  "'partners', 'indicators'])",
  `'partners', 'indicators', '${name}'])`,
);
edit(
  'packages/deploy-checks/src/services-edge.int.test.ts',
  "indicators: '/frameworks/%ZZ',",
  `indicators: '/frameworks/%ZZ', ${name}: '/${name}/%ZZ',`,
);
edit(
  'packages/deploy-checks/src/nats-servers.ts',
  "'INDICATORS', 'PROJECTION'",
  `'INDICATORS', '${NAME}', 'PROJECTION'`,
);
edit('infra/docker/Dockerfile', 'indicators|projection>', `indicators|projection|${name}>`);

// What it wrote follows the repository's format (npm run lint checks it): code files through Prettier.
const code = [...written].filter((f) => /\.(ts|mts|js|mjs)$/.test(f));
if (code.length)
  execFileSync(
    process.execPath,
    [
      join(dirname(createRequire(import.meta.url).resolve('prettier/package.json')), 'bin', 'prettier.cjs'),
      '--write',
      '--log-level',
      'warn',
      ...code,
    ],
    { cwd: root, stdio: 'inherit' },
  );

console.log(`created services/${name} (port ${port}) and registered it. Next:
  npm install                      # links the new workspace and records it in package-lock.json
  npm run build && npm run export-schemas -w @passerelle/contracts   # the JSON Schemas and AsyncAPI of its events
  npm test -w @passerelle/${name}`);
