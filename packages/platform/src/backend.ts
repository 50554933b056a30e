import type { Db } from 'mongodb';

/** Which server answers the MongoDB wire protocol, and on FerretDB which storage it runs on. */
export interface Backend {
  engine: 'mongodb' | 'ferretdb';
  /** FerretDB's storage, read from the shape of a query plan (buildInfo does not name it); absent if no collection exists yet. */
  backend?: 'sqlite' | 'postgresql';
  /** The server's own version: FerretDB's (e.g. v1.24.2), else MongoDB's. */
  version: string;
}

/** The parts of a buildInfo answer that tell the engine apart. */
export interface BuildInfo {
  version?: unknown;
  ferretdbVersion?: unknown;
}

/**
 * Pure: the backend from a buildInfo answer (FerretDB adds `ferretdbVersion`, MongoDB does not) and, on FerretDB,
 * the `queryPlanner` of an explained find: FerretDB passes its storage's own plan through, SQLite's as lines
 * like "id=2 parent=0 notused=0 detail=SCAN t_…", PostgreSQL's as EXPLAIN JSON with "Node Type".
 */
export function backendFrom(info: BuildInfo, queryPlanner?: unknown): Backend {
  if (typeof info.ferretdbVersion !== 'string')
    return { engine: 'mongodb', version: String(info.version ?? 'unknown') };
  const plan = JSON.stringify(queryPlanner ?? null);
  const backend = /detail=/.test(plan) ? 'sqlite' : /Node Type/.test(plan) ? 'postgresql' : undefined;
  return { engine: 'ferretdb', ...(backend ? { backend } : {}), version: info.ferretdbVersion };
}

/** The plan of a find on some existing collection (this database's first, else another's): an empty one has none. */
async function somePlan(db: Db): Promise<unknown> {
  const names = [db.databaseName, ...(await db.admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name)];
  for (const name of names) {
    const other = db.client.db(name);
    const [first] = await other.listCollections({}, { nameOnly: true }).toArray();
    if (first) return (await other.command({ explain: { find: first.name, filter: {}, limit: 1 } })).queryPlanner;
  }
  return undefined;
}

/**
 * True when writes to one aggregate must be serialised in-process: FerretDB 1.x applies an update as a read then
 * a write (FerretDB/FerretDB#3040), so overlapping updates lose one; MongoDB's conditional update is atomic.
 */
export const needsAggregateLock = (b: Backend): boolean => b.engine === 'ferretdb';

const detected = new WeakMap<Db, Promise<Backend>>();

/** The backend behind a database handle, asked once per handle (buildInfo) and remembered. */
export function detectBackend(db: Db): Promise<Backend> {
  let found = detected.get(db);
  if (!found) {
    found = (async () => {
      const info = (await db.admin().command({ buildInfo: 1 })) as BuildInfo;
      // The plan only names FerretDB's storage; a failed look-up leaves it unnamed rather than failing start-up.
      const plan = info.ferretdbVersion ? await somePlan(db).catch(() => undefined) : undefined;
      return backendFrom(info, plan);
    })();
    // A failed look-up (database unreachable) must not be remembered: the next call asks again.
    found.catch(() => detected.delete(db));
    detected.set(db, found);
  }
  return found;
}
