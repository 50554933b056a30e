import { rawCommandIo } from '../baselines.js';
import type { Infra } from '../infra.js';
import { benchToken, fire, planBody, summary } from '../load.js';
import { entries, startService } from '../services.js';
import { percentiles, rate } from '../stats.js';

export interface CommandsOptions {
  rates: number[];
  seconds: number;
  /** p99 latency a rate must keep to count. */
  p99Ms: number;
  /** Most seconds the raw baseline may take. */
  rawBudgetSeconds: number;
  log: (line: string) => void;
}

/**
 * Scenario 5: one trainings instance; autocannon plans trainings at increasing paced rates until p99 passes the
 * limit or the achieved rate falls short (< 95 % of the target). The answer is the highest rate that kept both.
 * Then, in the same run, the raw limit: the same database and NATS calls on a copy of a stored training, as many
 * commands as the service took, without the service.
 */
export async function commandsScenario(infra: Infra, o: CommandsOptions) {
  const space = await infra.space('cmd');
  const trainings = await startService('trainings', entries.trainings, space.env('trainings'));
  const headers = { authorization: `Bearer ${await benchToken()}`, 'content-type': 'application/json' };
  try {
    let n = 0;
    const steps = [];
    let best: number | null = null;
    for (const target of o.rates) {
      o.log(`plan-training commands at ${target}/s for ${o.seconds} s`);
      const r = summary(
        await fire({
          url: `${trainings.url}/trainings`,
          method: 'POST',
          headers,
          connections: Math.max(8, Math.ceil(target / 25)),
          overallRate: target,
          duration: o.seconds,
          requests: [{ setupRequest: (req) => ({ ...req, body: planBody(n++) }) }],
        }),
      );
      const kept = r.p99 < o.p99Ms && r.achievedPerSecond >= 0.95 * target && r.non2xx === 0 && r.errors === 0;
      steps.push({ targetPerSecond: target, kept, ...r });
      if (!kept) break;
      best = target;
    }
    // The service's own ceiling, to set beside the raw one: 8 connections, no pacing.
    o.log(`plan-training commands as fast as 8 connections go, for ${o.seconds} s`);
    const saturated = summary(
      await fire({
        url: `${trainings.url}/trainings`,
        method: 'POST',
        headers,
        connections: 8,
        duration: o.seconds,
        requests: [{ setupRequest: (req) => ({ ...req, body: planBody(n++) }) }],
      }),
    );
    const events = (await infra.jsm.streams.info(space.streams.stream)).state.last_seq;
    const stored = infra.mongo
      .db(space.db('trainings'))
      .collection<Record<string, unknown> & { _id: string }>('trainings');
    const template = await stored.findOne({});
    const trainingsStored = await stored.countDocuments();
    let raw;
    if (template) {
      o.log(`raw command I/O (insert, read, publish, mark) for ${trainingsStored} commands, 8 workers`);
      const r = await rawCommandIo(
        infra.mongo.db(space.db('raw')),
        infra.js,
        template,
        `${space.streams.prefix}.MA.bench.raw`,
        { count: trainingsStored, concurrency: 8, budgetSeconds: o.rawBudgetSeconds },
      );
      raw = {
        commands: r.commands,
        seconds: Math.round(r.seconds * 100) / 100,
        perSecond: rate(r.commands, r.seconds),
        latencyMs: percentiles(r.latencies),
        workers: 8,
      };
    }
    return {
      p99LimitMs: o.p99Ms,
      bestPerSecond: best,
      steps,
      saturated,
      eventsPublished: events,
      trainingsStored,
      ...(raw
        ? {
            rawCommandIo: raw,
            saturatedToRaw: raw.perSecond
              ? Math.round((saturated.achievedPerSecond / raw.perSecond) * 100) / 100
              : null,
          }
        : {}),
    };
  } finally {
    await trainings.stop();
  }
}
