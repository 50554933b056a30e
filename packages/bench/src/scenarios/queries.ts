import type { Infra, Space } from '../infra.js';
import { benchToken, fire, summary } from '../load.js';
import { entries, startService } from '../services.js';

export interface QueriesOptions {
  connections: number;
  seconds: number;
  log: (line: string) => void;
}

/** The main reporting endpoints, as a dashboard asks them. */
export const REPORT_QUERIES = [
  '/reports/figures?source=training_attendance&by=topic',
  '/reports/figures?source=assistance_beneficiaries&measure=unique&by=sex',
  '/reports/indicators?framework=ARMP-MA&period=PY1',
  '/reports/participants?by=sex',
];

/**
 * Scenario 4: concurrent clients (autocannon) on each main reporting endpoint, against the model a rebuild left in
 * `space`. The projection runs with a subject filter that matches nothing, so it only serves reads.
 */
export async function queriesScenario(infra: Infra, space: Space, o: QueriesOptions) {
  const projection = await startService('projection', entries.projection, space.env('projection', { PROJECTION_FILTER: `${space.streams.prefix}.none.>`, PROJECTION_CONSUMER: 'reads_only' }));
  const headers = { authorization: `Bearer ${await benchToken()}` };
  try {
    const db = infra.mongo.db(space.db('projection'));
    const meta = await db.collection<{ _id: string; generation?: number }>('rm_meta').findOne({ _id: 'current' });
    const facts = await db.collection(`g${meta?.generation ?? 1}_facts`).estimatedDocumentCount();
    const endpoints = [];
    for (const path of REPORT_QUERIES) {
      const t0 = performance.now();
      const first = await fetch(`${projection.url}${path}`, { headers });
      const firstMs = Math.round(performance.now() - t0);
      if (!first.ok) throw new Error(`${path} answered ${first.status}: ${(await first.text()).slice(0, 500)}`);
      await first.arrayBuffer();
      o.log(`${path}: first answer in ${firstMs} ms; ${o.connections} clients for ${o.seconds} s`);
      const r = await fire({ url: `${projection.url}${path}`, connections: o.connections, duration: o.seconds, headers, timeout: 120 });
      endpoints.push({ path, firstMs, ...summary(r), perSecond: Math.round(r['2xx'] / r.duration * 10) / 10 });
    }
    return { facts, connections: o.connections, seconds: o.seconds, endpoints };
  } finally {
    await projection.stop();
  }
}
