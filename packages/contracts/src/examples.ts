import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Example events by type, from a folder of `<type>.json` files (schemas/examples, captured from real streams). */
export function loadExamples(dir: string): Record<string, unknown> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f.slice(0, -'.json'.length), JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown]),
  );
}
