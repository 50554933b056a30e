import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

// Reports cannot emit a number that did not pass the disclosure layer: the lint rules of eslint.config.js refuse
// reads of the read model and imports of raw tallies anywhere under reports/ and in app.ts.
const root = fileURLToPath(new URL('../../../..', import.meta.url));
const lint = async (file: string, code: string) => {
  const [r] = await new ESLint({ cwd: root }).lintText(code, { filePath: `${root}services/projection/src/${file}` });
  return r!.messages.map((m) => m.ruleId);
};

describe('the query layer is the only way to the read model', () => {
  it('refuses a report that reads facts itself or takes raw tallies', async () => {
    const reads =
      "import type { Collection } from 'mongodb';\nexport const rows = (facts: Collection) => facts.aggregate([]).toArray();\n";
    expect(await lint('reports/sneaky.ts', reads)).toContain('no-restricted-syntax');
    expect(
      await lint('app.ts', 'export const f = (m: { facts: { find(q: object): unknown } }) => m.facts.find({});\n'),
    ).toContain('no-restricted-syntax');
    expect(
      await lint(
        'reports/sneaky-tally.ts',
        "import { tallyOf } from '../query/tally.js';\nexport const t = tallyOf;\n",
      ),
    ).toContain('@typescript-eslint/no-restricted-imports');
  });
  it('lets a report use published figures', async () => {
    expect(
      await lint(
        'reports/fine.ts',
        "import { figure } from '../query/figures.js';\nexport const f = figure;\nexport const n = [1].find((x) => x > 0);\n",
      ),
    ).toEqual([]);
  });

  it("keeps the folders' arrows pointing one way: facts/ ← apply/ ← query/ ← reports/", async () => {
    const rule = '@typescript-eslint/no-restricted-imports';
    expect(
      await lint(
        'facts/sneaky.ts',
        "import { readModel } from '../apply/read-model.js';\nexport const r = readModel;\n",
      ),
    ).toContain(rule);
    expect(
      await lint('apply/sneaky.ts', "import { figure } from '../query/figures.js';\nexport const f = figure;\n"),
    ).toContain(rule);
    expect(
      await lint(
        'query/sneaky.ts',
        "import { trainingsSummary } from '../reports/summaries.js';\nexport const t = trainingsSummary;\n",
      ),
    ).toContain(rule);
    expect(
      await lint(
        'reports/sneaky-writer.ts',
        "import { readModel } from '../apply/read-model.js';\nexport const r = readModel;\n",
      ),
    ).toContain(rule);
    // Downward is fine.
    expect(
      await lint('query/fine.ts', "import { FactKind } from '../facts/facts.js';\nexport const k = FactKind;\n"),
    ).toEqual([]);
    expect(
      await lint('apply/fine.ts', "import { changesOf } from '../facts/facts.js';\nexport const c = changesOf;\n"),
    ).toEqual([]);
  });
});
