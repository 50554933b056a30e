/** The q-quantile (0..1) of numbers, by nearest rank; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** p50, p95 and p99 of latencies in milliseconds, rounded to 0.1 ms. */
export function percentiles(values: readonly number[]) {
  // None measured (no command got through): say so rather than print NaN.
  const r = (x: number) => (Number.isNaN(x) ? null : Math.round(x * 10) / 10);
  return {
    p50: r(quantile(values, 0.5)),
    p95: r(quantile(values, 0.95)),
    p99: r(quantile(values, 0.99)),
    max: r(quantile(values, 1)),
    n: values.length,
  };
}

/** a ÷ b to two decimals, a zero b counted as 1 ms; null when either was not measured. */
export const ratioOf = (a?: number | null, b?: number | null): number | null =>
  typeof a === 'number' && typeof b === 'number' ? Math.round((100 * a) / Math.max(1, b)) / 100 : null;

/** Events (or requests) per second, rounded. */
export const rate = (n: number, seconds: number) => (seconds > 0 ? Math.round(n / seconds) : 0);

/** Milliseconds since a performance.now() mark, as seconds with two decimals. */
export const secondsSince = (t0: number) => Math.round((performance.now() - t0) / 10) / 100;

/** Polls until check returns a value, or throws after timeoutMs saying what it waited for. */
export async function until<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
