import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// What `npm pack` puts in the tarballs an app installs: the SDK and the contracts it depends on.
const packages = join(import.meta.dirname, '..', '..');
const pack = (dir: string) =>
  JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: join(packages, dir),
      encoding: 'utf8',
    }),
  )[0] as { name: string; files: Array<{ path: string }> };
const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(packages, dir, 'package.json'), 'utf8')) as {
    private?: boolean;
    version: string;
    dependencies?: Record<string, string>;
    license?: string;
  };

describe('npm pack', () => {
  it.each(['events', 'contracts'])('@passerelle/%s packs its built code and types, no tests, and is public', (dir) => {
    const files = pack(dir).files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']));
    expect(files.filter((f) => /\.test\.|^dist\/(examples|cli)\//.test(f))).toEqual([]);
    const m = manifest(dir);
    expect(m.private).toBeUndefined();
    expect(m.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(m.license).toBeTruthy();
  });
  it('depends only on published packages: its workspace dependency is public too, at the version it has', () => {
    const deps = manifest('events').dependencies ?? {};
    expect(deps['@passerelle/contracts']).toBe(manifest('contracts').version);
    expect(Object.keys(deps).filter((d) => d.startsWith('@passerelle/'))).toEqual(['@passerelle/contracts']);
    expect(pack('contracts').files.map((f) => f.path)).toContain('schemas/asyncapi.json');
  });
});
