import autocannon from 'autocannon';
import { mintToken } from '@passerelle/platform';
import { BENCH_JWT_SECRET } from './infra.js';

/** Runs autocannon and resolves with its result (never prints its own table: the bench prints one). */
export function fire(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ timeout: 60, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** What the bench reports of an autocannon run: achieved rate, latency percentiles, errors. */
export function summary(r: autocannon.Result) {
  const ok = r['2xx'];
  return {
    requests: r.requests.total,
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    achievedPerSecond: Math.round(ok / r.duration),
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
  };
}

/** A bearer token of the bench's services: every scope the scenarios use, Morocco. */
export async function benchToken(): Promise<string> {
  return mintToken({
    subject: 'bench',
    secret: BENCH_JWT_SECRET,
    countries: ['MA'],
    ttl: '12h',
    scopes: ['trainings:read', 'trainings:write', 'reports:read', 'reports:internal', 'projection:admin'],
  });
}

/** A training plan body the trainings service accepts; the start date lies in the past so it can be marked held. */
export const planBody = (n: number) =>
  JSON.stringify({
    title: { fr: `Formation bench ${n}`, en: `Bench training ${n}` },
    topics: ['trafficking_in_persons'],
    startDate: '2021-03-01',
    endDate: '2021-03-02',
    place: { country: 'MA', region: 'Oriental' },
    modality: 'in_person',
    organiser: 'IOM',
    activityLine: '1.1',
    plannedParticipants: 20,
  });
