import type { TestProject } from 'vitest/node';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { MongoClient } from 'mongodb';
import { resolveInfrastructure, type InfraInfo } from './infrastructure.js';

declare module 'vitest' {
  interface ProvidedContext {
    infra: InfraInfo;
  }
}

/** Proves the servers are real and usable before any test runs, and says which ones they are. */
async function describeServers(natsUrl: string, mongoUrl: string) {
  const nc = await connect({ servers: natsUrl, timeout: 5000 });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.getAccountInfo();
    const nats = `NATS ${nc.info?.version ?? '?'} with JetStream`;
    const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 10_000 });
    try {
      const info = await client.db('admin').command({ buildInfo: 1 });
      const mongo = info.ferretdbVersion
        ? `FerretDB ${String(info.ferretdbVersion)} (MongoDB wire ${String(info.version)})`
        : `MongoDB ${String(info.version)}`;
      return { nats, mongo };
    } finally {
      await client.close();
    }
  } finally {
    await nc.close();
  }
}

export default async function setup(project: TestProject) {
  const infra = await resolveInfrastructure();
  try {
    const servers = await describeServers(infra.natsUrl, infra.mongoUrl);
    const info: InfraInfo = {
      natsUrl: infra.natsUrl,
      mongoUrl: infra.mongoUrl,
      nats: `${servers.nats} — ${infra.how.nats}`,
      mongo: `${servers.mongo} — ${infra.how.mongo}`,
    };
    // The run log must show which real servers the tests used.
    console.warn(
      `[testkit] real servers for ${project.name || 'tests'}:\n  bus:      ${info.nats} at ${info.natsUrl}\n  database: ${info.mongo} at ${info.mongoUrl}`,
    );
    project.provide('infra', info);
  } catch (e) {
    await infra.stop();
    throw e;
  }
  return infra.stop;
}
