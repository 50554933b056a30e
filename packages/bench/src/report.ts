import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Machine } from './infra.js';

type Row = [string, string];
export interface Table {
  title: string;
  rows: Row[];
}

const n = (x: unknown) => (typeof x === 'number' ? x.toLocaleString('en-US') : String(x ?? '—'));
type Any = Record<string, any>;

/** The figures of each scenario worth a glance, as label/value rows (the JSON file keeps everything). */
export function tablesOf(results: Any): Table[] {
  const tables: Table[] = [];
  const st = results.storage as Any | undefined;
  if (st) {
    const g = st.growthFromSmallestToLargest as Any;
    tables.push({
      title: 'Raw server: one operation by _id as the collection grows (mean ms)',
      rows: [
        ...(st.rows as Any[]).map((r): Row => [
          `${n(r.documents)} documents`,
          `findOne ${r.findOneMs} · updateOne ${r.updateOneMs} · updateOne {_id, version} ${r.conditionalUpdateMs} · deleteOne ${r.deleteOneMs} · deleteMany 200 ids ${r.deleteMany200Ms} · insertMany 200 ${r.insertMany200Ms} · find 20 by indexed source ${r.findByIndexedField20Ms} · find all ${r.findAllMs}`,
        ]),
        [
          `growth for ${g.sizeRatio}× the documents`,
          `findOne ${g.findOne}× · updateOne ${g.updateOne}× · conditional ${g.conditionalUpdate}× · deleteOne ${g.deleteOne}× · deleteMany ${g.deleteMany200}× · insertMany ${g.insertMany200}×`,
        ],
      ],
    });
  }
  const ag = results.aggregates as Any | undefined;
  if (ag) {
    const ms = (x: Any) => `mean ${x.mean} · p50 ${x.p50} · p99 ${x.p99}`;
    tables.push({
      title: `Aggregate store: one command on a new aggregate vs one with ${n(ag.historyEvents)} events (${ag.samples} each, ms)`,
      rows: [
        ['write (read + conditional append), new', ms(ag.writeMs.fresh)],
        [
          `write, ${n(ag.historyEvents)} events`,
          `${ms(ag.writeMs.long)} (p50 ${ag.ratio.write}×, mean ${ag.ratio.writeMean}× new)`,
        ],
        ['relay publish (outbox → JetStream → history), new', ms(ag.publishMs.fresh)],
        [
          `relay publish, ${n(ag.historyEvents)} events`,
          `${ms(ag.publishMs.long)} (p50 ${ag.ratio.publish}×, mean ${ag.ratio.publishMean}× new)`,
        ],
        [
          'document bytes: new / long / long had events stayed inline',
          `${n(ag.documentBytes.fresh)} / ${n(ag.documentBytes.long)} / ${n(ag.documentBytes.longIfEventsStayedInline)}`,
        ],
      ],
    });
  }
  const p = results.projection as Any | undefined;
  if (p) {
    tables.push({
      title: `1. Projection throughput (${n(p.events)} events in the stream)`,
      rows: [
        [
          'raw JetStream consume + ack (no-op handler)',
          `${n(p.rawConsume.eventsPerSecond)} events/s (${p.rawConsume.seconds} s)`,
        ],
        [
          'raw DB bulk replaceOne upserts of the same facts (a write path the projection does not use; for comparison only)',
          `${n(p.rawUpsert.factsPerSecond)} facts/s = ${n(p.rawUpsert.eventsPerSecond)} events/s (${n(p.rawUpsert.docs)} facts of ${n(p.rawUpsert.events)} events, ${p.rawUpsert.seconds} s${p.rawUpsert.complete ? '' : ', stopped at the time budget'})`,
        ],
        [
          'raw DB insertMany of the same facts',
          `${n(p.rawInsert.factsPerSecond)} facts/s = ${n(p.rawInsert.eventsPerSecond)} events/s (${n(p.rawInsert.docs)} facts of ${n(p.rawInsert.events)} events, ${p.rawInsert.seconds} s${p.rawInsert.complete ? '' : ', stopped at the time budget'})`,
        ],
        [
          `projection (process start to checkpoint = head; max batch ${p.projection.maxBatch ?? 'default'})`,
          `${n(p.projection.eventsPerSecond)} events/s (${p.projection.seconds} s)`,
        ],
        [
          '**projection ÷ min(raw consume + ack, raw insertMany)** (the floor: what the projection itself does)',
          `**${p.ratioToFloor}** (floor set by ${p.floorLimitedBy})`,
        ],
        ['projection ÷ raw replaceOne upserts (not a floor)', `${p.ratioToReplaceOneUpserts}`],
        ['publishing the history (setup)', `${n(p.publish.eventsPerSecond)} events/s`],
      ],
    });
    if (p.profile) {
      tables.push({
        title: 'Projection CPU profile: self time by area',
        rows: (p.profile.areas as Any[]).slice(0, 10).map((a) => [a.area, `${a.percent} % (${n(a.ms)} ms)`]),
      });
      tables.push({
        title: 'Projection CPU profile: top functions by self time',
        rows: (p.profile.functions as Any[])
          .slice(0, 15)
          .map((f) => [`${f.fn} ${f.where}`, `${f.percent} % (${n(f.ms)} ms)`]),
      });
    }
  }
  const f = results.freshness as Any | undefined;
  if (f) {
    tables.push({
      title: '2. Freshness: HTTP response of a command → its effect visible in the reporting API',
      rows: (f.steps as Any[]).flatMap((s): Row[] => [
        [
          `${s.targetPerSecond}/s: achieved rate, HTTP p50/p99`,
          `${n(s.http.achievedPerSecond)}/s, ${s.http.p50}/${s.http.p99} ms (${n(s.http.ok)} ok, ${s.http.non2xx} non-2xx, ${s.http.errors} errors)`,
        ],
        [
          `${s.targetPerSecond}/s: freshness p50/p95/p99 (status, every command)`,
          `${n(s.freshnessMs.p50)} / ${n(s.freshnessMs.p95)} / ${n(s.freshnessMs.p99)} ms (n=${n(s.freshnessMs.n)}, max ${n(s.freshnessMs.max)}, not visible ${s.notVisible})`,
        ],
        ...(s.responseToStreamMs
          ? [
              [
                `${s.targetPerSecond}/s: of which response → in the stream / stream → visible, p50 (p99)`,
                `${n(s.responseToStreamMs.p50)} (${n(s.responseToStreamMs.p99)}) / ${n(s.streamToVisibleMs.p50)} (${n(s.streamToVisibleMs.p99)}) ms`,
              ] as Row,
            ]
          : []),
        [
          `${s.targetPerSecond}/s: freshness p50/p95/p99 (figure probes)`,
          `${n(s.probedFigureMs.p50)} / ${n(s.probedFigureMs.p95)} / ${n(s.probedFigureMs.p99)} ms (n=${n(s.probedFigureMs.n)})`,
        ],
      ]),
    });
  }
  const r = results.rebuild as Any | undefined;
  if (r) {
    const mem = Object.entries(r.rssMiBAtProgress as Record<string, number>)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    tables.push({
      title: `3. Rebuild (${n(r.events)} events)`,
      rows: [
        ['time (CLI process start to exit)', `${r.seconds} s`],
        ['events per second', n(r.eventsPerSecond)],
        ['peak RSS (VmHWM)', `${r.peakRssMiB} MiB`],
        ['RSS at progress (MiB)', mem],
      ],
    });
  }
  const q = results.queries as Any | undefined;
  if (q) {
    tables.push({
      title: `4. Report queries: ${q.connections} concurrent clients, ${q.seconds} s each, model of ${n(results.rebuild?.events ?? q.events)} events (${n(q.facts)} facts), REPORT_CACHE_FACTS ${q.reportCache ?? 'default'}`,
      rows: (q.endpoints as Any[]).map((e) => [
        e.path,
        e.error
          ? `failed: ${e.error}`
          : `${e.perSecond} req/s, p50 ${e.p50} ms, p99 ${e.p99} ms (first ${e.firstMs} ms; ${e.non2xx} non-2xx, ${e.errors} errors, ${e.timeouts} timeouts)`,
      ]),
    });
    if (q.asOf?.answers?.length) {
      tables.push({
        title: `4b. As of a never-asked instant (${q.asOf.answers[0].asOf}), cold, against the same report now, cold; collections created: ${q.asOf.collectionsCreated}`,
        rows: (q.asOf.answers as Any[]).map((a) => [
          a.path,
          a.error ? `failed: ${a.error}` : `${a.coldMs} ms as of ÷ ${a.coldNowMs} ms now = **${a.ratioToNow}**`,
        ]),
      });
    }
  }
  const d = results.dashboard as Any | undefined;
  if (d) {
    tables.push({
      title: `6. Dashboard under live ingestion: ${d.connections} clients for ${d.seconds} s on a model of ${n(d.modelEvents)} events while ${d.ingestion.targetPerSecond} events/s arrive (${d.roles ?? 'one process applies and serves'})`,
      rows: [
        ...(d.endpoints as Any[]).map((e): Row => [
          e.path,
          e.ok
            ? `${e.ok} answers (${Math.round((e.ok / d.seconds) * 10) / 10}/s), p50 ${e.p50} ms, p99 ${e.p99} ms (cold first answer ${e.firstMs} ms; ${e.non2xx} non-2xx, ${e.errors} errors, ${e.timeouts} timeouts)`
            : `**no answer completed within the run** (cold first answer ${e.firstMs} ms; ${e.timeouts} timeouts)`,
        ]),
        [
          'worst p99',
          (d.endpoints as Any[]).some((e) => !e.ok)
            ? "**above the run's length** (an endpoint never answered under load)"
            : `**${d.worstP99} ms**`,
        ],
        [
          'ingestion',
          `${d.ingestion.published} events published (${d.ingestion.publishedPerSecond}/s), ${d.ingestion.appliedDuringLoad} applied during the load, lag at the end ${d.ingestion.lagAtEnd}`,
        ],
      ],
    });
  }
  const sc = results.scale as Any | undefined;
  if (sc) {
    const [small, large] = sc.runs as [Any, Any];
    const size = (r: Any) => `${n(r.events)} events (${n(r.queries.facts)} facts)`;
    const cell = (x: Any) =>
      !x || x.error ? `failed: ${x?.error ?? 'not run'}` : `p50 ${x.p50} ms, p99 ${x.p99} ms (first ${x.firstMs} ms)`;
    tables.push({
      title: `7. Scale: the same reports on ${size(large)} and on ${size(small)}, ${large.queries.connections} clients for ${large.queries.seconds} s each, warm after one cold answer`,
      rows: (sc.ratios as Any[]).map((r): Row => [
        r.path,
        `${cell(r.large)} ÷ ${cell(r.small)}: p50 **${r.p50Ratio ?? 'n/a'}**, first answer ${r.firstRatio ?? 'n/a'}`,
      ]),
    });
  }
  const c = results.commands as Any | undefined;
  if (c) {
    tables.push({
      title: `5. Command throughput of one trainings instance (plan training; p99 < ${c.p99LimitMs} ms)`,
      rows: [
        ...(c.steps as Any[]).map((s): Row => [
          `target ${s.targetPerSecond}/s`,
          `${n(s.achievedPerSecond)}/s achieved, p50 ${s.p50} ms, p99 ${s.p99} ms${s.non2xx || s.errors ? `, ${s.non2xx} non-2xx, ${s.errors} errors` : ''}${s.kept ? '' : '  ✗'}`,
        ]),
        [
          'highest rate with p99 under the limit',
          c.bestPerSecond === null ? 'none of the rates tried' : `${n(c.bestPerSecond)} commands/s`,
        ],
        ...(c.saturated
          ? [
              [
                'service, 8 connections, unpaced',
                `${n(c.saturated.achievedPerSecond)}/s, p50 ${c.saturated.p50} ms, p99 ${c.saturated.p99} ms`,
              ] as Row,
            ]
          : []),
        ...(c.rawCommandIo
          ? [
              [
                'raw command I/O without the service (insert, read, publish, mark; 8 workers)',
                `${n(c.rawCommandIo.perSecond)}/s, p50 ${c.rawCommandIo.latencyMs.p50} ms, p99 ${c.rawCommandIo.latencyMs.p99} ms (${n(c.rawCommandIo.commands)} of ${n(c.trainingsStored)}, ${c.rawCommandIo.seconds} s)`,
              ] as Row,
              [
                'service, 8 connections unpaced ÷ raw command I/O (same 8 in flight)',
                String(c.saturatedToRaw ?? '—'),
              ] as Row,
            ]
          : []),
      ],
    });
  }
  return tables;
}

const machineRows = (m: Machine): Row[] => [
  ['CPU', `${m.cpu}, ${m.cores} cores`],
  ['memory', `${m.memoryGiB} GiB`],
  ['OS', m.os],
  ['Node', m.node],
  ['bus', `${m.nats} (${m.how.nats})`],
  ['database', `${m.database} (${m.how.mongo})`],
];

/** The tables as aligned text for the terminal. */
export function printTables(tables: Table[], machine: Machine): string {
  const all = [{ title: 'Machine', rows: machineRows(machine) }, ...tables];
  return all
    .map((t) => {
      const w = Math.max(...t.rows.map((r) => r[0].length));
      return `\n${t.title}\n${t.rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n')}`;
    })
    .join('\n');
}

/** Writes results/<stamp>.json (everything measured) and results/<stamp>.md (machine and tables). */
export function writeResults(
  dir: string,
  meta: { startedAt: Date; argv: string[]; quick: boolean; notes: string[] },
  machine: Machine,
  results: Any,
) {
  mkdirSync(dir, { recursive: true });
  const stamp = meta.startedAt
    .toISOString()
    .replace(/[:]/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const json = join(dir, `${stamp}.json`);
  const md = join(dir, `${stamp}.md`);
  writeFileSync(
    json,
    `${JSON.stringify({ startedAt: meta.startedAt, argv: meta.argv, quick: meta.quick, machine, results }, null, 2)}\n`,
  );
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const section = (t: Table) =>
    `## ${t.title}\n\n| | |\n|---|---|\n${t.rows.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`).join('\n')}\n`;
  writeFileSync(
    md,
    [
      `# Passerelle bench, ${meta.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC${meta.quick ? ' (quick sizes)' : ''}`,
      '',
      `Arguments: \`${meta.argv.join(' ') || '(none: the issue sizes)'}\` (\`node dist/run.js\` or \`npm run bench -w @passerelle/bench --\`). Every figure below was measured in this run; the raw baselines come from the same servers in the same run.`,
      '',
      ...meta.notes.map((x) => `- ${x}`),
      meta.notes.length ? '' : '',
      section({ title: 'Machine', rows: [...machineRows(machine), ['date', meta.startedAt.toISOString()]] }),
      ...tablesOf(results).map(section),
    ].join('\n'),
  );
  return { json, md };
}
