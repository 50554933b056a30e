import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { root } from './compose-file.js';

// A copy of this checkout that a test may change (generate a service, add a field or a dimension) and build, without
// touching the checkout itself. node_modules is linked, except the workspace packages, which point into the copy so
// what is compiled there is what the copy's code imports.

/** TypeScript's and Vitest's entry points, run with node so the copy needs no npx. */
export const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
export const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');

/** Runs a command in a folder of the copy: its exit status and its output (stdout then stderr), for assertions. */
export function runIn(cwd: string, cmd: string, args: string[], timeout = 120_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** The repository as git sees it (tracked and untracked, ignored files left out), plus every package's dist. */
export function copyCheckout(to: string) {
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
export function linkModules(to: string) {
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
