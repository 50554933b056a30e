import { generateEvents } from '@passerelle/testkit/history';
import type { Infra, Space } from '../infra.js';
import { benchToken, fire, summary } from '../load.js';
import { entries, startService } from '../services.js';

export interface DashboardOptions {
  /** Events the rebuilt model holds (the history the new events continue). */
  modelEvents: number;
  seed: number;
  /** Events per second published while the clients read. */
  eventsPerSecond: number;
  connections: number;
  seconds: number;
  /** Clients read a reporting replica (`PROJECTION_ROLE=api`) while another process applies, as deployed. */
  splitRoles?: boolean;
  log: (line: string) => void;
}

/** What a dashboard asks, with the share of the clients on each. */
export const DASHBOARD_QUERIES: Array<[string, number]> = [
  ['/reports/factsheet?framework=ARMP-MA&period=PY1&lang=fr', 3],
  ['/reports/indicators?framework=ARMP-MA&period=PY1', 3],
  ['/reports/trainings-summary?country=MA', 2],
  ['/reports/assistance-summary?country=MA', 2],
];

/**
 * Scenario 6: the reporting API of a live projection (it consumes and applies) on the model the rebuild left, with
 * clients on a dashboard's reports while the same generated history goes on arriving at a steady rate. Each report's
 * first answer is cold; the load that follows is what staff see during the day.
 */
export async function dashboardScenario(infra: Infra, space: Space, o: DashboardOptions) {
  const projection = await startService(
    'projection',
    entries.projection,
    space.env('projection', { PROJECTION_CONSUMER: 'dashboard' }),
  );
  const reader = o.splitRoles
    ? await startService('reporting', entries.projection, space.env('projection', { PROJECTION_ROLE: 'api' }))
    : projection;
  const headers = { authorization: `Bearer ${await benchToken()}` };
  const status = async () =>
    (await (await fetch(`${projection.url}/projection/status`, { headers })).json()) as {
      lag: number;
      lastApplied: number;
    };
  try {
    // The new consumer starts at the stream's beginning: wait until it has skipped what the model already holds.
    for (let s = await status(); s.lag > 0; s = await status()) await new Promise((r) => setTimeout(r, 500));
    const first: Record<string, number> = {};
    for (const [path] of DASHBOARD_QUERIES) {
      const t0 = performance.now();
      const res = await fetch(`${reader.url}${path}`, { headers });
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      await res.arrayBuffer();
      first[path] = Math.round(performance.now() - t0);
      o.log(`${path}: first answer in ${first[path]} ms`);
    }
    // The history goes on where the model's part of it ended: the same generator, the same seed, the next events.
    const total = o.modelEvents + Math.ceil(o.eventsPerSecond * (o.seconds + 5));
    const next = [...generateEvents({ seed: o.seed, count: total, prefix: space.streams.prefix })].slice(o.modelEvents);
    let published = 0;
    const started = performance.now();
    const publisher = setInterval(() => {
      const due = Math.floor(((performance.now() - started) / 1000) * o.eventsPerSecond);
      while (published < due && published < next.length) {
        const g = next[published++]!;
        void infra.js.publish(g.subject, JSON.stringify(g.event), { msgID: g.msgId });
      }
    }, 50);
    const applied = (await status()).lastApplied;
    const runs = await Promise.all(
      DASHBOARD_QUERIES.map(async ([path, connections]) => ({
        path,
        firstMs: first[path],
        ...summary(
          await fire({
            url: `${reader.url}${path}`,
            connections: Math.max(1, Math.round((connections / 10) * o.connections)),
            duration: o.seconds,
            headers,
            timeout: 60,
          }),
        ),
      })),
    );
    clearInterval(publisher);
    const after = await status();
    const seconds = (performance.now() - started) / 1000;
    return {
      connections: o.connections,
      seconds: o.seconds,
      roles: o.splitRoles
        ? 'clients on a reporting replica, another process applies'
        : 'one process applies and serves',
      modelEvents: o.modelEvents,
      ingestion: {
        targetPerSecond: o.eventsPerSecond,
        published,
        publishedPerSecond: Math.round((published / seconds) * 10) / 10,
        appliedDuringLoad: after.lastApplied - applied,
        lagAtEnd: after.lag,
      },
      endpoints: runs,
      worstP99: Math.max(...runs.map((r) => r.p99)),
    };
  } finally {
    if (reader !== projection) await reader.stop();
    await projection.stop();
  }
}
