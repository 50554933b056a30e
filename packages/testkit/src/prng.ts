/** A small seeded PRNG (mulberry32): the same seed always gives the same history, so failures reproduce and runs compare. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
    /** A UUID v4 made of seeded bits (aggregate ids must be stable across runs of the same seed). */
    uuid: () => {
      const h = () => int(0, 0xffff).toString(16).padStart(4, '0');
      return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
    },
  };
}
export type Prng = ReturnType<typeof prng>;
