import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { root } from './compose-file.js';

// `npm run new:service` run on a copy of this checkout (its tracked and new files, and the packages' builds): the
// generated service builds, typechecks and passes its own unit and integration tests, and the deploy checks that
// read compose, NATS, the proxy and the realm pass with it. node_modules is linked, except the workspace packages,
// which point into the copy so the new events are the ones compiled there.
const NAME = 'grants';
let copy: string;
const run = (cmd: string, args: string[], cwd = copy, timeout = 120_000) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
};
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');

/** The repository as git sees it (tracked and untracked, ignored files left out), plus every package's dist. */
function copyCheckout(to: string) {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(root, f))) continue;
    mkdirSync(dirname(join(to, f)), { recursive: true });
    cpSync(join(root, f), join(to, f));
  }
  for (const group of ['packages', 'services']) {
    for (const p of readdirSync(join(root, group)))
      if (existsSync(join(root, group, p, 'dist')))
        cpSync(join(root, group, p, 'dist'), join(to, group, p, 'dist'), { recursive: true });
  }
}

/** node_modules of the copy: links to this checkout's, but @passerelle/* pointing at the copy's own packages. */
function linkModules(to: string) {
  mkdirSync(join(to, 'node_modules', '@passerelle'), { recursive: true });
  // The NATS servers the deploy checks run (built by infra/dev/setup.sh, git-ignored).
  if (existsSync(join(root, '.tools')) && !existsSync(join(to, '.tools')))
    symlinkSync(join(root, '.tools'), join(to, '.tools'));
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry !== '@passerelle' && !existsSync(join(to, 'node_modules', entry)))
      symlinkSync(join(root, 'node_modules', entry), join(to, 'node_modules', entry));
  }
  for (const group of ['packages', 'services']) {
    for (const p of readdirSync(join(to, group))) {
      const pkg = join(to, group, p, 'package.json');
      if (!existsSync(pkg)) continue;
      const link = join(to, 'node_modules', (JSON.parse(readFileSync(pkg, 'utf8')) as { name: string }).name);
      if (!existsSync(link)) symlinkSync(join(to, group, p), link);
    }
  }
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'passerelle-new-service-'));
  copyCheckout(copy);
}, 120_000);
afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('npm run new:service', () => {
  it('refuses names that are not lowercase letters, and existing services', () => {
    for (const bad of ['Grants', 'new-service', 'g2', 'trainings', '']) {
      const r = run('node', ['infra/dev/new-service/generate.mjs', ...(bad ? [bad] : []), '--root', copy]);
      expect(r.status, `${bad}: ${r.out}`).toBe(2);
    }
    expect(existsSync(join(copy, 'services', 'Grants'))).toBe(false);
  });

  it('creates a service that builds, typechecks and passes its tests, with its contracts, NATS user, compose, proxy and launcher entries', () => {
    // Linked before (the generator formats what it writes with the copy's Prettier) and after (the new workspace).
    linkModules(copy);
    const gen = run('node', ['infra/dev/new-service/generate.mjs', NAME, '--root', copy]);
    expect(gen.status, gen.out).toBe(0);
    linkModules(copy);
    const read = (...p: string[]) => readFileSync(join(copy, ...p), 'utf8');
    expect(read('infra', 'nats', 'nats.conf')).toContain(`{ user: ${NAME}, password: $NATS_GRANTS_PASSWORD`);
    expect(read('infra', 'nats', 'nats.conf')).toContain(`publish: ["evt.*.${NAME}.>"`);
    expect(read('infra', 'dev', 'start.mjs')).toContain(`{ name: '${NAME}', port: 3006, db: 'passerelle_${NAME}' }`);
    expect(read('infra', 'caddy', 'Caddyfile')).toContain(`reverse_proxy ${NAME}:3006`);
    expect(read('packages', 'contracts', 'src', 'catalog.ts')).toContain(`...${NAME}Events`);
    // Everything it wrote or edited passes the repository's format check, as npm run lint runs it.
    const format = run('node', [
      join(copy, 'node_modules', 'prettier', 'bin', 'prettier.cjs'),
      '--check',
      '**/*.{ts,mts,js,mjs}',
    ]);
    expect(format.status, format.out).toBe(0);

    for (const project of [
      'packages/contracts/tsconfig.build.json',
      `services/${NAME}/tsconfig.build.json`,
      `services/${NAME}/tsconfig.json`,
    ]) {
      const r = run('node', [tsc, '-p', project]);
      expect(r.status, `${project}: ${r.out}`).toBe(0);
    }
    const schemas = run('node', ['dist/cli/export-schemas.js', 'schemas'], join(copy, 'packages', 'contracts'));
    expect(schemas.status, schemas.out).toBe(0);
    const contracts = run(
      'node',
      [vitest, 'run', 'src/schemas.test.ts', 'src/asyncapi.test.ts', 'src/registry.test.ts'],
      join(copy, 'packages', 'contracts'),
    );
    expect(contracts.status, contracts.out).toBe(0);

    const tests = run('node', [vitest, 'run'], join(copy, 'services', NAME), 180_000);
    expect(tests.status, tests.out).toBe(0);
    expect(tests.out).toMatch(/Tests\s+.*4 passed/);

    const deploy = run(
      'node',
      [vitest, 'run', 'src/compose.test.ts', 'src/edge-files.test.ts', 'src/scale.test.ts'],
      join(copy, 'packages', 'deploy-checks'),
    );
    expect(deploy.status, deploy.out).toBe(0);
  }, 420_000);
});
