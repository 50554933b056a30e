import type { JetStreamClient } from '@nats-io/jetstream';
import type { Infra } from '../infra.js';
import { benchToken, fire, planBody, summary } from '../load.js';
import { waitForCheckpoint } from '../projected.js';
import { entries, startService } from '../services.js';
import { percentiles, until } from '../stats.js';

export interface FreshnessOptions {
  rates: number[];
  seconds: number;
  /** Most seconds spent planning trainings before the steps (a slow database plans fewer; commands beyond them fail). */
  setupBudgetSeconds: number;
  log: (line: string) => void;
}

/**
 * Scenario 2: "mark held" commands over HTTP at a steady rate (autocannon, paced); for each command, the time from
 * its HTTP response to the moment the reporting API shows the effect. The projection's /projection/status is
 * polled every 20 ms: a command is visible once lastApplied reaches its event's stream sequence (the checkpoint is
 * written after the facts). A sample of commands is also probed the slow, direct way: the figure itself.
 */
export async function freshnessScenario(infra: Infra, o: FreshnessOptions) {
  const space = await infra.space('fresh');
  const [projection, trainings] = await Promise.all([
    startService('projection', entries.projection, space.env('projection')),
    startService('trainings', entries.trainings, space.env('trainings')),
  ]);
  const auth = { authorization: `Bearer ${await benchToken()}`, 'content-type': 'application/json' };
  try {
    const needed = o.rates.reduce((n, r) => n + Math.ceil(r * o.seconds * 1.2) + 50, 0);
    o.log(`planning up to ${needed} trainings in at most ${o.setupBudgetSeconds} s (setup, not measured)`);
    const ids = await planTrainings(trainings.url, auth, needed, o.setupBudgetSeconds);
    const planned = ids.length;
    o.log(`  ${planned} planned`);
    // Let the planned events reach the read model first, so each step starts from a model that is up to date.
    await until(
      async () => ((await infra.jsm.streams.info(space.streams.stream)).state.last_seq >= planned ? true : undefined),
      120_000,
      'planned events in the stream',
    );
    await waitForCheckpoint(infra.mongo.db(space.db('projection')), planned, {
      timeoutMs: 900_000,
      onProgress: (s) => o.log(`  projection at ${s} of ${planned}`),
    });
    const seqOf = watchHeld(infra.js, space.streams.stream, `${space.streams.prefix}.*.trainings.training.held`);
    const steps = [];
    for (const target of o.rates) {
      o.log(`freshness at ${target} commands/s for ${o.seconds} s`);
      // Each step gets its share of the planned trainings; a command past the end of its pool is refused (non-2xx).
      const share = Math.ceil(((target * o.seconds * 1.2 + 50) / needed) * planned);
      steps.push(await step(target, ids.splice(0, share), seqOf.map, seqOf.arrived));
    }
    seqOf.stop();
    return { plannedTrainings: planned, neededTrainings: needed, steps };
  } finally {
    await Promise.all([projection.stop(), trainings.stop()]);
  }

  async function step(target: number, pool: string[], seqOf: Map<string, number>, arrived: Map<string, number>) {
    const answered = new Map<string, number>();
    let next = 0;
    const status = pollStatus(projection.url, auth);
    const probes = probeFigures(projection.url, auth, answered);
    const result = await fire({
      url: trainings.url,
      connections: Math.max(8, Math.ceil(target / 20)),
      overallRate: target,
      duration: o.seconds,
      headers: auth,
      requests: [
        {
          method: 'POST',
          setupRequest: (req, context) => {
            // Past the pool, a command on an already held training: refused by the service and left out of freshness.
            const id = pool[next++ % pool.length]!;
            (context as { id?: string }).id = id;
            return { ...req, path: `/trainings/${id}/held`, body: '{"version":1}' };
          },
          onResponse: (code, _body, context) => {
            if (code < 300) answered.set((context as { id: string }).id, performance.now());
          },
        },
      ],
    });
    // Wait until the last command of the step is visible (or give up after a minute and report what was seen).
    await until(
      async () => {
        const last = Math.max(0, ...[...answered.keys()].map((id) => seqOf.get(id) ?? Infinity));
        return Number.isFinite(last) && status.applied() >= last ? true : undefined;
      },
      60_000,
      'every command of the step to be visible',
    ).catch(() => undefined);
    status.stop();
    const sampled = await probes.stop();
    const lags: number[] = [];
    const toStream: number[] = [];
    const toModel: number[] = [];
    let unseen = 0;
    for (const [id, at] of answered) {
      const seen = status.visibleAt(seqOf.get(id) ?? Infinity);
      if (seen === undefined) unseen++;
      else lags.push(Math.max(0, seen - at));
      const inStream = arrived.get(id);
      if (inStream !== undefined) {
        toStream.push(Math.max(0, inStream - at));
        if (seen !== undefined) toModel.push(Math.max(0, seen - inStream));
      }
    }
    return {
      targetPerSecond: target,
      http: summary(result),
      freshnessMs: percentiles(lags),
      responseToStreamMs: percentiles(toStream),
      streamToVisibleMs: percentiles(toModel),
      notVisible: unseen,
      probedFigureMs: percentiles(sampled),
      statusPolls: status.polls(),
    };
  }
}

/** Plans trainings with autocannon, in rounds of 100, until `count` or the time budget; ids from the Location headers. */
async function planTrainings(
  url: string,
  headers: Record<string, string>,
  count: number,
  budgetSeconds: number,
): Promise<string[]> {
  const ids: string[] = [];
  const deadline = performance.now() + budgetSeconds * 1000;
  let n = 0;
  while (ids.length < count && performance.now() < deadline) {
    await fire({
      url,
      connections: 4,
      amount: Math.min(100, count - ids.length),
      headers,
      requests: [
        {
          method: 'POST',
          path: '/trainings',
          setupRequest: (req) => ({ ...req, body: planBody(n++) }),
          onResponse: (code, body) => {
            if (code === 201) ids.push((JSON.parse(body) as { id: string }).id);
          },
        },
      ],
    });
  }
  if (!ids.length) throw new Error('no training could be planned');
  return ids;
}

/** Follows the stream (ordered consumer) to learn the stream sequence of each training's "held" event. */
function watchHeld(js: JetStreamClient, stream: string, subject: string) {
  const map = new Map<string, number>();
  /** When the bench saw each training's event in the stream: splits freshness into publishing and projecting. */
  const arrived = new Map<string, number>();
  let stopped = false;
  let stopFn: (() => void) | undefined;
  void (async () => {
    const consumer = await js.consumers.get(stream, { filter_subjects: subject });
    const messages = await consumer.consume();
    stopFn = () => messages.stop();
    if (stopped) messages.stop();
    for await (const m of messages) {
      const id = (m.json() as { data: { trainingId: string } }).data.trainingId;
      map.set(id, m.seq);
      arrived.set(id, performance.now());
    }
  })();
  return {
    map,
    arrived,
    stop: () => {
      stopped = true;
      stopFn?.();
    },
  };
}

/** Polls /projection/status back to back (20 ms apart), keeping when each lastApplied was seen. */
function pollStatus(url: string, headers: Record<string, string>) {
  const seen: Array<{ at: number; applied: number }> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const res = await fetch(`${url}/projection/status`, { headers }).catch(() => undefined);
      if (res?.ok)
        seen.push({ at: performance.now(), applied: ((await res.json()) as { lastApplied: number }).lastApplied });
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    applied: () => seen.at(-1)?.applied ?? 0,
    polls: () => seen.length,
    /** When the poller first saw a checkpoint at or past seq. */
    visibleAt: (seq: number) => seen.find((s) => s.applied >= seq)?.at,
    stop: () => {
      running = false;
      return loop;
    },
  };
}

/** One command at a time: polls its figure (held trainings, by trainingId) until it counts, for a direct check. */
function probeFigures(url: string, headers: Record<string, string>, answered: Map<string, number>) {
  const lags: number[] = [];
  const probed = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      // The newest answered command not probed yet; none: wait for the next answer.
      const last = [...answered].at(-1);
      if (!last || probed.has(last[0])) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const [id, at] = last;
      probed.add(id);
      const deadline = performance.now() + 30_000;
      while (performance.now() < deadline) {
        const res = await fetch(`${url}/reports/figures?source=trainings_held&measure=count&trainingId=${id}`, {
          headers,
        }).catch(() => undefined);
        const rows = res?.ok ? ((await res.json()) as { rows: Array<{ value: number }> }).rows : [];
        if ((rows[0]?.value ?? 0) >= 1) {
          lags.push(performance.now() - at);
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return lags;
    },
  };
}
