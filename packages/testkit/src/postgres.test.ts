import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './infrastructure.js';
import { MissingPostgresError, postgresDatabaseUrl, resolvePostgres } from './postgres.js';

const saved = process.env.PG_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.PG_URL;
  else process.env.PG_URL = saved;
});

describe('finding PostgreSQL for the tests', () => {
  it('fails loudly, saying how to get one, when PG_URL does not answer', async () => {
    process.env.PG_URL = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
    const e = await resolvePostgres().catch((err: unknown) => err);
    expect(e).toBeInstanceOf(MissingPostgresError);
    expect((e as Error).message).toMatch(/apt-get install postgresql/);
  });
  it("names a test file's own database on the same server", () => {
    expect(postgresDatabaseUrl('postgres://postgres@127.0.0.1:5432/postgres', 'wh_x')).toBe(
      'postgres://postgres@127.0.0.1:5432/wh_x',
    );
  });
});
