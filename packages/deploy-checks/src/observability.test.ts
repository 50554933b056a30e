import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRICS, PROCESS_METRICS, createMetrics } from '@passerelle/platform';
import { appServices, compose, envOf, read, root } from './compose-file.js';

// What dashboards and alerts may query: the services' own metrics (a histogram adds _bucket/_count/_sum),
// prom-client's process metrics, and Prometheus's own `up`.
const histogramSeries = [METRICS.httpDuration].flatMap((h) => [`${h}_bucket`, `${h}_count`, `${h}_sum`]);
const known = new Set<string>([...Object.values(METRICS), ...histogramSeries, ...PROCESS_METRICS, 'up']);
/** Metric names in a PromQL expression: identifiers followed by a selector or range, or bare known prefixes. */
const metricsIn = (expr: string) => [
  ...new Set(
    [
      ...expr
        .replace(/"[^"]*"/g, '""')
        .matchAll(/\b([a-z_:][a-z0-9_:]*)\s*(?=\{|\[)|\b((?:passerelle|process|nodejs)_[a-z0-9_]+)\b/g),
    ].map((m) => m[1] ?? m[2]!),
  ),
];

const dir = join(root, 'infra', 'observability');
const dashboards = readdirSync(join(dir, 'grafana', 'dashboards')).filter((f) => f.endsWith('.json'));
const exprsOf = (d: { panels: Array<{ targets?: Array<{ expr: string }> }> }) =>
  d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

describe('Grafana dashboards', () => {
  it('one overview and one per service, each valid JSON with a unique uid', () => {
    expect(dashboards.sort()).toEqual(['overview.json', ...appServices.map((s) => `${s}.json`)].sort());
    const uids = dashboards.map(
      (f) => (JSON.parse(read('infra', 'observability', 'grafana', 'dashboards', f)) as { uid: string }).uid,
    );
    expect(new Set(uids).size).toBe(uids.length);
  });

  it.each(dashboards)('%s queries only metrics the services expose', (file) => {
    const d = JSON.parse(read('infra', 'observability', 'grafana', 'dashboards', file)) as Parameters<
      typeof exprsOf
    >[0] & { title: string };
    const exprs = exprsOf(d);
    expect(exprs.length).toBeGreaterThan(3);
    for (const expr of exprs) {
      const used = metricsIn(expr);
      expect(used.length, expr).toBeGreaterThan(0);
      for (const m of used) expect(known.has(m), `${file}: ${m} in ${expr}`).toBe(true);
    }
    const service = file.replace('.json', '');
    if (service !== 'overview')
      for (const expr of exprs.filter((e) => e.includes('passerelle_'))) expect(expr).toContain(`service="${service}"`);
  });

  it("the process metrics dashboards use are really in a service's scrape", async () => {
    const text = (await createMetrics('x').render()).body;
    for (const m of PROCESS_METRICS) expect(text).toMatch(new RegExp(`^${m}`, 'm'));
  });

  it('are provisioned from the mounted folder, with Prometheus and Tempo as data sources', () => {
    const grafana = compose.services.grafana!;
    expect(grafana.volumes).toEqual(
      expect.arrayContaining([
        './infra/observability/grafana/dashboards:/var/lib/grafana/dashboards:ro',
        './infra/observability/grafana/provisioning:/etc/grafana/provisioning:ro',
      ]),
    );
    const provider = parse(
      read('infra', 'observability', 'grafana', 'provisioning', 'dashboards', 'dashboards.yaml'),
    ) as { providers: Array<{ options: { path: string } }> };
    expect(provider.providers[0]!.options.path).toBe('/var/lib/grafana/dashboards');
    const sources = parse(
      read('infra', 'observability', 'grafana', 'provisioning', 'datasources', 'datasources.yaml'),
    ) as { datasources: Array<{ uid: string; url: string }> };
    expect(sources.datasources.map((s) => [s.uid, s.url])).toEqual([
      ['prometheus', 'http://prometheus:9090'],
      ['tempo', 'http://tempo:3200'],
    ]);
  });
});

describe('Prometheus, alerts, traces', () => {
  const prom = parse(read('infra', 'observability', 'prometheus', 'prometheus.yml')) as {
    scrape_configs: Array<{ metrics_path: string; static_configs: Array<{ targets: string[] }> }>;
  };
  const alerts = parse(read('infra', 'observability', 'prometheus', 'alerts.yml')) as {
    groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
  };
  const rules = alerts.groups.flatMap((g) => g.rules);

  it('scrapes every service at the port compose gives it', () => {
    const targets = prom.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    for (const name of appServices) expect(targets).toContain(`${name}:${envOf(name).PORT}`);
    expect(prom.scrape_configs[0]!.metrics_path).toBe('/metrics');
  });

  it('alerts query only exposed metrics, and warn before the event stream reaches its size limit', () => {
    for (const r of rules) for (const m of metricsIn(r.expr)) expect(known.has(m), `${r.alert}: ${m}`).toBe(true);
    const near = rules.find((r) => r.alert === 'EventStreamNearLimit')!;
    expect(near.expr).toMatch(
      /passerelle_stream_bytes\{stream="EVENTS"\} \/ \(passerelle_stream_max_bytes\{stream="EVENTS"\} > 0\) > 0\.8/,
    );
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['DeadLettersArrived', 'ProjectionLagging', 'OutboxBacklog', 'ServiceDown']),
    );
  });

  it('the collector sends traces to Tempo, and services can be pointed at it', () => {
    const otel = parse(read('infra', 'observability', 'otel-collector.yaml')) as {
      exporters: Record<string, { endpoint: string }>;
      service: { pipelines: { traces: { exporters: string[] } } };
    };
    expect(otel.service.pipelines.traces.exporters.map((e) => otel.exporters[e]!.endpoint)).toEqual(['tempo:4317']);
    expect(read('.env.example')).toMatch(/http:\/\/otel-collector:4318/);
    for (const file of ['otel-collector.yaml', 'tempo.yaml', 'prometheus/alerts.yml'])
      expect(existsSync(join(dir, file))).toBe(true);
  });
});
