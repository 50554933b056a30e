#!/usr/bin/env node
// Takes one real event per type from the streams of a NATS server (events that services published through their
// APIs, e.g. in their integration tests or the demo) and writes them as the AsyncAPI examples of the contracts:
// packages/contracts/schemas/examples/<type>.json. Only events that pass the current schema strictly are kept.
// Usage: node dist/cli/capture-examples.js [nats-url] [stream-name-prefix]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { registry } from '@passerelle/contracts';

const url = process.argv[2] ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = process.argv[3] ?? 'EVENTS';
const out = join(import.meta.dirname, '..', '..', '..', 'contracts', 'schemas', 'examples');
const nc = await connect({ servers: url });
const jsm = await jetstreamManager(nc);
const found = new Map<string, unknown>();
for await (const s of jsm.streams.list()) {
  if (!s.config.name.startsWith(prefix)) continue;
  for (let seq = s.state.first_seq; seq <= s.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(s.config.name, { seq }).catch(() => null);
    if (!m) continue;
    try {
      const event = registry.parse(m.data, m.subject, { strict: true });
      // The richest example of a type that stays readable: the longest up to 4,000 characters, else the shortest.
      const score = (e: unknown) => {
        const n = JSON.stringify(e).length;
        return n <= 4000 ? n : -n;
      };
      const before = found.get(event.type);
      if (!before || score(event) > score(before)) found.set(event.type, JSON.parse(new TextDecoder().decode(m.data)));
    } catch {
      /* not an event of the current contracts */
    }
  }
}
await nc.close();
mkdirSync(out, { recursive: true });
for (const [type, event] of found) writeFileSync(join(out, `${type}.json`), JSON.stringify(event, null, 2) + '\n');
const missing = registry.definitions.map((d) => d.type).filter((t) => !found.has(t));
console.log(`wrote ${found.size} examples to ${out}${missing.length ? `; no event of ${missing.join(', ')}` : ''}`);
