import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findBinary, freePort, MissingInfrastructureError } from './infrastructure.js';

describe('finding test servers', () => {
  it('gives a port nothing listens on', async () => {
    const port = await freePort();
    await new Promise<void>((resolve, reject) => {
      const srv = createServer()
        .once('error', reject)
        .listen(port, '127.0.0.1', () => srv.close(() => resolve()));
    });
  });
  it('finds binaries on PATH or in extra folders, and says when there is none', () => {
    expect(findBinary('node', [process.execPath.replace(/\/node$/, '')])).toMatch(/node$/);
    expect(findBinary('surely-not-installed-anywhere')).toBeUndefined();
  });
  it('says how to get the servers instead of skipping', () => {
    const e = new MissingInfrastructureError('NATS server');
    expect(e.message).toMatch(/NATS_URL=.*MONGO_URL=/s);
    expect(e.message).toMatch(/apt-get install nats-server/);
    expect(e.message).toMatch(/go install github\.com\/FerretDB/);
  });
});
