import { readFileSync } from 'node:fs';
import type { Db } from 'mongodb';
import type { Infra, Space } from '../infra.js';
import { publishHistory } from '../publish.js';
import { entries, memoryOf, startChild } from '../services.js';
import { rate } from '../stats.js';

export interface RebuildOptions {
  events: number;
  seed: number;
  log: (line: string) => void;
}

/** Progress of a rebuild: the generation it allocated (rm_meta counter) and that generation's checkpoint. */
async function rebuildProgress(db: Db): Promise<number> {
  const counter = await db.collection<{ _id: string; counter?: number }>('rm_meta').findOne({ _id: 'counter' });
  if (!counter?.counter || counter.counter < 2) return 0;
  const cp = await db
    .collection<{ _id: string; seq: number }>(`g${counter.counter}_checkpoint`)
    .findOne({ _id: 'checkpoint' });
  return cp?.seq ?? 0;
}

/**
 * Scenario 3: N events in the stream; the projection's rebuild CLI (a child process) replays them into a new
 * generation. Time, events per second, and the process's resident memory sampled every 250 ms, reported at 25, 50,
 * 75 and 100 % of the way: flat memory means it streams. Leaves the rebuilt model in place for scenario 4.
 */
export async function rebuildScenario(
  infra: Infra,
  o: RebuildOptions,
): Promise<{ space: Space; result: Record<string, unknown> }> {
  const space = await infra.space('rebuild');
  o.log(`publishing ${o.events} events into ${space.streams.stream}`);
  const pub = await publishHistory(infra.js, { seed: o.seed, count: o.events, prefix: space.streams.prefix }, (n) =>
    o.log(`  ${n} published`),
  );
  const head = (await infra.jsm.streams.info(space.streams.stream)).state.last_seq;
  const db = infra.mongo.db(space.db('projection'));
  o.log(`rebuilding the read model from ${head} events (CLI child process)`);
  const child = startChild('rebuild', entries.rebuild, space.env('projection', { PORT: '0' }));
  const t0 = performance.now();
  const samples: Array<{ t: number; seq: number; rssMiB: number; peakMiB: number }> = [];
  let lastLog = Date.now();
  const timer = setInterval(() => {
    const m = memoryOf(child.pid);
    if (!m) return;
    void rebuildProgress(db).then(
      (seq) => {
        samples.push({ t: (performance.now() - t0) / 1000, seq, ...m });
        if (Date.now() - lastLog > 15_000) {
          lastLog = Date.now();
          o.log(`  ${seq} of ${head} replayed, RSS ${m.rssMiB} MiB`);
        }
      },
      () => undefined,
    );
  }, 250);
  const code = await child.exited;
  clearInterval(timer);
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`rebuild exited with code ${code}; see ${child.log}`);
  const output = readFileSync(child.log, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"generation"'))
    .at(-1);
  const at = (share: number) => samples.find((s) => s.seq >= share * head) ?? samples.at(-1);
  const memory = Object.fromEntries([0.25, 0.5, 0.75, 1].map((p) => [`${p * 100}%`, at(p)?.rssMiB ?? null]));
  return {
    space,
    result: {
      events: head,
      publish: { seconds: Math.round(pub.seconds), eventsPerSecond: rate(pub.published, pub.seconds) },
      seconds: Math.round(seconds * 10) / 10,
      eventsPerSecond: rate(head, seconds),
      includesProcessStart: true,
      peakRssMiB: Math.max(0, ...samples.map((s) => s.peakMiB)),
      rssMiBAtProgress: memory,
      samples: samples.length,
      cli: output ? (JSON.parse(output) as object) : null,
    },
  };
}
