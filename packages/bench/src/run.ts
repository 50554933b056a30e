#!/usr/bin/env node
// The bench runner: `npm run bench` runs every scenario at the sizes of issue 9; options pick one scenario or smaller
// sizes. Servers are started for the run (as the tests do) and stopped at the end; results go to results/.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startInfra, type Space } from './infra.js';
import { printTables, tablesOf, writeResults } from './report.js';
import { aggregatesScenario } from './scenarios/aggregates.js';
import { commandsScenario } from './scenarios/commands.js';
import { freshnessScenario } from './scenarios/freshness.js';
import { projectionScenario } from './scenarios/projection.js';
import { queriesScenario } from './scenarios/queries.js';
import { dashboardScenario } from './scenarios/dashboard.js';
import { scaleScenario } from './scenarios/scale.js';
import { rebuildScenario } from './scenarios/rebuild.js';
import { storageScenario } from './scenarios/storage.js';
import { stopChildren } from './services.js';

const SCENARIOS = [
  'storage',
  'aggregates',
  'projection',
  'freshness',
  'rebuild',
  'queries',
  'dashboard',
  'scale',
  'commands',
] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  allowPositionals: false,
  options: {
    scenario: { type: 'string', default: process.env.BENCH_SCENARIO ?? 'all' },
    quick: { type: 'boolean', default: process.env.BENCH_QUICK === '1' },
    events: { type: 'string', default: process.env.BENCH_EVENTS },
    'rebuild-events': { type: 'string', default: process.env.BENCH_REBUILD_EVENTS },
    seconds: { type: 'string', default: process.env.BENCH_SECONDS },
    rates: { type: 'string', default: process.env.BENCH_RATES },
    connections: { type: 'string', default: process.env.BENCH_CONNECTIONS },
    seed: { type: 'string', default: process.env.BENCH_SEED ?? '20260909' },
    profile: { type: 'boolean', default: process.env.BENCH_PROFILE === '1' },
    'raw-budget': { type: 'string', default: process.env.BENCH_RAW_BUDGET },
    'projection-batch': { type: 'string', default: process.env.BENCH_PROJECTION_BATCH },
    'report-cache': { type: 'string', default: process.env.BENCH_REPORT_CACHE },
    'setup-budget': { type: 'string', default: process.env.BENCH_SETUP_BUDGET },
    'ingest-rate': { type: 'string', default: process.env.BENCH_INGEST_RATE },
    'split-roles': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`npm run bench -- [--scenario all|${SCENARIOS.join('|')}[,...]] [--quick] [--events N] [--rebuild-events N]
       [--seconds S] [--rates 100,500,1000] [--connections C] [--seed N] [--profile] [--raw-budget S] [--setup-budget S]
       [--projection-batch N] [--report-cache N] [--ingest-rate N] [--split-roles]
  (or BENCH_SCENARIO, BENCH_QUICK=1, BENCH_EVENTS, BENCH_REBUILD_EVENTS, BENCH_SECONDS, BENCH_RATES, BENCH_CONNECTIONS, BENCH_SEED, BENCH_PROFILE=1, BENCH_RAW_BUDGET, BENCH_SETUP_BUDGET,
   BENCH_PROJECTION_BATCH, BENCH_REPORT_CACHE, BENCH_INGEST_RATE)`);
  process.exit(0);
}

const quick = values.quick;
const num = (s: string | undefined, fallback: number) =>
  s === undefined || s === '' ? fallback : Number(s.replace(/_/g, ''));
const list = (s: string | undefined, fallback: number[]) => (s ? s.split(',').map(Number) : fallback);
const selected: Scenario[] =
  values.scenario === 'all'
    ? [...SCENARIOS]
    : values.scenario.split(',').map((s) => {
        if (!(SCENARIOS as readonly string[]).includes(s))
          throw new Error(`unknown scenario ${s}; choose from ${SCENARIOS.join(', ')}`);
        return s as Scenario;
      });
const seed = num(values.seed, 20260909);
const events = num(values.events, quick ? 5_000 : 100_000);
const rebuildEvents = num(values['rebuild-events'], values.events ? events : quick ? 5_000 : 1_000_000);

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const startedAt = new Date();
const infra = await startInfra();
// Ctrl-C or a kill: stop the services and servers this run started before leaving.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void Promise.race([stopChildren().then(() => infra.stop()), new Promise((r) => setTimeout(r, 20_000))]).finally(
      () => process.exit(130),
    );
  });
}
log(`bus: ${infra.machine.nats} — ${infra.machine.how.nats}`);
log(`database: ${infra.machine.database} — ${infra.machine.how.mongo}`);
const results: Record<string, unknown> = {};
const notes: string[] = [];
let failed = false;
try {
  let rebuilt: Space | undefined;
  for (const s of selected) {
    log(`— scenario ${s}`);
    const t0 = performance.now();
    try {
      if (s === 'storage')
        results.storage = await storageScenario(infra, {
          sizes: quick ? [1_000, 4_000, 16_000] : [1_000, 10_000, 100_000],
          samples: 20,
          log,
        });
      if (s === 'aggregates')
        results.aggregates = await aggregatesScenario(infra, { history: 10_000, samples: quick ? 30 : 200, log });
      if (s === 'projection')
        results.projection = await projectionScenario(infra, {
          events,
          seed,
          profile: values.profile,
          rawBudgetSeconds: num(values['raw-budget'], quick ? 20 : 120),
          maxBatch: values['projection-batch'] ? num(values['projection-batch'], 0) : undefined,
          log,
        });
      if (s === 'freshness')
        results.freshness = await freshnessScenario(infra, {
          rates: list(values.rates, [100, 500, 1000]),
          seconds: num(values.seconds, quick ? 5 : 20),
          setupBudgetSeconds: num(values['setup-budget'], quick ? 60 : 600),
          log,
        });
      if (s === 'rebuild' || ((s === 'queries' || s === 'dashboard') && !rebuilt)) {
        const r = await rebuildScenario(infra, { events: rebuildEvents, seed, log });
        rebuilt = r.space;
        results.rebuild = r.result;
      }
      if (s === 'queries')
        results.queries = await queriesScenario(infra, rebuilt!, {
          connections: num(values.connections, 10),
          seconds: num(values.seconds, quick ? 5 : 20),
          reportCache: values['report-cache'] ? num(values['report-cache'], 0) : undefined,
          firstTimeoutSeconds: quick ? 300 : 1800,
          log,
        });
      if (s === 'dashboard')
        results.dashboard = await dashboardScenario(infra, rebuilt!, {
          modelEvents: rebuildEvents,
          seed,
          eventsPerSecond: num(values['ingest-rate'], 20),
          splitRoles: values['split-roles'],
          connections: num(values.connections, 10),
          seconds: num(values.seconds, quick ? 10 : 30),
          log,
        });
      if (s === 'scale')
        results.scale = await scaleScenario(infra, {
          events,
          seed,
          connections: num(values.connections, 10),
          seconds: num(values.seconds, quick ? 5 : 20),
          reportCache: values['report-cache'] ? num(values['report-cache'], 0) : undefined,
          firstTimeoutSeconds: quick ? 300 : 1800,
          log,
        });
      if (s === 'commands')
        results.commands = await commandsScenario(infra, {
          rates: list(values.rates, quick ? [50, 100, 200, 400] : [50, 100, 200, 300, 400, 600, 800, 1000, 1500, 2000]),
          seconds: num(values.seconds, quick ? 5 : 10),
          p99Ms: 50,
          rawBudgetSeconds: num(values['raw-budget'], quick ? 20 : 120),
          log,
        });
    } catch (e) {
      failed = true;
      results[`${s}Error`] = (e as Error).message;
      notes.push(`scenario ${s} failed: ${(e as Error).message.split('\n')[0]}`);
      console.error(`scenario ${s} failed:`, e);
    }
    log(`— scenario ${s} took ${Math.round((performance.now() - t0) / 1000)} s`);
  }
} finally {
  await infra.stop();
}

console.log(printTables(tablesOf(results), infra.machine));
const files = writeResults(
  join(dirname(fileURLToPath(import.meta.url)), '..', 'results'),
  { startedAt, argv: process.argv.slice(2), quick, notes },
  infra.machine,
  results,
);
console.log(`\nresults: ${files.json}\n         ${files.md}`);
process.exit(failed ? 1 : 0);
