import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { allEvents } from './catalog.js';

// The committed AsyncAPI document, read by the AsyncAPI project's own parser as an integrator's tools would.
const doc = readFileSync(join(import.meta.dirname, '..', 'schemas', 'asyncapi.json'), 'utf8');

// The parser is slow on a busy 2-core machine: a minute per test.
describe('the AsyncAPI document', { timeout: 60_000 }, () => {
  it('parses as AsyncAPI 3.0 without errors or warnings', async () => {
    const { document, diagnostics } = await new Parser().parse(doc);
    expect(
      diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`),
    ).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
  });

  it('gives an integrator servers, the integration user, subject parameters, NATS bindings, the envelope and an example per type', async () => {
    const { document } = await new Parser().parse(doc);
    expect(
      document!
        .servers()
        .all()
        .map((s) => `${s.protocol()}://${s.host()}`),
    ).toEqual(['nats://nats:4222', 'nats://127.0.0.1:4222']);
    expect(document!.servers().get('production')!.security()[0]!.all()[0]!.scheme().type()).toBe('userPassword');
    const channels = document!.channels().all();
    expect(channels).toHaveLength(allEvents.length);
    for (const c of channels) {
      expect(c.address()).toMatch(/^evt\.\{country\}\.[a-z_]+\.[a-z_]+\.[a-z_]+$/);
      expect(c.parameters().get('country')!.schema()?.enum()).toContain('MA');
      const op = c.operations().all()[0]!;
      expect(op.action()).toBe('receive');
      expect(op.bindings().has('nats')).toBe(true);
      const message = c.messages().all()[0]!;
      expect(message.examples().all()).toHaveLength(1);
      expect(message.examples().all()[0]!.payload()).toMatchObject({ specversion: '1.0', type: message.name() });
      expect(message.correlationId()?.location()).toBe('$message.payload#/correlationid');
    }
    expect(document!.components().schemas().get('CloudEventEnvelope')).toBeDefined();
  });
});
