import { connect } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { isolatedEnv } from './index.js';
import { NO_SERVERS } from './vitest-config.js';

// What makes `npm run test:unit` run without any server, checked from inside a unit project built by testConfig()
// (this workspace's): no global setup provided servers, and the server variables lead to closed ports. If a change
// gave unit tests servers again, these fail.
const refused = (url: string) =>
  new Promise<string>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });

describe('the unit project', () => {
  it('gets no servers from a global setup, and says where a test needing them belongs', () => {
    expect(inject('infra')).toBeUndefined();
    expect(() => isolatedEnv('unit')).toThrow(/\*\.int\.test\.ts/);
  });
  it('sees NATS_URL, MONGO_URL and PG_URL pointing to ports nothing listens on', async () => {
    expect({ NATS_URL: process.env.NATS_URL, MONGO_URL: process.env.MONGO_URL, PG_URL: process.env.PG_URL }).toEqual(
      NO_SERVERS,
    );
    for (const url of Object.values(NO_SERVERS)) expect(await refused(url), url).toBe('ECONNREFUSED');
  });
});
