import { MongoClient, type Db, type IndexDescription } from 'mongodb';
import type { Logger } from 'pino';

export type { Db };

/** Connects with retries so a service can start before its database; each service owns one database. */
export async function connectMongo(
  url: string,
  dbName: string,
  logger: Logger,
  attempts = 30,
): Promise<{ client: MongoClient; db: Db }> {
  for (let attempt = 1; ; attempt++) {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000, appName: dbName });
    try {
      await client.connect();
      const db = client.db(dbName);
      await db.command({ ping: 1 });
      logger.info({ db: dbName }, 'connected to MongoDB');
      return { client, db };
    } catch (e) {
      await client.close().catch(() => undefined);
      if (attempt >= attempts)
        throw new Error(
          `could not connect to MongoDB at ${redactUrl(url)} after ${attempt} attempts: ${(e as Error).message}`,
          { cause: e },
        );
      logger.warn({ attempt, err: (e as Error).message }, 'MongoDB not reachable yet, retrying');
      await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
    }
  }
}

/** Creates the indexes a service needs; run at start-up, a no-op when they exist. */
export async function ensureIndexes(db: Db, specs: Record<string, IndexDescription[]>): Promise<void> {
  for (const [collection, indexes] of Object.entries(specs)) {
    // Only the missing ones, one at a time: FerretDB 1.24 panics on createIndexes for indexes that exist.
    const existing = new Set(
      (
        await db
          .collection(collection)
          .listIndexes()
          .toArray()
          .catch(() => [])
      ).map((i) => i.name as string),
    );
    for (const index of indexes) {
      if (!index.name) throw new Error(`index on ${collection} needs a name`);
      if (!existing.has(index.name)) await db.collection(collection).createIndexes([index]);
    }
  }
}

/** True for MongoDB's duplicate-key error (code 11000). */
export const isDuplicateKey = (e: unknown): boolean => (e as { code?: number })?.code === 11000;

/** The URL without its password, for messages and logs. */
export const redactUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
