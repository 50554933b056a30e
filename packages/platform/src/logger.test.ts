import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('logs', () => {
  it('are JSON with secrets and personal fields redacted', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger({ service: 't', destination });
    log.info(
      {
        req: { headers: { authorization: 'Bearer abc.def' } },
        body: { caseReference: 'CASE-77', phone: '+212600000000', email: 'a@b.org', count: 3 },
      },
      'x',
    );
    const line = JSON.parse(lines[0]!);
    expect(line.service).toBe('t');
    expect(lines[0]).not.toMatch(/abc\.def|CASE-77|\+212600000000|a@b\.org/);
    expect(line.body.count).toBe(3);
  });
});
