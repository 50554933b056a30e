import type { Infra } from '../infra.js';
import { DASHBOARD_QUERIES } from './dashboard.js';
import { queriesScenario, REPORT_QUERIES, type QueriesOptions } from './queries.js';
import { rebuildScenario } from './rebuild.js';
import { ratioOf } from '../stats.js';

export interface ScaleOptions extends Omit<QueriesOptions, 'log'> {
  /** The larger model; the smaller one has a tenth of its events. */
  events: number;
  seed: number;
  log: (line: string) => void;
}

/** The reports the issue names (figures, summaries, indicator progress, factsheet JSON) and participants. */
const SCALE_QUERIES = [...new Set([...REPORT_QUERIES, ...DASHBOARD_QUERIES.map(([path]) => path)])];

type Endpoint = { path: string; p50?: number; p99?: number; firstMs?: number; error?: string };

/**
 * Issue 15's first figure from one run: the same reports on a model of N/10 events, then on one of N (each rebuilt
 * into its own space by the rebuild CLI), warm p50 of the larger over the smaller. Same servers, same clients.
 */
export async function scaleScenario(infra: Infra, o: ScaleOptions) {
  const runs = [];
  for (const events of [Math.round(o.events / 10), o.events]) {
    o.log(`model of ${events} events`);
    const rebuilt = await rebuildScenario(infra, { events, seed: o.seed, log: o.log });
    const queries = await queriesScenario(infra, rebuilt.space, { ...o, paths: SCALE_QUERIES, asOf: false });
    runs.push({ events, rebuild: rebuilt.result, queries });
  }
  const [small, large] = runs as [(typeof runs)[0], (typeof runs)[0]];
  const ratios = (large.queries.endpoints as Endpoint[]).map((l) => {
    const s = (small.queries.endpoints as Endpoint[]).find((e) => e.path === l.path);
    return {
      path: l.path,
      small: s ? { p50: s.p50, p99: s.p99, firstMs: s.firstMs, error: s.error } : null,
      large: { p50: l.p50, p99: l.p99, firstMs: l.firstMs, error: l.error },
      p50Ratio: ratioOf(l.p50, s?.p50),
      firstRatio: ratioOf(l.firstMs, s?.firstMs),
    };
  });
  return { events: runs.map((r) => r.events), runs, ratios };
}
