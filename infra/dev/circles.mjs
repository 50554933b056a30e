#!/usr/bin/env node
// Fails when modules import each other in a circle (a → b → a, or longer). A circle makes the order in which ES
// modules initialise depend on which one is imported first, so a constant can be undefined in one entry point and
// fine in another; it also means neither module can be understood or moved without the other.
//
//   node infra/dev/circles.mjs                 every workspace's src/ (what `npm run lint` checks)
//   node infra/dev/circles.mjs some/dir ...    only these folders (the unit test runs it on small fixtures)
//
// Type-only imports count too: they cost nothing at run time, but the circle they draw is the same tangle.
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workspaces = () =>
  ['packages', 'services'].flatMap((group) =>
    readdirSync(join(root, group))
      .map((name) => join(root, group, name, 'src'))
      .filter((dir) => existsSync(dir)),
  );

const dirs = process.argv.length > 2 ? process.argv.slice(2) : workspaces();
// The base tsconfig resolves `./x.js` specifiers to `./x.ts`, as tsc does; workspace packages are left out (npm
// and turbo already refuse a circle between workspaces).
const result = await madge(dirs, {
  fileExtensions: ['ts'],
  tsConfig: join(root, 'tsconfig.base.json'),
  excludeRegExp: [/(^|\/)(dist|node_modules)\//],
});
const circles = result.circular();
const files = Object.keys(result.obj()).length;
if (circles.length) {
  console.error(`${circles.length} import circle(s) among ${files} modules:`);
  for (const c of circles) console.error(`  ${c.join(' → ')} → ${c[0]}`);
  console.error('Move what both sides need into a module of its own that imports neither (see CONTRIBUTING.md).');
  process.exit(1);
}
console.log(`no import circle among ${files} modules (${dirs.map((d) => relative(root, d) || '.').join(', ')})`);
