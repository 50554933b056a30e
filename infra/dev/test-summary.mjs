#!/usr/bin/env node
// Adds up the vitest JSON reports of every workspace into one closing line, and fails if any test failed
// or if no test ran at all (a silent skip must never look like a pass).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0,
  failed = 0,
  skipped = 0,
  files = 0;
for (const group of ['packages', 'services']) {
  for (const name of readdirSync(group)) {
    // vitest.json, plus vitest-nats-current.json from the second pass on the NATS version compose runs.
    const dir = join(group, name, 'test-output');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => /^vitest.*\.json$/.test(f))) {
      const r = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      files++;
      passed += r.numPassedTests;
      failed += r.numFailedTests + (r.success ? 0 : r.numFailedTestSuites);
      skipped += r.numPendingTests + r.numTodoTests;
    }
  }
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped (${files} reports)`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
