import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, serviceConfigShape } from './config.js';

const shape = serviceConfigShape({ port: 3001, db: 'passerelle_test' });
const secret = 'x'.repeat(32);

describe('configuration from the environment', () => {
  it('fills defaults', () => {
    const c = loadConfig(shape, { JWT_SECRET: secret });
    expect(c).toMatchObject({
      PORT: 3001,
      MONGO_DB: 'passerelle_test',
      EVENTS_STREAM: 'EVENTS',
      EVENTS_PREFIX: 'evt',
      LOG_LEVEL: 'info',
    });
  });
  it('names every bad variable', () => {
    try {
      loadConfig(shape, { JWT_SECRET: 'short', PORT: 'eighty', MONGO_URL: 'postgres://x' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toMatch(/JWT_SECRET: must be at least 32 characters/);
      expect(msg).toMatch(/PORT/);
      expect(msg).toMatch(/MONGO_URL: must be a mongodb:\/\/ URL/);
    }
  });
  it('refuses to start without a way to verify tokens', () => {
    expect(() => loadConfig(shape, {})).toThrow(/JWT_SECRET.*not set/);
  });
  it('treats an empty variable as unset', () => {
    expect(loadConfig(shape, { JWT_SECRET: secret, PORT: '' }).PORT).toBe(3001);
  });
});
