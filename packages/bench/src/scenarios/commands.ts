import type { Infra } from '../infra.js';
import { benchToken, fire, planBody, summary } from '../load.js';
import { entries, startService } from '../services.js';

export interface CommandsOptions {
  rates: number[];
  seconds: number;
  /** p99 latency a rate must keep to count. */
  p99Ms: number;
  log: (line: string) => void;
}

/**
 * Scenario 5: one trainings instance; autocannon plans trainings at increasing paced rates until p99 passes the
 * limit or the achieved rate falls short (< 95 % of the target). The answer is the highest rate that kept both.
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
      const r = summary(await fire({
        url: `${trainings.url}/trainings`, method: 'POST', headers, connections: Math.max(8, Math.ceil(target / 25)), overallRate: target, duration: o.seconds,
        requests: [{ setupRequest: (req) => ({ ...req, body: planBody(n++) }) }],
      }));
      const kept = r.p99 < o.p99Ms && r.achievedPerSecond >= 0.95 * target && r.non2xx === 0 && r.errors === 0;
      steps.push({ targetPerSecond: target, kept, ...r });
      if (!kept) break;
      best = target;
    }
    const events = (await infra.jsm.streams.info(space.streams.stream)).state.last_seq;
    return { p99LimitMs: o.p99Ms, bestPerSecond: best, steps, eventsPublished: events };
  } finally {
    await trainings.stop();
  }
}
