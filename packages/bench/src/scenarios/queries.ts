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
  /** The reports asked (REPORT_QUERIES when absent). */
  paths?: string[];
  /** Compare each report as of a never-asked instant with now (default true). */
  asOf?: boolean;
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
 * Scenario 4: the first (cold) answer of each main reporting endpoint, then concurrent clients (autocannon) on each,
 * against the model a rebuild left in `space`. The projection runs with a subject filter that matches nothing, so it only serves reads.
 */
export async function queriesScenario(infra: Infra, space: Space, o: QueriesOptions) {
  const projection = await startService(
    'projection',
    entries.projection,
    space.env('projection', {
      PROJECTION_FILTER: `${space.streams.prefix}.none.>`,
      PROJECTION_CONSUMER: 'reads_only',
      ...(o.reportCache !== undefined ? { REPORT_CACHE_FACTS: String(o.reportCache) } : {}),
    }),
  );
  const headers = { authorization: `Bearer ${await benchToken()}` };
  try {
    const db = infra.mongo.db(space.db('projection'));
    const meta = await db.collection<{ _id: string; generation?: number }>('rm_meta').findOne({ _id: 'current' });
    const facts = await db.collection(`g${meta?.generation ?? 1}_facts`).estimatedDocumentCount();
    // Every cold answer first, one at a time: under load the server goes on with requests the clients gave up on,
    // which would slow the next endpoint's first answer.
    const first = new Map<string, number | string>();
    const paths = o.paths ?? REPORT_QUERIES;
    for (const path of paths) {
      try {
        const t0 = performance.now();
        const answer = await getOnce(`${projection.url}${path}`, headers, o.firstTimeoutSeconds * 1000);
        if (answer.status !== 200) throw new Error(`answered ${answer.status}: ${answer.body.slice(0, 500)}`);
        first.set(path, Math.round(performance.now() - t0));
        o.log(`${path}: first answer in ${first.get(path)} ms`);
      } catch (e) {
        // One endpoint too slow for this server must not cost the figures of the others.
        first.set(path, (e as Error).message);
        o.log(`${path}: ${(e as Error).message}`);
      }
    }
    // The same reports as of an instant never asked before (half-way through record time): cold too, and nothing may be
    // created to answer them (issue 15: a query over versions, no replay).
    const versions = db.collection<{ recordedAt: string }>(`g${meta?.generation ?? 1}_versions`);
    const [oldest] = await versions
      .find({}, { projection: { recordedAt: 1 } })
      .sort({ recordedAt: 1 })
      .limit(1)
      .toArray();
    const [newest] = await versions
      .find({}, { projection: { recordedAt: 1 } })
      .sort({ recordedAt: -1 })
      .limit(1)
      .toArray();
    const asOf =
      o.asOf !== false && oldest && newest
        ? new Date((Date.parse(oldest.recordedAt) + Date.parse(newest.recordedAt)) / 2 + 123).toISOString()
        : undefined;
    const collections = async () => (await db.listCollections({}, { nameOnly: true }).toArray()).length;
    const before = await collections();
    const asOfAnswers = [];
    // `/reports/participants` takes no `asOf` (it answers 400): only the reports that do are compared.
    for (const path of asOf ? paths.filter((p) => !p.startsWith('/reports/participants')) : []) {
      const nowMs = first.get(path);
      try {
        const t0 = performance.now();
        const answer = await getOnce(`${projection.url}${path}&asOf=${asOf}`, headers, o.firstTimeoutSeconds * 1000);
        if (answer.status !== 200) throw new Error(`answered ${answer.status}: ${answer.body.slice(0, 500)}`);
        const ms = Math.round(performance.now() - t0);
        asOfAnswers.push({
          path,
          asOf,
          coldMs: ms,
          coldNowMs: nowMs,
          ratioToNow: typeof nowMs === 'number' ? Math.round((100 * ms) / Math.max(1, nowMs)) / 100 : null,
        });
        o.log(`${path} as of ${asOf}: first answer in ${ms} ms`);
      } catch (e) {
        asOfAnswers.push({ path, asOf, error: (e as Error).message });
      }
    }
    const collectionsCreated = (await collections()) - before;
    const endpoints = [];
    for (const path of paths) {
      const firstMs = first.get(path);
      if (typeof firstMs !== 'number') {
        endpoints.push({ path, error: firstMs });
        continue;
      }
      o.log(`${path}: ${o.connections} clients for ${o.seconds} s`);
      const r = await fire({
        url: `${projection.url}${path}`,
        connections: o.connections,
        duration: o.seconds,
        headers,
        timeout: 120,
      });
      endpoints.push({ path, firstMs, ...summary(r), perSecond: Math.round((r['2xx'] / r.duration) * 10) / 10 });
    }
    return {
      facts,
      connections: o.connections,
      seconds: o.seconds,
      reportCache: o.reportCache ?? 'default',
      endpoints,
      asOf: { answers: asOfAnswers, collectionsCreated },
    };
  } finally {
    await projection.stop();
  }
}

/** One GET with its own time limit (fetch gives up on headers after 300 s; a cold report here can take longer). */
function getOnce(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}
