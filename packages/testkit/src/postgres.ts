import { createConnection } from 'node:net';

const HOW_TO_PG = `
The warehouse tests need a real PostgreSQL. Give them one of:
  - PG_URL=postgres://user@host:5432/postgres in the environment (a role that may create databases);
  - a local server on 127.0.0.1:5432 that trusts the postgres user (Debian: apt-get install postgresql).
bash infra/dev/setup.sh installs it on a fresh machine.`;

export class MissingPostgresError extends Error {
  override readonly name = 'MissingPostgresError';
  readonly code = 'NO_POSTGRES';
  constructor(detail: string) {
    super(`no PostgreSQL found for the tests (${detail}).${HOW_TO_PG}`);
  }
}

const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ host, port }, () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.setTimeout(3000, () => {
      s.destroy();
      resolve(false);
    });
  });

/**
 * The PostgreSQL the tests use, as an admin URL (its `postgres` database): PG_URL from the environment, else a local
 * server on 127.0.0.1:5432 as the postgres user. Throws MissingPostgresError when there is none: never a silent skip.
 */
export async function resolvePostgres(): Promise<{ url: string; how: string }> {
  const url = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const parsed = new URL(url);
  if (!(await reachable(parsed.hostname, Number(parsed.port || 5432)))) {
    throw new MissingPostgresError(
      process.env.PG_URL
        ? `PG_URL ${parsed.host} does not answer`
        : 'nothing listens on 127.0.0.1:5432 and PG_URL is not set',
    );
  }
  return { url, how: process.env.PG_URL ? 'PG_URL from the environment' : 'local PostgreSQL on 127.0.0.1:5432' };
}

/** The URL of another database on the same server (a test file's own). */
export const postgresDatabaseUrl = (adminUrl: string, database: string) => {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
};
