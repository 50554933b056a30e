import type { Db } from 'mongodb';

/** The read model's checkpoint (last stream sequence applied) in the current generation, or 0 before any. */
export async function checkpointOf(db: Db): Promise<number> {
  const meta = await db.collection<{ _id: string; generation?: number }>('rm_meta').findOne({ _id: 'current' });
  if (!meta?.generation) return 0;
  const cp = await db
    .collection<{ _id: string; seq: number }>(`g${meta.generation}_checkpoint`)
    .findOne({ _id: 'checkpoint' });
  return cp?.seq ?? 0;
}

/** Polls the checkpoint until it reaches `head`, reporting progress; resolves with the time it was first seen there. */
export async function waitForCheckpoint(
  db: Db,
  head: number,
  opts: {
    timeoutMs: number;
    stallMs?: number;
    everyMs?: number;
    onProgress?: (seq: number) => void;
    alive?: () => boolean;
  },
): Promise<number> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastReport = 0;
  let moved = { seq: -1, at: Date.now() };
  for (;;) {
    const seq = await checkpointOf(db);
    if (seq >= head) return performance.now();
    if (seq !== moved.seq) moved = { seq, at: Date.now() };
    // A checkpoint that stops moving short of the head is a stuck projection, not a slow one: say so early.
    if (Date.now() - moved.at > (opts.stallMs ?? 180_000))
      throw new Error(
        `the projection stalled at checkpoint ${seq} of ${head} (no progress for ${Math.round((opts.stallMs ?? 180_000) / 1000)} s)`,
      );
    if (opts.alive && !opts.alive()) throw new Error(`the projection exited at checkpoint ${seq} of ${head}`);
    if (Date.now() > deadline)
      throw new Error(`the projection reached ${seq} of ${head} within ${Math.round(opts.timeoutMs / 1000)} s`);
    if (opts.onProgress && Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      opts.onProgress(seq);
    }
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 100));
  }
}
