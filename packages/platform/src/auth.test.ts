import { describe, expect, it } from 'vitest';
import { assertCountry, createVerifier, mintToken } from './auth.js';

const secret = 'a-secret-of-at-least-thirty-two-chars!';
const verify = createVerifier({ secret, issuer: 'passerelle', audience: 'passerelle' });

describe('bearer tokens', () => {
  it('carry the actor, scopes and countries', async () => {
    const p = await verify(
      await mintToken({ subject: 'u-42', scopes: ['trainings:write'], countries: ['MA'], secret }),
    );
    expect(p.actor).toBe('u-42');
    expect([...p.scopes]).toEqual(['trainings:write']);
    expect(() => assertCountry(p, 'MA')).not.toThrow();
    expect(() => assertCountry(p, 'TN')).toThrow(/does not cover country TN/);
  });
  it('a star covers every country', async () => {
    const p = await verify(await mintToken({ subject: 'u', scopes: [], countries: ['*'], secret }));
    expect(() => assertCountry(p, 'SN')).not.toThrow();
  });
  it.each([
    ['expired', { ttl: '-1m' }, /expired/],
    ['another secret', { secret: 'another-secret-of-at-least-thirty-two!' }, /not valid/],
    ['another audience', { audience: 'elsewhere' }, /not valid/],
  ])('refuses a token with %s', async (_n, over, msg) => {
    const token = await mintToken({ subject: 'u', scopes: [], countries: ['MA'], secret, ...over });
    await expect(verify(token)).rejects.toThrow(msg);
  });
});
