import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyCheckout, linkModules, runIn, tsc, vitest } from './repo-copy.js';

// `npm run new:service` run on a copy of this checkout (its tracked and new files, and the packages' builds): the
// generated service builds, typechecks and passes its own unit and integration tests, and the deploy checks that
// read compose, NATS, the proxy and the realm pass with it.
const NAME = 'grants';
let copy: string;
const run = (cmd: string, args: string[], cwd = copy, timeout = 120_000) => runIn(cwd, cmd, args, timeout);

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
