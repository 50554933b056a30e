import { request } from 'node:http';
import type { Infra, Space } from '../infra.js';
import { benchToken, fire, summary } from '../load.js';
import { entries, startService } from '../services.js';

export interface QueriesOptions {
  connections: number;
  seconds: number;
  /** How long the first (cold) answer of an endpoint may take before it is reported as too slow. */
  firstTimeoutSeconds: number;
  /** REPORT_CACHE_FACTS of the projection serving the reads (0: every request reads the facts); its default when absent. */
  reportCache?: number;
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
  const projection = await startService('projection', entries.projection, space.env('projection', {
    PROJECTION_FILTER: `${space.streams.prefix}.none.>`, PROJECTION_CONSUMER: 'reads_only', ...(o.reportCache !== undefined ? { REPORT_CACHE_FACTS: String(o.reportCache) } : {}),
  }));
  const headers = { authorization: `Bearer ${await benchToken()}` };
  try {
    const db = infra.mongo.db(space.db('projection'));
    const meta = await db.collection<{ _id: string; generation?: number }>('rm_meta').findOne({ _id: 'current' });
    const facts = await db.collection(`g${meta?.generation ?? 1}_facts`).estimatedDocumentCount();
    const endpoints = [];
    for (const path of REPORT_QUERIES) {
      // One endpoint too slow for this server must not cost the figures of the others.
      try {
        const t0 = performance.now();
        const first = await getOnce(`${projection.url}${path}`, headers, o.firstTimeoutSeconds * 1000);
        const firstMs = Math.round(performance.now() - t0);
        if (first.status !== 200) throw new Error(`answered ${first.status}: ${first.body.slice(0, 500)}`);
        o.log(`${path}: first answer in ${firstMs} ms; ${o.connections} clients for ${o.seconds} s`);
        const r = await fire({ url: `${projection.url}${path}`, connections: o.connections, duration: o.seconds, headers, timeout: 120 });
        endpoints.push({ path, firstMs, ...summary(r), perSecond: Math.round(r['2xx'] / r.duration * 10) / 10 });
      } catch (e) {
        o.log(`${path}: ${(e as Error).message}`);
        endpoints.push({ path, error: (e as Error).message });
      }
    }
    return { facts, connections: o.connections, seconds: o.seconds, reportCache: o.reportCache ?? 'default', endpoints };
  } finally {
    await projection.stop();
  }
}

/** One GET with its own time limit (fetch gives up on headers after 300 s; a cold report here can take longer). */
function getOnce(url: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}
