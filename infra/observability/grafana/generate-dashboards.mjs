#!/usr/bin/env node
// Writes the provisioned Grafana dashboards (dashboards/*.json): one overview, one per service. Edit here and run
// `node infra/observability/grafana/generate-dashboards.mjs`; packages/deploy-checks checks the JSON and that
// every query uses metrics the services expose.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DS = { type: 'prometheus', uid: 'prometheus' };
const H = 'passerelle_http_request_duration_seconds';
let id = 0;
const panel = (title, exprs, { unit = 'short', w = 12, h = 8, legend = '' } = {}) => ({
  id: ++id,
  type: 'timeseries',
  title,
  datasource: DS,
  fieldConfig: { defaults: { unit }, overrides: [] },
  gridPos: { x: 0, y: 0, w, h },
  targets: exprs.map((expr, i) => ({ refId: String.fromCharCode(65 + i), datasource: DS, expr, legendFormat: legend })),
});
const layout = (panels) => {
  let x = 0;
  let y = 0;
  for (const p of panels) {
    if (x + p.gridPos.w > 24) {
      x = 0;
      y += 8;
    }
    Object.assign(p.gridPos, { x, y });
    x += p.gridPos.w;
  }
  return panels;
};
const dashboard = (uid, title, panels) => ({
  uid,
  title,
  tags: ['passerelle'],
  timezone: 'utc',
  schemaVersion: 39,
  version: 1,
  refresh: '30s',
  time: { from: 'now-6h', to: 'now' },
  templating: { list: [] },
  annotations: { list: [] },
  panels: layout(panels),
});

const http = (sel) => [
  panel('Requests per second by route', [`sum by (route) (rate(${H}_count{${sel}}[5m]))`], {
    unit: 'reqps',
    legend: '{{route}}',
  }),
  panel('p95 latency by route', [`histogram_quantile(0.95, sum by (le, route) (rate(${H}_bucket{${sel}}[5m])))`], {
    unit: 's',
    legend: '{{route}}',
  }),
  panel('Errors by status', [`sum by (status) (rate(${H}_count{${sel},status=~"4..|5.."}[5m]))`], {
    unit: 'reqps',
    legend: '{{status}}',
  }),
];
const process = (sel) => [
  panel('Memory (resident)', [`process_resident_memory_bytes{${sel}}`], {
    unit: 'bytes',
    w: 8,
    legend: '{{instance}}',
  }),
  panel('CPU', [`rate(process_cpu_seconds_total{${sel}}[5m])`], { unit: 'percentunit', w: 8, legend: '{{instance}}' }),
  panel('Event loop lag p99', [`nodejs_eventloop_lag_p99_seconds{${sel}}`], {
    unit: 's',
    w: 8,
    legend: '{{instance}}',
  }),
];

const out = join(import.meta.dirname, 'dashboards');
const write = (name, d) => writeFileSync(join(out, `${name}.json`), `${JSON.stringify(d, null, 2)}\n`);

id = 0;
write(
  'overview',
  dashboard('passerelle-overview', 'Passerelle: overview', [
    panel('Services up', ['up{job="passerelle"}'], { legend: '{{instance}}', w: 8 }),
    panel('Requests per second by service', [`sum by (service) (rate(${H}_count[5m]))`], {
      unit: 'reqps',
      legend: '{{service}}',
      w: 8,
    }),
    panel(
      '5xx share by service',
      [`sum by (service) (rate(${H}_count{status=~"5.."}[5m])) / sum by (service) (rate(${H}_count[5m]))`],
      { unit: 'percentunit', legend: '{{service}}', w: 8 },
    ),
    panel('p95 latency by service', [`histogram_quantile(0.95, sum by (le, service) (rate(${H}_bucket[5m])))`], {
      unit: 's',
      legend: '{{service}}',
      w: 8,
    }),
    panel('Outbox backlog by service', ['passerelle_outbox_backlog'], { legend: '{{service}}', w: 8 }),
    panel('Projection lag (events)', ['passerelle_projection_lag_events'], { legend: '{{instance}}', w: 8 }),
    panel(
      'Event stream size and limit',
      [
        'max by (stream) (passerelle_stream_bytes{stream="EVENTS"})',
        'max by (stream) (passerelle_stream_max_bytes{stream="EVENTS"} > 0)',
      ],
      { unit: 'bytes', legend: '{{stream}}', w: 8 },
    ),
    panel('Events in the stream', ['max by (stream) (passerelle_stream_messages)'], { legend: '{{stream}}', w: 8 }),
    panel('Dead letters', ['max(passerelle_dead_letters)'], { w: 8 }),
  ]),
);

for (const [name, port] of [
  ['trainings', 3001],
  ['assistance', 3002],
  ['partners', 3003],
  ['indicators', 3004],
]) {
  id = 0;
  const sel = `service="${name}"`;
  write(
    name,
    dashboard(`passerelle-${name}`, `Passerelle: ${name} (port ${port})`, [
      ...http(sel),
      panel('Outbox backlog (aggregates with unpublished events)', [`passerelle_outbox_backlog{${sel}}`], {
        legend: '{{instance}}',
      }),
      panel('Events published from the outbox per second', [`rate(passerelle_outbox_published{${sel}}[5m])`], {
        unit: 'ops',
        legend: '{{instance}}',
      }),
      ...process(sel),
    ]),
  );
}

id = 0;
const sel = 'service="projection"';
write(
  'projection',
  dashboard('passerelle-projection', 'Passerelle: projection and reports (port 3005)', [
    ...http(sel),
    panel('Lag behind the stream (events)', [`passerelle_projection_lag_events{${sel}}`], { legend: '{{instance}}' }),
    panel(
      'Checkpoint and stream head',
      [`passerelle_projection_checkpoint_sequence{${sel}}`, `passerelle_stream_last_sequence{${sel},stream="EVENTS"}`],
      { legend: '{{__name__}}' },
    ),
    panel('Events applied per second', [`rate(passerelle_projection_checkpoint_sequence{${sel}}[5m])`], {
      unit: 'ops',
      legend: '{{instance}}',
    }),
    panel(
      'Consumer pending and unacknowledged',
      [`passerelle_consumer_pending{${sel}}`, `passerelle_consumer_ack_pending{${sel}}`],
      { legend: '{{consumer}} {{__name__}}' },
    ),
    panel('Redelivered events', [`passerelle_consumer_redelivered{${sel}}`], { legend: '{{consumer}}' }),
    panel('Dead letters', [`passerelle_dead_letters{${sel}}`]),
    ...process(sel),
  ]),
);
