#!/usr/bin/env node
// Adds up the vitest JSON reports of every workspace into one closing line, and fails if any test failed
// or if no test ran at all (a silent skip must never look like a pass).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0, failed = 0, skipped = 0, files = 0;
for (const group of ['packages', 'services']) {
  for (const name of readdirSync(group)) {
    const report = join(group, name, 'test-output', 'vitest.json');
    if (!existsSync(report)) continue;
    const r = JSON.parse(readFileSync(report, 'utf8'));
    files++;
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.success ? 0 : r.numFailedTestSuites);
    skipped += r.numPendingTests + r.numTodoTests;
  }
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped (${files} workspaces)`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
