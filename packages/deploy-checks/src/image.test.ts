import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appServices, read, root } from './compose-file.js';

const dockerfile = read('infra', 'docker', 'Dockerfile');

describe('the one Dockerfile', () => {
  it('is the only one, parameterised by SERVICE', () => {
    for (const name of appServices)
      expect(existsSync(join(root, 'services', name, 'Dockerfile')), `services/${name}/Dockerfile`).toBe(false);
    expect(dockerfile).toMatch(/^ARG SERVICE$/m);
    expect(dockerfile).toContain('--filter="@passerelle/${SERVICE}..."');
    expect(dockerfile).toContain('COPY --from=build /app/services/${SERVICE} ./services/${SERVICE}');
  });
  it('multi-stage, pinned base image, non-root, health-checked, with the entry point', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBe(2);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["passerelle"\]$/m);
    // npm's workspace commands need the root package.json in the image.
    expect(dockerfile).toContain('COPY --from=build /app/package.json ./package.json');
  });
  it('tests run on the Node version the image pins', () => {
    const pinned = /node:(\d+\.\d+\.\d+)/.exec(dockerfile)![1];
    expect(process.versions.node).toBe(pinned);
  });
});

describe('the entry point inside the image layout', () => {
  // The projection image's /app, laid out as the Dockerfile copies it: root package.json, node_modules, packages,
  // and only services/projection. (No engine here to build the image itself.)
  const app = mkdtempSync(join(tmpdir(), 'passerelle-image-'));
  cpSync(join(root, 'package.json'), join(app, 'package.json'));
  for (const dir of ['node_modules', 'packages']) symlinkSync(join(root, dir), join(app, dir));
  mkdirSync(join(app, 'services', 'projection'), { recursive: true });
  cpSync(join(root, 'services', 'projection', 'package.json'), join(app, 'services', 'projection', 'package.json'));
  cpSync(join(root, 'services', 'projection', 'dist'), join(app, 'services', 'projection', 'dist'), {
    recursive: true,
  });
  afterAll(() => rmSync(app, { recursive: true, force: true }));
  const entry = join(root, 'infra', 'docker', 'entrypoint.sh');
  // No token settings: the command must get as far as validating its configuration, and say what is missing.
  const env = { PATH: process.env.PATH!, HOME: app, PASSERELLE_HOME: app, SERVICE: 'projection' };

  it('`passerelle rebuild` reaches the rebuild command', () => {
    const r = spawnSync('sh', [entry, 'rebuild'], { cwd: '/', env, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/invalid configuration[\s\S]*JWT_SECRET/);
  });
  it('`npm run rebuild -w @passerelle/projection`, as documented, works there too', () => {
    const r = spawnSync('npm', ['run', 'rebuild', '-w', '@passerelle/projection'], { cwd: app, env, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toMatch(/invalid configuration[\s\S]*JWT_SECRET/);
  });
  it('`passerelle provision` reaches the provisioning command, and serve the service', () => {
    const p = spawnSync('sh', [entry, 'provision'], {
      cwd: '/',
      env: { ...env, STREAM_REPLICAS: '2' },
      encoding: 'utf8',
    });
    expect(p.stdout + p.stderr).toMatch(/STREAM_REPLICAS/);
    const s = spawnSync('sh', [entry], { cwd: '/', env, encoding: 'utf8' });
    expect(s.stderr).toMatch(/invalid configuration[\s\S]*JWT_SECRET/);
  });
});
