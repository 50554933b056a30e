#!/usr/bin/env node
// Backup and restore of MongoDB databases through the driver, one canonical Extended JSON file per collection
// (types kept: dates, binaries, longs) plus its indexes. The fallback where mongodump/mongorestore are not
// installed (the Go module proxy refuses mongo-tools, so these development machines have none); the compose `ops`
// image has the real tools and backup.sh prefers them. Works against MongoDB and FerretDB.
//   node infra/ops/mongo-ejson.mjs dump    <dir> <db>[,<db>…]     (MONGO_URL: a user that can read them)
//   node infra/ops/mongo-ejson.mjs restore <dir>                  (drops and recreates each collection)
import { createReadStream, createWriteStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mongodb from 'mongodb';

const { MongoClient, BSON } = mongodb;
const { EJSON } = BSON;

const BATCH = 1000;

async function dump(client, dir, dbs) {
  const summary = {};
  for (const name of dbs) {
    const db = client.db(name);
    mkdirSync(join(dir, name), { recursive: true });
    for (const { name: coll } of await db.listCollections({ type: 'collection' }).toArray()) {
      const out = createWriteStream(join(dir, name, `${coll}.ejson`));
      let n = 0;
      for await (const doc of db.collection(coll).find({}, { sort: { _id: 1 } })) {
        if (!out.write(`${EJSON.stringify(doc, { relaxed: false })}\n`)) await once(out, 'drain');
        n++;
      }
      out.end();
      await once(out, 'finish');
      const indexes = (await db.collection(coll).listIndexes().toArray())
        .filter((i) => i.name !== '_id_')
        .map(({ v: _v, ns: _ns, ...i }) => i);
      writeFileSync(join(dir, name, `${coll}.indexes.json`), JSON.stringify(indexes, null, 2));
      summary[`${name}.${coll}`] = n;
    }
  }
  writeFileSync(join(dir, 'collections.json'), JSON.stringify(summary, null, 2));
  return summary;
}

async function restore(client, dir) {
  const summary = {};
  for (const name of readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)) {
    const db = client.db(name);
    await db.dropDatabase();
    for (const file of readdirSync(join(dir, name)).filter((f) => f.endsWith('.ejson'))) {
      const coll = file.slice(0, -'.ejson'.length);
      const collection = db.collection(coll);
      await db.createCollection(coll);
      // One index at a time: FerretDB 1.24 panics on createIndexes for several at once that include an existing one.
      for (const { key, name: indexName, ...options } of JSON.parse(
        readFileSync(join(dir, name, `${coll}.indexes.json`), 'utf8'),
      )) {
        await collection.createIndexes([{ key, name: indexName, ...options }]);
      }
      let batch = [];
      let n = 0;
      for await (const line of createInterface({ input: createReadStream(join(dir, name, file)) })) {
        if (!line) continue;
        batch.push(EJSON.parse(line, { relaxed: false }));
        if (batch.length >= BATCH) {
          await collection.insertMany(batch, { ordered: true });
          n += batch.length;
          batch = [];
        }
      }
      if (batch.length) {
        await collection.insertMany(batch, { ordered: true });
        n += batch.length;
      }
      summary[`${name}.${coll}`] = n;
    }
  }
  return summary;
}

const [command, dir, dbs] = process.argv.slice(2);
const url = process.env.MONGO_URL;
if (!url || !dir || !['dump', 'restore'].includes(command) || (command === 'dump' && !dbs)) {
  console.error('usage: MONGO_URL=… mongo-ejson.mjs dump <dir> <db>[,<db>…] | restore <dir>');
  process.exit(2);
}
const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
try {
  await client.connect();
  const summary =
    command === 'dump' ? await dump(client, dir, dbs.split(',').filter(Boolean)) : await restore(client, dir);
  console.log(JSON.stringify({ [command]: summary }));
} finally {
  await client.close();
}
