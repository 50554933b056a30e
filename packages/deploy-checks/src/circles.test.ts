import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from './compose-file.js';

// The import-circle check `npm run lint` runs over every workspace (infra/dev/circles.mjs), tried on small
// fixtures written as the services write modules: TypeScript files importing each other by `./x.js`.
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function fixture(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'circles-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return spawnSync(process.execPath, [join(root, 'infra', 'dev', 'circles.mjs'), dir], { encoding: 'utf8' });
}

describe('the import-circle check', () => {
  it('fails on a circle and names every module in it, type-only imports included', () => {
    const r = fixture({
      'app.ts':
        "import { routes } from './routes-a.js';\nexport const TYPES = ['a'];\nexport const app = () => routes();\n",
      'routes-a.ts':
        "import type { Ctx } from './context.js';\nimport { TYPES } from './app.js';\nexport const routes = (_c?: Ctx) => TYPES;\n",
      'context.ts': 'export interface Ctx { a: number }\n',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/1 import circle\(s\) among 3 modules/);
    expect(r.stderr).toContain('app.ts → routes-a.ts → app.ts');
  });

  it('passes on the same modules once the shared constant has a module of its own', () => {
    const r = fixture({
      'app.ts': "import { routes } from './routes-a.js';\nexport const app = () => routes();\n",
      'routes-a.ts':
        "import type { Ctx } from './context.js';\nimport { TYPES } from './context.js';\nexport const routes = (_c?: Ctx) => TYPES;\n",
      'context.ts': "export interface Ctx { a: number }\nexport const TYPES = ['a'];\n",
    });
    // All three modules are found through their `.js` specifiers, so the check really followed the imports.
    expect({ status: r.status, out: r.stdout }).toMatchObject({
      status: 0,
      out: expect.stringMatching(/no import circle among 3 modules/),
    });
  });
});
