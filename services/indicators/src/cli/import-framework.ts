#!/usr/bin/env node
// Loads a framework file (e.g. demo/morocco-framework.yaml) into a running indicators service through its API.
// Usage: node dist/cli/import-framework.js <file.yaml|file.json> [--url http://127.0.0.1:3004] [--publish]
// The bearer token comes from PASSERELLE_TOKEN (mint one with `npm run token`, scope indicators:write).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: process.env.INDICATORS_URL ?? 'http://127.0.0.1:3004' },
    publish: { type: 'boolean', default: false },
  },
});
const [path] = positionals;
const token = process.env.PASSERELLE_TOKEN;
if (!path || !token) {
  console.error(
    'usage: PASSERELLE_TOKEN=<jwt> node dist/cli/import-framework.js <file.yaml|file.json> [--url URL] [--publish]',
  );
  process.exit(2);
}
const type = /\.ya?ml$/i.test(path) ? 'application/yaml' : 'application/json';
const res = await fetch(`${values.url}/frameworks/import?publish=${values.publish}`, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': type },
  body: await readFile(path),
});
const body = (await res.json()) as {
  id?: string;
  version?: number;
  events?: number;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
};
if (res.ok) {
  console.log(`imported ${body.id} (${body.events} events)`);
} else if (res.status === 409) {
  console.log(`already there: ${body.detail}`);
} else {
  console.error(`import refused (${res.status}): ${body.detail}`);
  for (const e of body.errors ?? []) console.error(`  ${e.path}: ${e.message}`);
  process.exit(1);
}
